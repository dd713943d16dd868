/* Readers for the less common BSON element types (bson/_decode.py's _READERS) and the
 * constructors of bson's value classes.
 *
 * ObjectId, Timestamp, Decimal128 and UUID are built as their Python counterparts
 * build them, by allocating the instance and filling its __slots__ (the pure decoder
 * does the same through the slot descriptors); other classes are called.
 */
#include "cbson.h"
#include <stdarg.h>

PyObject *cb_invalid_bson(const char *format, ...) {
    va_list args;
    PyObject *message;
    va_start(args, format);
    message = PyUnicode_FromFormatV(format, args);
    va_end(args);
    if (message != NULL) {
        PyErr_SetObject(G.InvalidBSON, message);
        Py_DECREF(message);
    }
    return NULL;
}

PyObject *cb_new_slotted(PyObject *type) {
    PyTypeObject *tp = (PyTypeObject *)type;
    return tp->tp_alloc(tp, 0);
}

/* Store ``value`` (a new reference, stolen; NULL means failure) in a slot. */
int cb_set_slot(PyObject *obj, Py_ssize_t offset, PyObject *value) {
    PyObject **slot = (PyObject **)((char *)obj + offset);
    if (value == NULL) {
        return -1;
    }
    Py_XSETREF(*slot, value);
    return 0;
}

PyObject *cb_make_objectid(const unsigned char *p) {
    PyObject *oid = cb_new_slotted(G.ObjectId);
    if (oid == NULL
        || cb_set_slot(oid, G.oid_id, PyBytes_FromStringAndSize((const char *)p, 12)) < 0) {
        Py_XDECREF(oid);
        return NULL;
    }
    return oid;
}

/* Int64(value) through int's tp_new directly: Int64 defines no __init__, and
 * skipping type.__call__ halves the cost of this common value.  On 3.11, whose int
 * layout is known (a signed digit count then the digits), the instance is allocated
 * and its digits copied here, as int's own subtype constructor does. */
