/* The encoder's type dispatch beyond the inline common types (bson/_encode.py
 * _WRITERS, _write_value, _fallback_writer): exact type, type encoder for the exact
 * type, ``_type_marker``, isinstance, fallback encoder. */
#include "cbson.h"

int cb_write_kind(int kind, cb_buffer *buf, const char *name, Py_ssize_t nlen,
                      PyObject *value, int check_keys, cb_state *st, int depth) {
    PyObject *tmp;
    int r;
    switch (kind) {
    case W_STR:
        return cb_write_str_other(buf, name, nlen, value);
    case W_INT:
    case W_INT64:
        tmp = PyNumber_Long(value);  /* int(value), as the pure writers do */
        if (tmp == NULL) {
            return -1;
        }
        r = kind == W_INT ? cb_write_int(buf, name, nlen, tmp)
                          : cb_write_int64_exact(buf, name, nlen, tmp);
        Py_DECREF(tmp);
        return r;
    case W_FLOAT: {
        double d = PyFloat_AsDouble(value);
        if (d == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        return cb_write_float(buf, name, nlen, d);
    }
    case W_BOOL:
        r = PyObject_IsTrue(value);
        if (r < 0 || cb_header(buf, 0x08, name, nlen, 1) < 0) {
            return -1;
        }
        buf->data[buf->len++] = (char)(r ? 1 : 0);
        return 0;
    case W_NULL:
        return cb_header(buf, 0x0A, name, nlen, 0);
    case W_MAPPING:
        if (cb_header(buf, 0x03, name, nlen, 0) < 0) {
            return -1;
        }
        return cb_write_document(buf, value, check_keys, st, 0, depth + 1);
    case W_LIST:
        if (cb_header(buf, 0x04, name, nlen, 0) < 0) {
            return -1;
        }
        return cb_write_array(buf, value, check_keys, st, depth + 1);
    case W_BINARY:
        return cb_write_binary(buf, name, nlen, value,
                               (PyObject *)Py_TYPE(value) == G.Binary
                                   || (PyObject *)Py_TYPE(value) == G.UUIDLegacy);
    case W_BYTES:
        return cb_write_bytes(buf, name, nlen, value);
    case W_UUID:
        return cb_write_uuid(buf, name, nlen, value, st);
    case W_OBJECTID:
        return cb_write_objectid(buf, name, nlen, value);
    case W_DATETIME:
        return cb_write_datetime(buf, name, nlen, value);
    case W_DATETIME_MS:
        return cb_write_datetime_ms(buf, name, nlen, value);
    case W_REGEX:
        return cb_write_regex(buf, name, nlen, value);
    case W_CODE:
        return cb_write_code(buf, name, nlen, value, st, depth);
    case W_DBREF:
        tmp = PyObject_CallMethodNoArgs(value, G.s_as_doc);
        if (tmp == NULL) {
            return -1;
        }
        r = cb_write_subdocument(buf, name, nlen, tmp, st, depth);
        Py_DECREF(tmp);
        return r;
    case W_TIMESTAMP:
        return cb_write_timestamp(buf, name, nlen, value);
    case W_DECIMAL128:
        return cb_write_decimal128(buf, name, nlen, value);
    case W_MINKEY:
        return cb_header(buf, (char)0xFF, name, nlen, 0);
    case W_MAXKEY:
        return cb_header(buf, 0x7F, name, nlen, 0);
    case W_RAW:
        return cb_write_raw(buf, name, nlen, value);
    default:
        PyErr_SetString(PyExc_SystemError, "bson._cbson: unknown writer");
        return -1;
    }
}

/* The writer for an exact type of the pure encoder's _WRITERS table, else CB_W_NONE
 * (str, int, float, dict, list, bool, None, Int64 and ObjectId are tested inline first). */
int cb_exact_kind(PyObject *t) {
    if (t == (PyObject *)&PyTuple_Type) {
        return W_LIST;
    }
    if (t == G.SON) {
        return W_MAPPING;
    }
    if (t == G.Binary || t == G.UUIDLegacy) {
        return W_BINARY;
    }
    if (t == (PyObject *)&PyBytes_Type) {
        return W_BYTES;
    }
    if (t == G.UUID) {
        return W_UUID;
    }
    if (t == G.DatetimeType) {
        return W_DATETIME;
    }
    if (t == G.DatetimeMS) {
        return W_DATETIME_MS;
    }
    if (t == G.Regex || t == G.PatternType) {
        return W_REGEX;
    }
    if (t == G.Code) {
        return W_CODE;
    }
    if (t == G.DBRef) {
        return W_DBREF;
    }
    if (t == G.Timestamp) {
        return W_TIMESTAMP;
    }
    if (t == G.Decimal128) {
        return W_DECIMAL128;
    }
    if (t == G.MinKey) {
        return W_MINKEY;
    }
    if (t == G.MaxKey) {
        return W_MAXKEY;
    }
    /* The remaining _WRITERS entries are inline in write_value. */
    if (t == (PyObject *)&PyUnicode_Type) {
        return W_STR;
    }
    if (t == (PyObject *)&PyLong_Type) {
        return W_INT;
    }
    if (t == G.Int64) {
        return W_INT64;
    }
    if (t == (PyObject *)&PyFloat_Type) {
        return W_FLOAT;
    }
    if (t == (PyObject *)&PyBool_Type) {
        return W_BOOL;
    }
    if (t == (PyObject *)Py_TYPE(Py_None)) {
        return W_NULL;
    }
    if (t == (PyObject *)&PyDict_Type) {
        return W_MAPPING;
    }
    if (t == (PyObject *)&PyList_Type) {
        return W_LIST;
    }
    if (t == G.ObjectId) {
        return W_OBJECTID;
    }
    return CB_W_NONE;
}

/* The writer named by the value's ``_type_marker`` (bson/_encode.py _fallback_writer's
 * first half); CB_W_NONE if none applies, -2 on error. */
static int marker_kind(PyObject *value) {
    PyObject *marker, *cls;
    int r;
    marker = PyObject_GetAttr(value, G.s_type_marker);
    if (marker == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
            return -2;
        }
        PyErr_Clear();
        return CB_W_NONE;
    }
    if (marker == Py_None) {
        Py_DECREF(marker);
        return CB_W_NONE;
    }
    r = PyObject_RichCompareBool(marker, G.int_101, Py_EQ);
    if (r != 0) {
        Py_DECREF(marker);
        return r < 0 ? -2 : W_RAW;
    }
    cls = PyDict_GetItemWithError(G.marker_types, marker);
    Py_DECREF(marker);
    if (cls == NULL) {
        return PyErr_Occurred() ? -2 : CB_W_NONE;
    }
    Py_INCREF(cls);
    r = PyObject_IsInstance(value, cls);
    if (r <= 0) {
        Py_DECREF(cls);
        return r < 0 ? -2 : CB_W_NONE;
    }
    r = cb_exact_kind(cls);
    Py_DECREF(cls);
    return r;
}

