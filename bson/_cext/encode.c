/* The BSON encoder's containers and common values (bson/_encode.py _write_document,
 * _write_array and their inline types).
 *
 * Exact dicts and SONs are walked with PyDict_Next, exact lists and tuples by index;
 * other mappings through ``items()`` and other iterables through ``iter()``, as the
 * pure encoder does.  str, int, float, dict, list, bool, None, Int64 and ObjectId are
 * written inline; every other type goes through encode_dispatch.c in the pure
 * encoder's order: exact type, type encoder for the exact type, ``_type_marker``,
 * isinstance, fallback encoder.
 */
#include "cbson.h"

int cb_enter(int depth) {
    if (depth > CB_MAX_DEPTH) {
        PyErr_SetString(PyExc_RecursionError,
                        "maximum recursion depth exceeded while encoding a BSON document");
        return -1;
    }
    return Py_EnterRecursiveCall(" while encoding a BSON document");
}

/* The encoded element name for ``key``: a str without NUL that encodes to UTF-8. */
static const char *key_name(PyObject *key, Py_ssize_t *len) {
    const char *s;
    Py_ssize_t at;
    if (!PyUnicode_Check(key)) {
        PyErr_Format(G.InvalidDocument, "documents must have only string keys, key was %R",
                     key);
        return NULL;
    }
    s = PyUnicode_AsUTF8AndSize(key, len);
    if (s == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            return NULL;
        }
        PyErr_Clear();
        /* The pure encoder looks for NUL before encoding. */
        at = PyUnicode_FindChar(key, 0, 0, PyUnicode_GET_LENGTH(key), 1);
        if (at == -2) {
            return NULL;
        }
        if (at >= 0) {
            PyErr_Format(G.InvalidDocument, "key %R must not contain null character", key);
        } else {
            PyErr_Format(G.InvalidStringData, "key %R is not valid UTF-8", key);
        }
        return NULL;
    }
    if (memchr(s, 0, (size_t)*len) != NULL) {
        PyErr_Format(G.InvalidDocument, "key %R must not contain null character", key);
        return NULL;
    }
    return s;
}

/* check_keys: no leading '$', no '.' (both ASCII, so the UTF-8 bytes can be searched). */
static int check_key(PyObject *key, const char *s, Py_ssize_t n) {
    if (n > 0 && s[0] == '$') {
        PyErr_Format(G.InvalidDocument, "key %R must not start with '$'", key);
        return -1;
    }
    if (memchr(s, '.', (size_t)n) != NULL) {
        PyErr_Format(G.InvalidDocument, "key %R must not contain '.'", key);
        return -1;
    }
    return 0;
}

static int write_pair(cb_buffer *buf, PyObject *key, PyObject *value, int check_keys,
                      cb_state *st, int depth) {
    Py_ssize_t nlen;
    const char *name = key_name(key, &nlen);
    if (name == NULL || (check_keys && check_key(key, name, nlen) < 0)) {
        return -1;
    }
    return cb_write_value(buf, name, nlen, value, check_keys, st, depth, 1);
}

/* key == "_id", as Python compares it. */
static int is_id_key(PyObject *key) {
    if (key == G.s_id) {
        return 1;
    }
    if (PyUnicode_CheckExact(key)) {
        return PyUnicode_GET_LENGTH(key) == 3 && PyUnicode_CompareWithASCIIString(key, "_id") == 0;
    }
    return PyObject_RichCompareBool(key, G.s_id, Py_EQ);
}

/* ``key, value = item`` for a generic mapping's items(). New references. */
static int unpack_pair(PyObject *item, PyObject **key, PyObject **value) {
    PyObject *seq;
    if (PyTuple_CheckExact(item) && PyTuple_GET_SIZE(item) == 2) {
        *key = Py_NewRef(PyTuple_GET_ITEM(item, 0));
        *value = Py_NewRef(PyTuple_GET_ITEM(item, 1));
        return 0;
    }
    seq = PySequence_Tuple(item);
    if (seq == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object",
                         Py_TYPE(item)->tp_name);
        }
        return -1;
    }
    if (PyTuple_GET_SIZE(seq) != 2) {
        if (PyTuple_GET_SIZE(seq) < 2) {
            PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected 2, got %zd)",
                         PyTuple_GET_SIZE(seq));
        } else {
            PyErr_SetString(PyExc_ValueError, "too many values to unpack (expected 2)");
        }
        Py_DECREF(seq);
        return -1;
    }
    *key = Py_NewRef(PyTuple_GET_ITEM(seq, 0));
    *value = Py_NewRef(PyTuple_GET_ITEM(seq, 1));
    Py_DECREF(seq);
    return 0;
}

