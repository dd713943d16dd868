/* Extended JSON wrappers for the compiled reader (bson/_json_decode.py convert_object).
 *
 * The common wrappers, in the forms the writers produce, are built here: $oid,
 * $numberInt, $numberLong, $date (a $numberLong or a UTC ISO-8601 time), $binary
 * subtype 0 outside LEGACY mode, $code (with or without a document $scope),
 * $timestamp, $minKey, $maxKey and $regularExpression.  Every other object with a
 * wrapper key, and every wrapper whose value is not exactly in that form, goes to
 * convert_object itself, which builds it or raises what the Python path raises.
 */
#include "cjson.h"

/* A str key equal to the ASCII ``word``. */
static int key_is(PyObject *key, const char *word) {
    Py_ssize_t n = (Py_ssize_t)strlen(word);
    return PyUnicode_IS_ASCII(key) && PyUnicode_GET_LENGTH(key) == n
           && memcmp(PyUnicode_1BYTE_DATA(key), word, (size_t)n) == 0;
}

/* The ASCII text of an exact str, or NULL (no exception) for anything else. */
static const char *ascii_text(PyObject *value, Py_ssize_t *n) {
    if (!PyUnicode_CheckExact(value) || !PyUnicode_IS_ASCII(value)) {
        return NULL;
    }
    *n = PyUnicode_GET_LENGTH(value);
    return (const char *)PyUnicode_1BYTE_DATA(value);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* -?[0-9]{1,max_digits} into ``*out``; 0 when the text is not in that form. */
static int small_integer(PyObject *value, int max_digits, long long *out) {
    Py_ssize_t n, i = 0;
    const char *p = ascii_text(value, &n);
    long long v = 0;
    int negative;
    if (p == NULL || n == 0) {
        return 0;
    }
    negative = p[0] == '-';
    i = negative;
    if (n - i < 1 || n - i > max_digits) {
        return 0;
    }
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return 0;
        }
        v = v * 10 + (p[i] - '0');
    }
    *out = negative ? -v : v;
    return 1;
}

