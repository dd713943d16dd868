/* The encoder's top level (bson/_encode.py encode_document): what may be encoded,
 * the reusable output buffer, and the conversion of low-level errors. */
#include "cbson.h"

/* One reusable output buffer, so encoding a document allocates only its result; an
 * encode started while it is in use (from a codec's callback) gets a fresh one.
 *
 * A large result would then be copied once more, out of that buffer: when the last
 * top-level document was at least CB_HAND_OVER_MIN bytes, the next one is encoded
 * straight into a bytes object of about that size instead, which is handed out (cut
 * to length) without a copy.  The 310 KB document of the insert benchmark: one copy of
 * it fewer per insert_one. */
static cb_buffer shared_buffer;
static int shared_in_use;
static Py_ssize_t large_hint; /* the capacity to start the next top-level result with */
#define CB_INITIAL_CAP 512
#define CB_KEEP_CAP (1 << 20)
#define CB_HAND_OVER_MIN (64 * 1024)

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
    if (buf->bytes != NULL) {
        if (_PyBytes_Resize(&buf->bytes, cap) < 0) {  /* it freed the object */
            buf->data = NULL;
            buf->len = buf->cap = 0;
            return -1;
        }
        buf->data = PyBytes_AS_STRING(buf->bytes);
        buf->cap = cap;
        return 0;
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

/* The buffer for one encode; ``*top`` says whether it is the top-level one (which
 * buffer_finish must be told). */
static cb_buffer *buffer_acquire(cb_buffer *local, int *top) {
    local->data = NULL;
    local->len = local->cap = 0;
    local->bytes = NULL;
    *top = !shared_in_use;
    if (!*top) {
        return local;
    }
    shared_in_use = 1;
    if (large_hint > 0) {
        local->bytes = PyBytes_FromStringAndSize(NULL, large_hint);
        if (local->bytes != NULL) {
            local->data = PyBytes_AS_STRING(local->bytes);
            local->cap = large_hint;
            return local;
        }
        PyErr_Clear(); /* the shared buffer will do */
        large_hint = 0;
    }
    shared_buffer.len = 0;
    return &shared_buffer;
}

static void buffer_release(cb_buffer *buf, int top) {
    if (top) {
        shared_in_use = 0;
    }
    if (buf == &shared_buffer) {
        if (buf->cap > CB_KEEP_CAP) {  /* do not hold on to one huge document's memory */
            PyMem_Free(buf->data);
            buf->data = NULL;
            buf->cap = 0;
        }
        return;
    }
    if (buf->bytes != NULL) {
        Py_CLEAR(buf->bytes); /* its storage was the data */
        return;
    }
    PyMem_Free(buf->data);
}

/* The encoded document as bytes; the buffer is released either way. */
static PyObject *buffer_finish(cb_buffer *buf, int top) {
    PyObject *result;
    Py_ssize_t len = buf->len;
    if (buf->bytes != NULL) {
        result = buf->bytes;
        buf->bytes = NULL;
        buf->data = NULL; /* the result's storage now */
        if (_PyBytes_Resize(&result, len) < 0) {
            result = NULL;
        }
    } else {
        result = PyBytes_FromStringAndSize(buf->data, len);
    }
    if (top) {
        large_hint = len >= CB_HAND_OVER_MIN ? len + len / 8 : 0;
    }
    buffer_release(buf, top);
    return result;
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
    PyObject *owned = NULL;
    int r, top;
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
    buf = buffer_acquire(&local, &top);
    r = cb_write_document(buf, doc, check_keys, st, 1, 0);
    Py_XDECREF(owned);
    if (r < 0) {
        buffer_release(buf, top);
        convert_encode_error();
        return NULL;
    }
    if (buf->len > CB_MAX_DOCUMENT_SIZE) {
        PyErr_Format(G.InvalidDocument,
                     "document of %zd bytes exceeds the BSON maximum of %d bytes", buf->len,
                     CB_MAX_DOCUMENT_SIZE);
        buffer_release(buf, top);
        return NULL;
    }
    return buffer_finish(buf, top);
}