static int write_dict_items(cb_buffer *buf, PyObject *doc, int check_keys, cb_state *st,
                            int top, int depth) {
    PyObject *key, *value, *id = NULL;
    Py_ssize_t pos = 0, size;
    int r, skip;
    if (top) {
        id = PyDict_GetItemWithError(doc, G.s_id);
        if (id == NULL && PyErr_Occurred()) {
            return -1;
        }
        if (id != NULL) {
            Py_INCREF(id);
            r = cb_write_value(buf, "_id", 3, id, check_keys, st, depth, 0);
            Py_DECREF(id);
            if (r < 0) {
                return -1;
            }
        }
    }
    size = PyDict_GET_SIZE(doc);
    while (PyDict_Next(doc, &pos, &key, &value)) {
        /* Held: writing a value may run Python code (codecs, utcoffset). */
        Py_INCREF(key);
        Py_INCREF(value);
        skip = id != NULL ? is_id_key(key) : 0;
        r = skip < 0 ? -1 : (skip ? 0 : write_pair(buf, key, value, check_keys, st, depth));
        Py_DECREF(key);
        Py_DECREF(value);
        if (r < 0) {
            return -1;
        }
        if (PyDict_GET_SIZE(doc) != size) {
            PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
            return -1;
        }
    }
    return 0;
}

static int write_mapping_items(cb_buffer *buf, PyObject *doc, int check_keys, cb_state *st,
                               int top, int depth) {
    PyObject *items, *iter, *item, *key, *value, *id;
    int r, skip = 0;
    if (top) {
        skip = PySequence_Contains(doc, G.s_id);
        if (skip < 0) {
            return -1;
        }
        if (skip) {
            id = PyObject_GetItem(doc, G.s_id);
            if (id == NULL) {
                return -1;
            }
            r = cb_write_value(buf, "_id", 3, id, check_keys, st, depth, 0);
            Py_DECREF(id);
            if (r < 0) {
                return -1;
            }
        }
    }
    items = PyObject_CallMethodNoArgs(doc, G.s_items);
    if (items == NULL) {
        return -1;
    }
    iter = PyObject_GetIter(items);
    Py_DECREF(items);
    if (iter == NULL) {
        return -1;
    }
    while ((item = PyIter_Next(iter)) != NULL) {
        r = unpack_pair(item, &key, &value);
        Py_DECREF(item);
        if (r < 0) {
            Py_DECREF(iter);
            return -1;
        }
        r = skip ? is_id_key(key) : 0;
        if (r == 0) {
            r = write_pair(buf, key, value, check_keys, st, depth);
        } else if (r > 0) {
            r = 0;
        }
        Py_DECREF(key);
        Py_DECREF(value);
        if (r < 0) {
            Py_DECREF(iter);
            return -1;
        }
    }
    Py_DECREF(iter);
    return PyErr_Occurred() ? -1 : 0;
}

/* Patch the int32 length of the document or array that started at ``start``. */
static int close_container(cb_buffer *buf, Py_ssize_t start) {
    Py_ssize_t size;
    if (cb_reserve(buf, 1) < 0) {
        return -1;
    }
    buf->data[buf->len++] = 0;
    size = buf->len - start;
    if (size > INT32_MAX) {
        return cb_struct_error("'i' format requires -2147483648 <= number <= 2147483647");
    }
    cb_put_i32(buf->data + start, (int32_t)size);
    return 0;
}

int cb_write_document(cb_buffer *buf, PyObject *doc, int check_keys, cb_state *st, int top,
                      int depth) {
    Py_ssize_t start = buf->len;
    int r;
    if (cb_enter(depth) < 0) {
        return -1;
    }
    if (cb_reserve(buf, 5) < 0) {
        Py_LeaveRecursiveCall();
        return -1;
    }
    buf->len += 4;
    if (PyDict_CheckExact(doc) || (PyObject *)Py_TYPE(doc) == G.SON) {
        r = write_dict_items(buf, doc, check_keys, st, top, depth);
    } else {
        r = write_mapping_items(buf, doc, check_keys, st, top, depth);
    }
    Py_LeaveRecursiveCall();
    return r < 0 ? -1 : close_container(buf, start);
}

