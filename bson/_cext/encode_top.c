/* The encoder's top level (bson/_encode.py encode_document): what may be encoded,
 * the reusable output buffer, and the conversion of low-level errors. */
#include "cbson.h"

/* One reusable output buffer, so encoding a document allocates only its result; an
 * encode started while it is in use (from a codec's callback) gets a fresh one. */
static cb_buffer shared_buffer;
static int shared_in_use;
#define CB_INITIAL_CAP 512
#define CB_KEEP_CAP (1 << 20)

int cb_buffer_grow(cb_buffer *buf, Py_ssize_t extra) {
    Py_ssize_t want = buf->len + extra, cap = buf->cap ? buf->cap : CB_INITIAL_CAP;
    char *data;
    if (extra > PY_SSIZE_T_MAX - buf->len) {
        PyErr_NoMemory();
        return -1;
    }
    while (cap < want) {
        cap = cap > PY_SSIZE_T_MAX / 2 ? want : cap * 2;
    }
    data = PyMem_Realloc(buf->data, (size_t)cap);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    buf->data = data;
    buf->cap = cap;
    return 0;
}

static cb_buffer *buffer_acquire(cb_buffer *local) {
    if (!shared_in_use) {
        shared_in_use = 1;
        shared_buffer.len = 0;
        return &shared_buffer;
    }
    local->data = NULL;
    local->len = local->cap = 0;
    return local;
}

static void buffer_release(cb_buffer *buf) {
    if (buf == &shared_buffer) {
        shared_in_use = 0;
        if (buf->cap > CB_KEEP_CAP) {  /* do not hold on to one huge document's memory */
            PyMem_Free(buf->data);
            buf->data = NULL;
            buf->cap = 0;
        }
        return;
    }
    PyMem_Free(buf->data);
}

/* The pure encode_document's except clauses: struct errors, UnicodeEncodeError and
 * RecursionError raised while writing become the documented exceptions. */
static void convert_encode_error(void) {
    PyObject *type, *value, *tb, *detail;
    if (PyErr_ExceptionMatches(G.StructError)) {
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        detail = value != NULL ? PyObject_Str(value) : NULL;
        if (detail != NULL) {
            PyErr_Format(PyExc_OverflowError, "BSON can only handle up to 8-byte ints: %U",
                         detail);
            Py_DECREF(detail);
        }
    } else if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        detail = value != NULL ? PyObject_GetAttrString(value, "object") : NULL;
        if (detail != NULL) {
            PyErr_Format(G.InvalidStringData, "strings in documents must be valid UTF-8: %R",
                         detail);
            Py_DECREF(detail);
        }
    } else if (PyErr_ExceptionMatches(PyExc_RecursionError)) {
        PyErr_Fetch(&type, &value, &tb);
        PyErr_SetString(G.InvalidDocument,
                        "document is nested too deeply or contains itself (or type codecs "
                        "keep returning each other's types)");
    } else {
        return;
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

#define CB_MAX_DOCUMENT_SIZE 2147483647

/* bson/_encode.py encode_document: BSON bytes for the top-level mapping ``doc`` (or a
 * RawBSONDocument's ``raw``, returned as it is). */
PyObject *cb_encode_top(PyObject *doc, int check_keys, cb_state *st) {
    cb_buffer local, *buf;
    PyObject *owned = NULL, *result;
    int r;
    if (!PyDict_CheckExact(doc) && (PyObject *)Py_TYPE(doc) != G.SON) {
        PyObject *marker = PyObject_GetAttr(doc, G.s_type_marker);
        if (marker == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
                return NULL;
            }
            PyErr_Clear();
        } else {
            r = marker == Py_None ? 0 : PyObject_RichCompareBool(marker, G.int_101, Py_EQ);
            Py_DECREF(marker);
            if (r < 0) {
                return NULL;
            }
            if (r) {
                return PyObject_GetAttr(doc, G.s_raw);
            }
        }
        r = PyObject_IsInstance(doc, G.DBRef);
        if (r < 0) {
            return NULL;
        }
        if (r) {
            doc = owned = PyObject_CallMethodNoArgs(doc, G.s_as_doc);
            if (doc == NULL) {
                return NULL;
            }
        }
        r = PyObject_IsInstance(doc, G.Mapping);
        if (r <= 0) {
            if (r == 0) {
                PyErr_Format(PyExc_TypeError, "encoder expected a mapping type but got: %R",
                             doc);
            }
            Py_XDECREF(owned);
            return NULL;
        }
    }
    buf = buffer_acquire(&local);
    r = cb_write_document(buf, doc, check_keys, st, 1, 0);
    Py_XDECREF(owned);
    if (r < 0) {
        buffer_release(buf);
        convert_encode_error();
        return NULL;
    }
    if (buf->len > CB_MAX_DOCUMENT_SIZE) {
        PyErr_Format(G.InvalidDocument,
                     "document of %zd bytes exceeds the BSON maximum of %d bytes", buf->len,
                     CB_MAX_DOCUMENT_SIZE);
        buffer_release(buf);
        return NULL;
    }
    result = PyBytes_FromStringAndSize(buf->data, buf->len);
    buffer_release(buf);
    return result;
}