/* The isinstance fallbacks, most specific first (bson/_encode.py _FALLBACKS). */
static int isinstance_kind(PyObject *value) {
    struct { PyObject *cls; int kind; } table[] = {
        {(PyObject *)&PyBool_Type, W_BOOL}, {G.Int64, W_INT64}, {(PyObject *)&PyLong_Type, W_INT},
        {(PyObject *)&PyFloat_Type, W_FLOAT}, {G.Code, W_CODE}, {(PyObject *)&PyUnicode_Type, W_STR},
        {G.Binary, W_BINARY}, {(PyObject *)&PyBytes_Type, W_BYTES}, {G.Mapping, W_MAPPING},
        {(PyObject *)&PyList_Type, W_LIST}, {(PyObject *)&PyTuple_Type, W_LIST},
        {G.DatetimeType, W_DATETIME}, {G.UUID, W_UUID},
    };
    size_t i;
    int r;
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        r = PyObject_IsInstance(value, table[i].cls);
        if (r != 0) {
            return r < 0 ? -2 : table[i].kind;
        }
    }
    return CB_W_NONE;
}

/* ``function(value)`` (a type encoder's transform_python or the fallback encoder),
 * written as any value is except that the transforms in ``done`` are not tried again. */
static int write_transformed(cb_buffer *buf, const char *name, Py_ssize_t nlen,
                             PyObject *value, PyObject *function, int check_keys,
                             cb_state *st, int depth, int done) {
    PyObject *result;
    int kind, r;
    Py_INCREF(function);  /* held across a call into arbitrary code */
    result = PyObject_CallOneArg(function, value);
    Py_DECREF(function);
    if (result == NULL) {
        return -1;
    }
    /* A transform returning a container of values to transform recurses: bounded like
     * nesting. */
    if (cb_enter(depth + 1) < 0) {
        Py_DECREF(result);
        return -1;
    }
    kind = cb_exact_kind((PyObject *)Py_TYPE(result));
    r = kind != CB_W_NONE
            ? cb_write_kind(kind, buf, name, nlen, result, check_keys, st, depth + 1)
            : cb_write_fallback(buf, name, nlen, result, check_keys, st, depth + 1, done);
    Py_LeaveRecursiveCall();
    Py_DECREF(result);
    return r;
}

/* Everything after the exact-type table: bson/_encode.py _write_value's later steps. */
int cb_write_fallback(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                      int check_keys, cb_state *st, int depth, int done) {
    PyObject *transform;
    int kind;
    if (st->custom_encoders != NULL && !(done & CB_DONE_TYPE_ENCODER)) {
        transform = PyDict_GetItemWithError(st->custom_encoders, (PyObject *)Py_TYPE(value));
        if (transform != NULL) {
            return write_transformed(buf, name, nlen, value, transform, check_keys, st, depth,
                                     done | CB_DONE_TYPE_ENCODER);
        }
        if (PyErr_Occurred()) {
            return -1;
        }
    }
    kind = marker_kind(value);
    if (kind == CB_W_NONE) {
        kind = isinstance_kind(value);
    }
    if (kind == -2) {
        return -1;
    }
    if (kind != CB_W_NONE) {
        return cb_write_kind(kind, buf, name, nlen, value, check_keys, st, depth);
    }
    if (st->fallback_encoder != NULL && !(done & CB_DONE_FALLBACK)) {
        return write_transformed(buf, name, nlen, value, st->fallback_encoder, check_keys, st,
                                 depth, done | CB_DONE_FALLBACK);
    }
    PyErr_Format(G.InvalidDocument, "cannot encode object: %R, of type: %R", value,
                 (PyObject *)Py_TYPE(value));
    return -1;
}
