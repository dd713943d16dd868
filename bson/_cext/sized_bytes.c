/* bson._cbson._SizedBytes: one bytes object filled in place from pieces, for a reader that
 * knows the total length up front (a GridFS download's read()).
 *
 * io.BytesIO grows as it is written, so each fresh page of a large result is faulted in
 * one at a time when first written.  This allocates the result once, at its final size,
 * and on Linux asks the kernel to commit a large one's pages a window at a time just
 * ahead of the writes (MADV_POPULATE_WRITE), which costs a fraction of faulting them in
 * singly.  Pages are committed only as data arrives, so a size that turns out to be a
 * false claim (a corrupt files document's length) costs address space, not memory.  The
 * bytes object is never seen by Python code until getvalue() hands it over, so filling it
 * in place keeps the immutability every holder of a bytes object relies on.
 */
#include "cbson.h"

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it (EINVAL): no harm */
#endif
#endif

/* Below this the result is likely carved from the heap, whose pages are usually warm. */
#define POPULATE_MIN (1 << 20)
/* How far ahead of the bytes being written pages are committed, in one call. */
#define POPULATE_WINDOW (4 << 20)

typedef struct {
    PyObject_HEAD
    PyObject *bytes;      /* the result being filled; NULL once handed over */
    Py_ssize_t size;      /* its capacity */
    Py_ssize_t used;      /* bytes written so far */
    Py_ssize_t committed; /* offset up to which pages were asked to be committed */
} SizedBytes;

/* Commit the pages the bytes up to ``end`` will be written to, and a window beyond. */
static void commit_through(SizedBytes *self, Py_ssize_t end) {
#ifdef __linux__
    static uintptr_t page = 0;
    Py_ssize_t target;
    uintptr_t mask, from, to;
    const char *data;
    if (self->size < POPULATE_MIN || end <= self->committed) {
        return;
    }
    if (page == 0) {
        long found = sysconf(_SC_PAGESIZE);
        page = found > 0 ? (uintptr_t)found : 4096;
    }
    target = end > self->size - POPULATE_WINDOW ? self->size : end + POPULATE_WINDOW;
    data = PyBytes_AS_STRING(self->bytes);
    mask = ~(page - 1);
    /* Whole pages only; a partial one at either end is faulted in when written. */
    from = (uintptr_t)(data + self->committed) & mask;
    to = (uintptr_t)(data + target) & mask;
    if (to > from) {
        /* Only an optimisation: on failure the pages are faulted in as they are written. */
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
    }
    self->committed = target;
#else
    (void)self;
    (void)end;
#endif
}

static PyObject *sized_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"size", NULL};
    Py_ssize_t size;
    SizedBytes *self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "n:_SizedBytes", keywords, &size)) {
        return NULL;
    }
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "_SizedBytes size must not be negative");
        return NULL;
    }
    self = (SizedBytes *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->bytes = PyBytes_FromStringAndSize(NULL, size);
    if (self->bytes == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    self->size = size;
    self->used = 0;
    self->committed = 0;
    return (PyObject *)self;
}

static void sized_dealloc(SizedBytes *self) {
    Py_XDECREF(self->bytes);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int check_open(SizedBytes *self) {
    if (self->bytes == NULL) {
        PyErr_SetString(PyExc_ValueError, "_SizedBytes: getvalue() already handed the bytes over");
        return -1;
    }
    return 0;
}

static PyObject *sized_write(SizedBytes *self, PyObject *data) {
    Py_buffer view;
    Py_ssize_t length;
    if (check_open(self) < 0 || PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    length = view.len;
    if (length > self->size - self->used) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError,
                     "_SizedBytes: writing %zd bytes after %zd would pass its size, %zd",
                     length, self->used, self->size);
        return NULL;
    }
    commit_through(self, self->used + length);
    memcpy(PyBytes_AS_STRING(self->bytes) + self->used, view.buf, (size_t)length);
    self->used += length;
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(length);
}

static PyObject *sized_getvalue(SizedBytes *self, PyObject *unused) {
    PyObject *result;
    if (check_open(self) < 0) {
        return NULL;
    }
    result = self->bytes;
    self->bytes = NULL;
    /* Never expose the unwritten tail: cut the result to what was written. */
    if (self->used < self->size && _PyBytes_Resize(&result, self->used) < 0) {
        return NULL;
    }
    return result;
}

static PyObject *sized_tell(SizedBytes *self, PyObject *unused) {
    return PyLong_FromSsize_t(self->used);
}

static PyMethodDef sized_methods[] = {
    {"write", (PyCFunction)sized_write, METH_O,
     "write(data) -> int\n--\n\nCopy the bytes-like ``data`` in after what was written; "
     "ValueError if it would pass the size given."},
    {"getvalue", (PyCFunction)sized_getvalue, METH_NOARGS,
     "getvalue() -> bytes\n--\n\nThe bytes written, handed over once; a second call raises "
     "ValueError."},
    {"tell", (PyCFunction)sized_tell, METH_NOARGS,
     "tell() -> int\n--\n\nHow many bytes were written."},
    {NULL, NULL, 0, NULL}
};

PyTypeObject cb_SizedBytesType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bson._cbson._SizedBytes",
    .tp_basicsize = sizeof(SizedBytes),
    .tp_dealloc = (destructor)sized_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "_SizedBytes(size)\n--\n\n"
              "A bytes object of at most ``size`` bytes, written in order like "
              "io.BytesIO and handed over by getvalue() without a copy.",
    .tp_methods = sized_methods,
    .tp_new = sized_new,
};