static PyObject *object_id(PyObject *value) {
    unsigned char raw[12];
    Py_ssize_t n;
    const char *p = ascii_text(value, &n);
    int i, hi, lo;
    if (p == NULL || n != 24) {
        return NULL;
    }
    for (i = 0; i < 12; i++) {
        hi = hex_digit(p[2 * i]);
        lo = hex_digit(p[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return NULL;
        }
        raw[i] = (unsigned char)(hi * 16 + lo);
    }
    return cb_make_objectid(raw);
}

static int digits_at(const char *p, int count) {
    int v = 0, k;
    for (k = 0; k < count; k++) {
        if (p[k] < '0' || p[k] > '9') {
            return -1;
        }
        v = v * 10 + (p[k] - '0');
    }
    return v;
}

/* "YYYY-MM-DDTHH:MM:SS[.fraction]Z", a valid time: the datetime the Python path
 * makes of it (UTC, then localized by the options); NULL (no exception) otherwise. */
static PyObject *iso_date(PyObject *value, cb_state *st) {
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    Py_ssize_t n, i;
    const char *p = ascii_text(value, &n);
    int year, month, day, hour, minute, second, micros = 0, places = 0, dim;
    if (p == NULL || n < 20 || p[n - 1] != 'Z' || p[4] != '-' || p[7] != '-' || p[10] != 'T'
        || p[13] != ':' || p[16] != ':') {
        return NULL;
    }
    year = digits_at(p, 4);
    month = digits_at(p + 5, 2);
    day = digits_at(p + 8, 2);
    hour = digits_at(p + 11, 2);
    minute = digits_at(p + 14, 2);
    second = digits_at(p + 17, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59) {
        return NULL;
    }
    dim = month_days[month - 1]
          + (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
    if (day > dim) {
        return NULL;
    }
    if (n > 20) {  /* ".digits" before the Z */
        if (p[19] != '.' || n == 21) {
            return NULL;
        }
        for (i = 20; i < n - 1; i++) {
            if (p[i] < '0' || p[i] > '9') {
                return NULL;
            }
            if (places < 6) {
                micros = micros * 10 + (p[i] - '0');
                places++;
            }
        }
        for (; places < 6; places++) {
            micros *= 10;
        }
    }
    return cb_make_utc_datetime(year, month, day, hour, minute, second, micros, st);
}

static PyObject *date(PyObject *value, cb_state *st) {
    long long millis;
    int overflow = 0;
    if (Py_TYPE(value) == (PyTypeObject *)G.Int64) {
        millis = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow || (millis == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return NULL;
        }
        return cb_make_datetime((int64_t)millis, st);
    }
    return iso_date(value, st);
}

static const signed char *b64_table(void) {
    static signed char table[256];
    static int ready = 0;
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int k;
    if (!ready) {
        memset(table, -1, sizeof(table));
        for (k = 0; k < 64; k++) {
            table[(unsigned char)alphabet[k]] = (signed char)k;
        }
        ready = 1;
    }
    return table;
}

/* Padded base64 (length a multiple of four, "=" only at the end) to bytes; NULL
 * (no exception) for anything else. */
static PyObject *base64_bytes(PyObject *value) {
    const signed char *table = b64_table();
    Py_ssize_t n, i, pad = 0, out_len;
    const char *p = ascii_text(value, &n);
    PyObject *result;
    unsigned char *out;
    uint32_t acc = 0;
    int bits = 0, v;
    if (p == NULL || n % 4 != 0) {
        return NULL;
    }
    while (pad < 2 && pad < n && p[n - 1 - pad] == '=') {
        pad++;
    }
    out_len = n / 4 * 3 - pad;
    result = PyBytes_FromStringAndSize(NULL, out_len);
    if (result == NULL) {
        return NULL;
    }
    out = (unsigned char *)PyBytes_AS_STRING(result);
    for (i = 0; i < n - pad; i++) {
        v = table[(unsigned char)p[i]];
        if (v < 0) {
            Py_DECREF(result);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *out++ = (unsigned char)((acc >> bits) & 0xFF);
        }
    }
    return result;
}

/* A two-key document's two values by key name, in either order; 0 if it is not
 * exactly those keys. */
static int pair_of(PyObject *dict, const char *first, const char *second, PyObject **a,
                   PyObject **b) {
    Py_ssize_t i = 0;
    PyObject *key, *value;
    *a = *b = NULL;
    if (!PyDict_CheckExact(dict) || PyDict_GET_SIZE(dict) != 2) {
        return 0;
    }
    while (PyDict_Next(dict, &i, &key, &value)) {
        if (key_is(key, first)) {
            *a = value;
        } else if (key_is(key, second)) {
            *b = value;
        }
    }
    return *a != NULL && *b != NULL;
}

static PyObject *binary(cj_reader *r, PyObject *value) {
    PyObject *data, *subtype;
    Py_ssize_t n;
    const char *p;
    if (r->legacy || !pair_of(value, "base64", "subType", &data, &subtype)) {
        return NULL;
    }
    p = ascii_text(subtype, &n);
    /* Subtype 0 ("0" or "00"): plain bytes outside LEGACY mode. */
    if (p == NULL || n < 1 || n > 2 || p[0] != '0' || (n == 2 && p[1] != '0')) {
        return NULL;
    }
    return base64_bytes(data);
}

static PyObject *timestamp(PyObject *value) {
    PyObject *t, *i;
    if (!pair_of(value, "t", "i", &t, &i) || !PyLong_CheckExact(t) || !PyLong_CheckExact(i)) {
        return NULL;
    }
    return PyObject_CallFunctionObjArgs(G.Timestamp, t, i, NULL);
}

static PyObject *regular_expression(PyObject *value) {
    PyObject *pattern, *options;
    Py_ssize_t n, k;
    const char *p;
    if (!pair_of(value, "pattern", "options", &pattern, &options)
        || !PyUnicode_CheckExact(pattern) || (p = ascii_text(options, &n)) == NULL) {
        return NULL;
    }
    for (k = 0; k < n; k++) {
        if (p[k] == 0 || strchr("ilmsux", p[k]) == NULL) {
            return NULL;
        }
    }
    return PyObject_CallFunctionObjArgs(G.Regex, pattern, options, NULL);
}

static int is_one(PyObject *value) {
    int overflow = 0;
    return PyLong_CheckExact(value) && PyLong_AsLongAndOverflow(value, &overflow) == 1;
}

/* A one-key wrapper built here, or NULL (with or without an exception). */
static PyObject *one_key(cj_reader *r, PyObject *key, PyObject *value) {
    long long v;
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    const char *k = PyUnicode_IS_ASCII(key) ? (const char *)PyUnicode_1BYTE_DATA(key) : "";
    if (n < 4) {
        return NULL;
    }
    switch (k[1]) {
    case 'o':
        return key_is(key, "$oid") ? object_id(value) : NULL;
    case 'n':
        if (key_is(key, "$numberLong") && small_integer(value, 18, &v)) {
            return cb_make_int64((int64_t)v);
        }
        if (key_is(key, "$numberInt") && small_integer(value, 9, &v)) {
            return PyLong_FromLongLong(v);
        }
        return NULL;
    case 'd':
        return key_is(key, "$date") ? date(value, r->st) : NULL;
    case 'b':
        return key_is(key, "$binary") ? binary(r, value) : NULL;
    case 'c':
        return key_is(key, "$code") && PyUnicode_CheckExact(value)
                   ? PyObject_CallOneArg(G.Code, value) : NULL;
    case 't':
        return key_is(key, "$timestamp") ? timestamp(value) : NULL;
    case 'm':
        if (key_is(key, "$minKey") && is_one(value)) {
            return PyObject_CallNoArgs(G.MinKey);
        }
        if (key_is(key, "$maxKey") && is_one(value)) {
            return PyObject_CallNoArgs(G.MaxKey);
        }
        return NULL;
    case 'r':
        return key_is(key, "$regularExpression") ? regular_expression(value) : NULL;
    default:
        return NULL;
    }
}

PyObject *cj_convert(cj_reader *r, PyObject *dict) {
    Py_ssize_t i = 0, n = PyDict_GET_SIZE(dict);
    PyObject *key, *value, *code, *scope, *result;
    int wrapper = 0, found;
    if (n == 1) {
        PyDict_Next(dict, &i, &key, &value);
        result = one_key(r, key, value);
        if (result != NULL || PyErr_Occurred()) {
            return result;
        }
    } else if (pair_of(dict, "$code", "$scope", &code, &scope) && PyUnicode_CheckExact(code)
               && PyDict_CheckExact(scope)) {
        return PyObject_CallFunctionObjArgs(G.Code, code, scope, NULL);
    }
    /* No wrapper key at all: the object is an ordinary document. */
    i = 0;
    while (!wrapper && PyDict_Next(dict, &i, &key, &value)) {
        if (PyUnicode_GET_LENGTH(key) > 0 && PyUnicode_READ_CHAR(key, 0) == '$') {
            found = PyDict_Contains(r->parsers, key);
            if (found < 0) {
                return NULL;
            }
            wrapper = found;
        }
    }
    if (!wrapper) {
        return Py_NewRef(dict);
    }
    return PyObject_CallFunctionObjArgs(r->convert, dict, r->opts, NULL);
}
