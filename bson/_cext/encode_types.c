/* Writers for the BSON element types that hold no nested documents
 * (bson/_encode_scalars.py): each appends one whole element, header and value. */
#include "cbson.h"

#define I32_RANGE_MESSAGE "'i' format requires -2147483648 <= number <= 2147483647"

/* Raise struct.error: the pure encoder's struct packers fail this way, and the top
 * level turns it into OverflowError("BSON can only handle up to 8-byte ints: ..."). */
int cb_struct_error(const char *message) {
    PyErr_SetString(G.StructError, message);
    return -1;
}

static int put_i64_element(cb_buffer *buf, char type, const char *name, Py_ssize_t nlen,
                           int64_t v) {
    if (cb_header(buf, type, name, nlen, 8) < 0) {
        return -1;
    }
    cb_put_u64(buf->data + buf->len, (uint64_t)v);
    buf->len += 8;
    return 0;
}

/* An int: int32 when it fits, else int64, else OverflowError (_write_int). */
int cb_write_int(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow) {
        PyErr_Format(PyExc_OverflowError, "BSON can only handle up to 8-byte ints, not %S",
                     value);
        return -1;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
        if (cb_header(buf, 0x10, name, nlen, 4) < 0) {
            return -1;
        }
        cb_put_i32(buf->data + buf->len, (int32_t)v);
        buf->len += 4;
        return 0;
    }
    return put_i64_element(buf, 0x12, name, nlen, (int64_t)v);
}

/* An int always written as int64 (_write_int64_type after int(value)). */
int cb_write_int64_exact(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow) {
        PyObject *as_int = PyNumber_Long(value);
        if (as_int != NULL) {
            PyErr_Format(PyExc_OverflowError, "BSON can only handle up to 8-byte ints, not %S",
                         as_int);
            Py_DECREF(as_int);
        }
        return -1;
    }
    return put_i64_element(buf, 0x12, name, nlen, (int64_t)v);
}

static int put_binary(cb_buffer *buf, const char *name, Py_ssize_t nlen, const char *data,
                      Py_ssize_t n, long subtype) {
    char *p;
    if (subtype < 0 || subtype > 255) {
        PyErr_SetString(PyExc_ValueError, "bytes must be in range(0, 256)");
        return -1;
    }
    if (n > INT32_MAX - 4) {
        return cb_struct_error(I32_RANGE_MESSAGE);
    }
    if (subtype == 2) {
        /* The old binary subtype repeats the payload length inside the payload. */
        if (cb_header(buf, 0x05, name, nlen, 9 + n) < 0) {
            return -1;
        }
        p = buf->data + buf->len;
        cb_put_i32(p, (int32_t)(n + 4));
        p[4] = 2;
        cb_put_i32(p + 5, (int32_t)n);
        memcpy(p + 9, data, (size_t)n);
        buf->len += 9 + n;
        return 0;
    }
    if (cb_header(buf, 0x05, name, nlen, 5 + n) < 0) {
        return -1;
    }
    p = buf->data + buf->len;
    cb_put_i32(p, (int32_t)n);
    p[4] = (char)subtype;
    memcpy(p + 5, data, (size_t)n);
    buf->len += 5 + n;
    return 0;
}

/* A Binary; ``exact`` reads the subtype from the instance (Binary or UUIDLegacy),
 * else through the ``subtype`` attribute a subclass may override. */
int cb_write_binary(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                    int exact) {
    long subtype;
    PyObject *sub = PyObject_GetAttr(value, exact ? G.s_binary_subtype : G.s_subtype);
    if (sub == NULL) {
        return -1;
    }
    subtype = PyLong_AsLong(sub);
    Py_DECREF(sub);
    if (subtype == -1 && PyErr_Occurred()) {
        return -1;
    }
    return put_binary(buf, name, nlen, PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value),
                      subtype);
}

int cb_write_bytes(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    return put_binary(buf, name, nlen, PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value), 0);
}

/* The 16 big-endian bytes of a UUID's ``int`` (OverflowError outside 0..2**128-1,
 * as int.to_bytes(16, "big") raises). */