/* Array keys "0", "1", ...: the decimal digits of ``index``. */
static Py_ssize_t index_name(char *out, Py_ssize_t index) {
    char tmp[24];
    Py_ssize_t n = 0, i;
    do {
        tmp[n++] = (char)('0' + index % 10);
        index /= 10;
    } while (index > 0);
    for (i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

int cb_write_array(cb_buffer *buf, PyObject *seq, int check_keys, cb_state *st, int depth) {
    Py_ssize_t start = buf->len, i, nlen;
    PyObject *iter, *item;
    char name[24];
    int r = 0;
    if (cb_enter(depth) < 0) {
        return -1;
    }
    if (cb_reserve(buf, 5) < 0) {
        Py_LeaveRecursiveCall();
        return -1;
    }
    buf->len += 4;
    if (PyList_CheckExact(seq) || PyTuple_CheckExact(seq)) {
        int is_list = PyList_CheckExact(seq);
        /* The size is read each time: a value's codec may change a list. */
        for (i = 0; r == 0 && i < (is_list ? PyList_GET_SIZE(seq) : PyTuple_GET_SIZE(seq));
             i++) {
            item = is_list ? PyList_GET_ITEM(seq, i) : PyTuple_GET_ITEM(seq, i);
            Py_INCREF(item);
            nlen = index_name(name, i);
            r = cb_write_value(buf, name, nlen, item, check_keys, st, depth, 0);
            Py_DECREF(item);
        }
    } else {
        iter = PyObject_GetIter(seq);
        if (iter == NULL) {
            r = -1;
        }
        for (i = 0; r == 0 && (item = PyIter_Next(iter)) != NULL; i++) {
            nlen = index_name(name, i);
            r = cb_write_value(buf, name, nlen, item, check_keys, st, depth, 0);
            Py_DECREF(item);
        }
        if (iter != NULL) {
            Py_DECREF(iter);
            if (r == 0 && PyErr_Occurred()) {
                r = -1;
            }
        }
    }
    Py_LeaveRecursiveCall();
    return r < 0 ? -1 : close_container(buf, start);
}

int cb_write_code(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                      cb_state *st, int depth) {
    Py_ssize_t n, start;
    PyObject *scope;
    char *p;
    int r;
    const char *s = PyUnicode_AsUTF8AndSize(value, &n);
    if (s == NULL) {
        return -1;
    }
    if (n > INT32_MAX - 16) {
        return cb_struct_error("'i' format requires -2147483648 <= number <= 2147483647");
    }
    scope = PyObject_GetAttr(value, G.s_scope);
    if (scope == NULL) {
        return -1;
    }
    if (scope == Py_None) {
        Py_DECREF(scope);
        if (cb_header(buf, 0x0D, name, nlen, 4 + n + 1) < 0) {
            return -1;
        }
        p = buf->data + buf->len;
        cb_put_i32(p, (int32_t)(n + 1));
        memcpy(p + 4, s, (size_t)n);
        p[4 + n] = 0;
        buf->len += 5 + n;
        return 0;
    }
    if (cb_header(buf, 0x0F, name, nlen, 8 + n + 1) < 0) {
        Py_DECREF(scope);
        return -1;
    }
    start = buf->len;
    p = buf->data + start;
    cb_put_i32(p + 4, (int32_t)(n + 1));
    memcpy(p + 8, s, (size_t)n);
    p[8 + n] = 0;
    buf->len += 9 + n;
    r = cb_write_document(buf, scope, 0, st, 0, depth + 1);
    Py_DECREF(scope);
    if (r < 0) {
        return -1;
    }
    if (buf->len - start > INT32_MAX) {
        return cb_struct_error("'i' format requires -2147483648 <= number <= 2147483647");
    }
    cb_put_i32(buf->data + start, (int32_t)(buf->len - start));
    return 0;
}

/* A sub-document produced by a Python method (DBRef.as_doc) or held raw. */
int cb_write_subdocument(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *doc,
                             cb_state *st, int depth) {
    int r;
    if (cb_header(buf, 0x03, name, nlen, 0) < 0) {
        return -1;
    }
    r = cb_write_document(buf, doc, 0, st, 0, depth + 1);
    return r;
}

int cb_write_raw(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    Py_buffer view;
    int r;
    PyObject *raw = PyObject_GetAttr(value, G.s_raw);
    if (raw == NULL) {
        return -1;
    }
    if (PyObject_GetBuffer(raw, &view, PyBUF_SIMPLE) < 0) {
        Py_DECREF(raw);
        return -1;
    }
    r = cb_header(buf, 0x03, name, nlen, view.len);
    if (r == 0) {
        memcpy(buf->data + buf->len, view.buf, (size_t)view.len);
        buf->len += view.len;
    }
    PyBuffer_Release(&view);
    Py_DECREF(raw);
    return r;
}

int cb_write_float(cb_buffer *buf, const char *name, Py_ssize_t nlen, double d) {
    uint64_t bits;
    if (cb_header(buf, 0x01, name, nlen, 8) < 0) {
        return -1;
    }
    memcpy(&bits, &d, 8);
    cb_put_u64(buf->data + buf->len, bits);
    buf->len += 8;
    return 0;
}

/* One element.  ``in_doc_loop``: written by a document's element loop, where the pure
 * encoder packs an exact Int64 with struct (so out of range is a struct error). */
int cb_write_value(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                   int check_keys, cb_state *st, int depth, int in_doc_loop) {
    PyTypeObject *tp = Py_TYPE(value);
    int kind;
    if (tp == &PyUnicode_Type) {
        Py_ssize_t n;
        char *p;
        const char *s = PyUnicode_AsUTF8AndSize(value, &n);
        if (s == NULL) {
            return -1;  /* UnicodeEncodeError: reported by cb_encode_top */
        }
        if (n > INT32_MAX - 1) {
            return cb_struct_error("'i' format requires -2147483648 <= number <= 2147483647");
        }
        if (cb_header(buf, 0x02, name, nlen, 5 + n) < 0) {
            return -1;
        }
        p = buf->data + buf->len;
        cb_put_i32(p, (int32_t)(n + 1));
        memcpy(p + 4, s, (size_t)n);
        p[4 + n] = 0;
        buf->len += 5 + n;
        return 0;
    }
    if (tp == &PyLong_Type) {
        return cb_write_int(buf, name, nlen, value);
    }
    if (tp == &PyFloat_Type) {
        return cb_write_float(buf, name, nlen, PyFloat_AS_DOUBLE(value));
    }
    if (tp == &PyDict_Type) {
        if (cb_header(buf, 0x03, name, nlen, 0) < 0) {
            return -1;
        }
        return cb_write_document(buf, value, check_keys, st, 0, depth + 1);
    }
    if (tp == &PyList_Type) {
        if (cb_header(buf, 0x04, name, nlen, 0) < 0) {
            return -1;
        }
        return cb_write_array(buf, value, check_keys, st, depth + 1);
    }
    if (tp == &PyBool_Type) {
        if (cb_header(buf, 0x08, name, nlen, 1) < 0) {
            return -1;
        }
        buf->data[buf->len++] = (char)(value == Py_True);
        return 0;
    }
    if (value == Py_None) {
        return cb_header(buf, 0x0A, name, nlen, 0);
    }
    if ((PyObject *)tp == G.Int64) {
        if (in_doc_loop) {
            int overflow;
            long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
            if (v == -1 && PyErr_Occurred()) {
                return -1;
            }
            if (overflow) {
                return cb_struct_error("argument out of range");
            }
            if (cb_header(buf, 0x12, name, nlen, 8) < 0) {
                return -1;
            }
            cb_put_u64(buf->data + buf->len, (uint64_t)v);
            buf->len += 8;
            return 0;
        }
        return cb_write_int64_exact(buf, name, nlen, value);
    }
    if ((PyObject *)tp == G.ObjectId) {
        return cb_write_objectid(buf, name, nlen, value);
    }
    kind = cb_exact_kind((PyObject *)tp);
    if (kind != CB_W_NONE) {
        return cb_write_kind(kind, buf, name, nlen, value, check_keys, st, depth);
    }
    return cb_write_fallback(buf, name, nlen, value, check_keys, st, depth, 0);
}