PyObject *cb_make_int64(int64_t value) {
    PyObject *result = NULL, *args, *as_int = PyLong_FromLongLong(value);
    if (as_int == NULL) {
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    {
        Py_ssize_t size = Py_SIZE(as_int), n = size < 0 ? -size : size;
        PyTypeObject *tp = (PyTypeObject *)G.Int64;
        result = tp->tp_alloc(tp, n);
        if (result != NULL) {
            Py_SET_SIZE(result, size);
            memcpy(((PyLongObject *)result)->ob_digit, ((PyLongObject *)as_int)->ob_digit,
                   (size_t)n * sizeof(digit));
        }
        Py_DECREF(as_int);
        return result;
    }
#endif
    args = PyTuple_New(1);
    if (args != NULL) {
        PyTuple_SET_ITEM(args, 0, as_int);
        result = ((PyTypeObject *)G.Int64)->tp_new((PyTypeObject *)G.Int64, args, NULL);
        Py_DECREF(args);
    } else {
        Py_DECREF(as_int);
    }
    return result;
}

/* uuid.UUID(bytes=raw16), without the keyword parsing of UUID.__init__. */
PyObject *cb_uuid_from_bytes(const unsigned char *raw16) {
    PyObject *value, *as_int;
#if PY_VERSION_HEX >= 0x030D0000
    as_int = PyLong_FromUnsignedNativeBytes(raw16, 16, Py_ASNATIVEBYTES_BIG_ENDIAN);
#else
    as_int = _PyLong_FromByteArray(raw16, 16, 0, 0);
#endif
    if (as_int == NULL) {
        return NULL;
    }
    value = cb_new_slotted(G.UUID);
    if (value == NULL || cb_set_slot(value, G.uuid_int, as_int) < 0) {
        Py_XDECREF(value);
        Py_XDECREF(as_int);
        return NULL;
    }
    if (cb_set_slot(value, G.uuid_is_safe, Py_NewRef(G.safe_uuid_unknown)) < 0) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

/* A subtype 3 UUID under a legacy representation's byte order (the bson.binary
 * functions), or the representation's own Python function for a plugin's one. */
static PyObject *legacy_uuid(const unsigned char *p, cb_state *st) {
    unsigned char raw[16];
    int i;
    switch (st->uuid_from) {
    case CB_UUID_RFC:
        return cb_uuid_from_bytes(p);
    case CB_UUID_JAVA:
        for (i = 0; i < 8; i++) {
            raw[i] = p[7 - i];
            raw[8 + i] = p[15 - i];
        }
        return cb_uuid_from_bytes(raw);
    case CB_UUID_CSHARP:
        raw[0] = p[3]; raw[1] = p[2]; raw[2] = p[1]; raw[3] = p[0];
        raw[4] = p[5]; raw[5] = p[4]; raw[6] = p[7]; raw[7] = p[6];
        memcpy(raw + 8, p + 8, 8);
        return cb_uuid_from_bytes(raw);
    default: {
        PyObject *result, *payload = PyBytes_FromStringAndSize((const char *)p, 16);
        if (payload == NULL) {
            return NULL;
        }
        result = PyObject_CallOneArg(st->uuid_from_binary, payload);
        Py_DECREF(payload);
        return result;
    }
    }
}

/* bson/_decode.py _read_binary. */
PyObject *cb_read_binary(const unsigned char *data, Py_ssize_t *pos, Py_ssize_t end,
                         cb_state *st) {
    Py_ssize_t p = *pos, start, stop;
    int32_t length;
    int subtype;
    PyObject *payload, *result;
    if (end - p < 5) {
        return cb_invalid_bson("invalid binary length: the element is cut off");
    }
    length = cb_get_i32(data + p);
    subtype = data[p + 4];
    start = p + 5;
    stop = start + (Py_ssize_t)length;
    if (length < 0 || stop > end) {
        return cb_invalid_bson("invalid binary length %d", (int)length);
    }
    if (subtype == 2) {
        /* Old binary: the payload repeats its own length, which must agree. */
        if (length < 4 || cb_get_i32(data + start) != length - 4) {
            return cb_invalid_bson("invalid binary subtype 2: inner length does not match");
        }
        start += 4;
    }
    *pos = stop;
    /* uuid_subtype 0 (UuidRepresentation.UNSPECIFIED): UUID subtypes stay Binary. */
    if (length == 16 && (subtype == 4 || subtype == 3) && st->uuid_subtype != 0) {
        return subtype == 3 && st->uuid_subtype == 3 ? legacy_uuid(data + start, st)
                                                     : cb_uuid_from_bytes(data + start);
    }
    payload = PyBytes_FromStringAndSize((const char *)data + start, stop - start);
    if (payload == NULL || subtype == 0) {
        return payload;
    }
    result = PyObject_CallFunction(G.Binary, "Oi", payload, subtype);
    Py_DECREF(payload);
    return result;
}

/* A BSON string (int32 length, UTF-8, NUL) that must end before ``end``. */
static PyObject *read_string(const unsigned char *data, Py_ssize_t *pos, Py_ssize_t end,
                             cb_state *st) {
    Py_ssize_t p = *pos, stop;
    int32_t length;
    if (end - p < 4) {
        return cb_invalid_bson("invalid string length or missing NUL terminator");
    }
    length = cb_get_i32(data + p);
    stop = p + 3 + (Py_ssize_t)length;
    if (length < 1 || stop >= end || data[stop]) {
        return cb_invalid_bson("invalid string length or missing NUL terminator");
    }
    *pos = stop + 1;
    return cb_decode_str(data + p + 4, length - 1, st);
}

static PyObject *read_cstring(const unsigned char *data, Py_ssize_t *pos, Py_ssize_t end,
                              cb_state *st) {
    const unsigned char *nul = memchr(data + *pos, 0, (size_t)(end - *pos));
    PyObject *s;
    if (nul == NULL) {
        PyErr_SetString(PyExc_ValueError, "subsection not found");  /* bytes.index's */
        return NULL;
    }
    s = cb_decode_str(data + *pos, nul - (data + *pos), st);
    *pos = (nul - data) + 1;
    return s;
}

/* Code without the argument checks of Code.__new__: str.__new__ plus the scope. */
static PyObject *make_code(PyObject *text, PyObject *scope) {
    PyObject *args, *code;
    if (text == NULL || scope == NULL) {
        Py_XDECREF(text);
        Py_XDECREF(scope);
        return NULL;
    }
    args = PyTuple_Pack(1, text);
    Py_DECREF(text);
    code = args != NULL ? PyUnicode_Type.tp_new((PyTypeObject *)G.Code, args, NULL) : NULL;
    Py_XDECREF(args);
    if (code != NULL && PyObject_SetAttr(code, G.s_code_scope, scope) < 0) {
        Py_CLEAR(code);
    }
    Py_DECREF(scope);
    return code;
}

static PyObject *read_code_w_scope(const unsigned char *data, Py_ssize_t *pos,
                                   Py_ssize_t end, cb_state *st, int depth) {
    Py_ssize_t p = *pos, stop, scope_pos;
    int32_t total, scope_size;
    PyObject *code;
    if (end - p < 4) {
        return cb_invalid_bson("invalid code-with-scope length: the element is cut off");
    }
    total = cb_get_i32(data + p);
    stop = p + (Py_ssize_t)total;
    /* int32 total + (int32 + at least NUL) code + at least an empty 5-byte scope */
    if (total < 14 || stop > end) {
        return cb_invalid_bson("invalid code-with-scope length %d", (int)total);
    }
    scope_pos = p + 4;
    code = read_string(data, &scope_pos, stop, st);
    if (code == NULL) {
        return NULL;
    }
    scope_size = stop - scope_pos >= 4 ? cb_get_i32(data + scope_pos) : -1;
    if (scope_size < 5 || scope_pos + scope_size != stop || data[stop - 1]) {
        Py_DECREF(code);
        return cb_invalid_bson("invalid code-with-scope: scope document does not fill the "
                               "element");
    }
    *pos = stop;
    /* The scope is a document of document_class, as 3.4 decoded it (raw stays raw). */
    if (st->doc_kind == CB_DOC_RAW) {
        PyObject *raw = PyBytes_FromStringAndSize((const char *)data + scope_pos, scope_size);
        PyObject *scope = raw != NULL ? PyObject_CallFunctionObjArgs(st->document_class, raw,
                                                                     st->options, NULL)
                                      : NULL;
        Py_XDECREF(raw);
        return make_code(code, scope);
    }
    return make_code(code, cb_decode_elements(data, scope_pos + 4, stop - 1, st, 0, depth + 1));
}

static PyObject *make_timestamp(const unsigned char *p) {
    PyObject *ts = cb_new_slotted(G.Timestamp);
    if (ts == NULL
        || cb_set_slot(ts, G.ts_inc, PyLong_FromUnsignedLong(cb_get_u32(p))) < 0
        || cb_set_slot(ts, G.ts_time, PyLong_FromUnsignedLong(cb_get_u32(p + 4))) < 0) {
        Py_XDECREF(ts);
        return NULL;
    }
    return ts;
}

static PyObject *make_decimal128(const unsigned char *p) {
    PyObject *dec = cb_new_slotted(G.Decimal128);
    if (dec == NULL
        || cb_set_slot(dec, G.dec_low, PyLong_FromUnsignedLongLong(cb_get_u64(p))) < 0
        || cb_set_slot(dec, G.dec_high, PyLong_FromUnsignedLongLong(cb_get_u64(p + 8))) < 0) {
        Py_XDECREF(dec);
        return NULL;
    }
    return dec;
}

/* Fixed-size values may run past the end of the document: the caller's final position
 * check reports it, as in the pure decoder. */
#define NEED(n) if (end - p < (n)) { *pos = end + 1; return Py_NewRef(Py_None); }

/* Types 0x0B-0x0F, 0x11, 0x13, 0x7F, 0xFF; sets ``*unknown`` for any other type. */
PyObject *cb_read_other(const unsigned char *data, unsigned char kind, Py_ssize_t *pos,
                        Py_ssize_t end, cb_state *st, int depth, int *unknown) {
    Py_ssize_t p = *pos;
    PyObject *first, *second, *result;
    switch (kind) {
    case 0x0B:  /* regex: two C strings */
        first = read_cstring(data, pos, end, st);
        second = first != NULL ? read_cstring(data, pos, end, st) : NULL;
        result = second != NULL ? PyObject_CallFunctionObjArgs(G.Regex, first, second, NULL)
                                : NULL;
        Py_XDECREF(first);
        Py_XDECREF(second);
        return result;
    case 0x0C:  /* DBPointer, deprecated: the DBRef it stands for */
        first = read_string(data, pos, end, st);
        if (first == NULL) {
            return NULL;
        }
        if (*pos + 12 > end) {
            Py_DECREF(first);
            return cb_invalid_bson("DBPointer ObjectId is truncated");
        }
        second = cb_make_objectid(data + *pos);
        *pos += 12;
        result = second != NULL ? PyObject_CallFunctionObjArgs(G.DBRef, first, second, NULL)
                                : NULL;
        Py_DECREF(first);
        Py_XDECREF(second);
        return result;
    case 0x0D:  /* JavaScript code */
        return make_code(read_string(data, pos, end, st), Py_NewRef(Py_None));
    case 0x0E:  /* symbol, deprecated: str */
        return read_string(data, pos, end, st);
    case 0x0F:
        return read_code_w_scope(data, pos, end, st, depth);
    case 0x11:
        NEED(8);
        *pos = p + 8;
        return make_timestamp(data + p);
    case 0x13:
        NEED(16);
        *pos = p + 16;
        return make_decimal128(data + p);
    case 0xFF:
        return Py_NewRef(G.min_key);
    case 0x7F:
        return Py_NewRef(G.max_key);
    default:
        *unknown = 1;
        return NULL;
    }
}