static int uuid_int_bytes(PyObject *as_int, unsigned char *out) {
    if (!PyLong_Check(as_int)) {
        PyErr_Format(PyExc_TypeError, "UUID int must be an int, not %.200s",
                     Py_TYPE(as_int)->tp_name);
        return -1;
    }
#if PY_VERSION_HEX >= 0x030D0000
    {
        Py_ssize_t need = PyLong_AsNativeBytes(
            as_int, out, 16, Py_ASNATIVEBYTES_BIG_ENDIAN | Py_ASNATIVEBYTES_UNSIGNED_BUFFER
                                 | Py_ASNATIVEBYTES_REJECT_NEGATIVE);
        if (need < 0) {
            return -1;
        }
        if (need > 16) {
            PyErr_SetString(PyExc_OverflowError, "int too big to convert");
            return -1;
        }
        return 0;
    }
#else
    return _PyLong_AsByteArray((PyLongObject *)as_int, out, 16, 0, 0);
#endif
}

int cb_write_uuid(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                  cb_state *st) {
    unsigned char raw[16], out[16];
    PyObject *as_int;
    int i, r;
    if (st->uuid_to == CB_UUID_PYTHON) {
        /* A plugin's own representation: its Python function makes the bytes. */
        Py_buffer view;
        PyObject *data = PyObject_CallOneArg(st->uuid_to_binary, value);
        if (data == NULL) {
            return -1;
        }
        if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
            Py_DECREF(data);
            return -1;
        }
        r = put_binary(buf, name, nlen, view.buf, view.len, st->uuid_subtype);
        PyBuffer_Release(&view);
        Py_DECREF(data);
        return r;
    }
    if ((PyObject *)Py_TYPE(value) == G.UUID) {
        as_int = *(PyObject **)((char *)value + G.uuid_int);
        if (as_int == NULL) {
            as_int = PyObject_GetAttr(value, G.s_int);  /* raises the AttributeError */
        } else {
            Py_INCREF(as_int);
        }
    } else {
        as_int = PyObject_GetAttr(value, G.s_int);
    }
    if (as_int == NULL) {
        return -1;
    }
    r = uuid_int_bytes(as_int, raw);
    Py_DECREF(as_int);
    if (r < 0) {
        return -1;
    }
    switch (st->uuid_to) {
    case CB_UUID_JAVA:  /* each 8-byte half reversed */
        for (i = 0; i < 8; i++) {
            out[i] = raw[7 - i];
            out[8 + i] = raw[15 - i];
        }
        break;
    case CB_UUID_CSHARP:  /* uuid.UUID.bytes_le */
        out[0] = raw[3]; out[1] = raw[2]; out[2] = raw[1]; out[3] = raw[0];
        out[4] = raw[5]; out[5] = raw[4]; out[6] = raw[7]; out[7] = raw[6];
        memcpy(out + 8, raw + 8, 8);
        break;
    default:
        memcpy(out, raw, 16);
    }
    return put_binary(buf, name, nlen, (const char *)out, 16, st->uuid_subtype);
}

/* Bytes of any buffer-providing object, as an element of ``type`` with no length. */
static int put_plain(cb_buffer *buf, char type, const char *name, Py_ssize_t nlen,
                     PyObject *data) {
    Py_buffer view;
    int r;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    r = cb_header(buf, type, name, nlen, view.len);
    if (r == 0) {
        memcpy(buf->data + buf->len, view.buf, (size_t)view.len);
        buf->len += view.len;
    }
    PyBuffer_Release(&view);
    return r;
}

int cb_write_objectid(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    PyObject *binary = NULL;
    int r;
    if ((PyObject *)Py_TYPE(value) == G.ObjectId) {
        binary = *(PyObject **)((char *)value + G.oid_id);
        if (binary != NULL && PyBytes_CheckExact(binary) && PyBytes_GET_SIZE(binary) == 12) {
            if (cb_header(buf, 0x07, name, nlen, 12) < 0) {
                return -1;
            }
            memcpy(buf->data + buf->len, PyBytes_AS_STRING(binary), 12);
            buf->len += 12;
            return 0;
        }
    }
    binary = PyObject_GetAttr(value, G.s_binary);
    if (binary == NULL) {
        return -1;
    }
    r = put_plain(buf, 0x07, name, nlen, binary);
    Py_DECREF(binary);
    return r;
}

/* A signed 64-bit value from an int, or struct's "argument out of range". */
static int int64_of(PyObject *as_int, int64_t *out) {
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(as_int, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow) {
        return cb_struct_error("argument out of range");
    }
    *out = (int64_t)v;
    return 0;
}

int cb_write_datetime_ms(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    int64_t v = 0;
    int r;
    PyObject *as_int = PyNumber_Long(value);
    if (as_int == NULL) {
        return -1;
    }
    r = int64_of(as_int, &v);
    Py_DECREF(as_int);
    return r < 0 ? -1 : put_i64_element(buf, 0x09, name, nlen, v);
}

/* BSON option letters for ``re`` flags, sorted; unknown bits dropped (int_flags_to_str). */
static int regex_letters(PyObject *flags, char *out) {
    static const struct { char letter; long bit; } letters[] = {
        {'i', 2}, {'l', 4}, {'m', 8}, {'s', 16}, {'u', 32}, {'x', 64}};
    PyObject *as_int, *low;
    long bits;
    int overflow, i, n = 0;
    if (PyObject_Hash(flags) == -1) {  /* the pure helper caches by flags */
        return -1;
    }
    as_int = PyNumber_Long(flags);
    if (as_int == NULL) {
        return -1;
    }
    bits = PyLong_AsLongAndOverflow(as_int, &overflow);
    if (overflow) {
        PyObject *mask = PyLong_FromLong(0x7E);
        low = mask != NULL ? PyNumber_And(as_int, mask) : NULL;
        Py_XDECREF(mask);
        bits = low != NULL ? PyLong_AsLong(low) : -1;
        Py_XDECREF(low);
    }
    Py_DECREF(as_int);
    if (bits == -1 && PyErr_Occurred()) {
        return -1;
    }
    for (i = 0; i < 6; i++) {
        if (bits & letters[i].bit) {
            out[n++] = letters[i].letter;
        }
    }
    out[n] = 0;
    return n;
}

int cb_write_regex(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    PyObject *pattern, *flags = NULL, *raw = NULL;
    const char *s;
    Py_ssize_t n;
    char letters[8];
    int nletters = -1;
    pattern = PyObject_GetAttr(value, G.s_pattern);
    if (pattern == NULL) {
        return -1;
    }
    flags = PyObject_GetAttr(value, G.s_flags);
    if (flags == NULL) {
        goto fail;
    }
    if (PyUnicode_Check(pattern)) {
        s = PyUnicode_AsUTF8AndSize(pattern, &n);
        if (s == NULL) {
            if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
                PyErr_Clear();
                PyErr_Format(G.InvalidStringData,
                             "strings in documents must be valid UTF-8: %R", pattern);
            }
            goto fail;
        }
    } else {
        raw = PyObject_CallOneArg((PyObject *)&PyBytes_Type, pattern);
        if (raw == NULL) {
            goto fail;
        }
        s = PyBytes_AS_STRING(raw);
        n = PyBytes_GET_SIZE(raw);
    }
    if (memchr(s, 0, (size_t)n) != NULL) {
        PyErr_Format(G.InvalidDocument, "regex patterns must not contain the NULL byte: %R",
                     pattern);
        goto fail;
    }
    if (raw != NULL) {  /* a bytes pattern must be UTF-8, as a str one is by construction */
        PyObject *text = PyUnicode_DecodeUTF8(s, n, NULL);
        if (text == NULL) {
            PyErr_Clear();
            PyErr_Format(G.InvalidStringData, "strings in documents must be valid UTF-8: %R",
                         pattern);
            goto fail;
        }
        Py_DECREF(text);
    }
    nletters = regex_letters(flags, letters);
    if (nletters < 0 || cb_header(buf, 0x0B, name, nlen, n + 1 + nletters + 1) < 0) {
        nletters = -1;
        goto fail;
    }
    memcpy(buf->data + buf->len, s, (size_t)n);
    buf->data[buf->len + n] = 0;
    memcpy(buf->data + buf->len + n + 1, letters, (size_t)nletters + 1);
    buf->len += n + 1 + nletters + 1;
fail:
    Py_DECREF(pattern);
    Py_XDECREF(flags);
    Py_XDECREF(raw);
    return nletters < 0 ? -1 : 0;
}

/* An unsigned 32-bit field for struct "<I": its errors when not an int or out of range. */
static int uint32_of(PyObject *v, uint32_t *out) {
    int overflow;
    long long x;
    if (v == NULL) {
        return -1;
    }
    if (!PyLong_Check(v)) {
        return cb_struct_error("required argument is not an integer");
    }
    x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow || x < 0 || x > (long long)UINT32_MAX) {
        return cb_struct_error("argument out of range");
    }
    *out = (uint32_t)x;
    return 0;
}

int cb_write_timestamp(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    PyObject *inc, *time;
    uint32_t i = 0, t = 0;
    int r;
    if ((PyObject *)Py_TYPE(value) == G.Timestamp
        && *(PyObject **)((char *)value + G.ts_inc) != NULL
        && *(PyObject **)((char *)value + G.ts_time) != NULL) {
        inc = Py_NewRef(*(PyObject **)((char *)value + G.ts_inc));
        time = Py_NewRef(*(PyObject **)((char *)value + G.ts_time));
    } else {
        inc = PyObject_GetAttr(value, G.s_inc);
        time = inc != NULL ? PyObject_GetAttr(value, G.s_time) : NULL;
    }
    r = (uint32_of(inc, &i) < 0 || uint32_of(time, &t) < 0) ? -1 : 0;
    Py_XDECREF(inc);
    Py_XDECREF(time);
    if (r < 0 || cb_header(buf, 0x11, name, nlen, 8) < 0) {
        return -1;
    }
    cb_put_i32(buf->data + buf->len, (int32_t)i);
    cb_put_i32(buf->data + buf->len + 4, (int32_t)t);
    buf->len += 8;
    return 0;
}

static int uint64_of(PyObject *v, uint64_t *out) {
    unsigned long long x;
    if (!PyLong_Check(v)) {
        return cb_struct_error("required argument is not an integer");
    }
    x = PyLong_AsUnsignedLongLong(v);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
            return -1;
        }
        PyErr_Clear();
        return cb_struct_error("argument out of range");
    }
    *out = (uint64_t)x;
    return 0;
}

int cb_write_decimal128(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    PyObject *high, *low, *bid;
    uint64_t h = 0, l = 0;
    int r;
    if ((PyObject *)Py_TYPE(value) == G.Decimal128) {
        high = *(PyObject **)((char *)value + G.dec_high);
        low = *(PyObject **)((char *)value + G.dec_low);
        if (high != NULL && low != NULL) {
            if (uint64_of(low, &l) < 0 || uint64_of(high, &h) < 0
                || cb_header(buf, 0x13, name, nlen, 16) < 0) {
                return -1;
            }
            cb_put_u64(buf->data + buf->len, l);
            cb_put_u64(buf->data + buf->len + 8, h);
            buf->len += 16;
            return 0;
        }
    }
    bid = PyObject_GetAttr(value, G.s_bid);
    if (bid == NULL) {
        return -1;
    }
    r = put_plain(buf, 0x13, name, nlen, bid);
    Py_DECREF(bid);
    return r;
}

/* A str subclass (not Code): ``str(value)`` encoded (_write_str). */
int cb_write_str_other(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    Py_ssize_t n;
    const char *s;
    char *p;
    int r = -1;
    PyObject *text = PyObject_Str(value);
    if (text == NULL) {
        return -1;
    }
    s = PyUnicode_AsUTF8AndSize(text, &n);
    if (s == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            PyErr_Format(G.InvalidStringData, "strings in documents must be valid UTF-8: %R",
                         text);
        }
    } else if (n > INT32_MAX - 1) {
        cb_struct_error(I32_RANGE_MESSAGE);
    } else if (cb_header(buf, 0x02, name, nlen, 5 + n) == 0) {
        p = buf->data + buf->len;
        cb_put_i32(p, (int32_t)(n + 1));
        memcpy(p + 4, s, (size_t)n);
        p[4 + n] = 0;
        buf->len += 5 + n;
        r = 0;
    }
    Py_DECREF(text);
    return r;
}
