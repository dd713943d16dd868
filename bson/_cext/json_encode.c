/* The compiled Extended JSON writer: bson.json_util.dumps without extra arguments, in
 * RELAXED mode and in LEGACY mode without strict_number_long (bson/_json_encode.py
 * dumps_fast), writing the text json.dumps(convert(obj)) gives with json's defaults
 * (ensure_ascii, ", " and ": " separators).
 *
 * It writes exact dicts and SONs with str keys, lists, str, int, Int64, float, bool,
 * None, ObjectId, datetime, bytes, MinKey, MaxKey, Timestamp, Code and Regex.  Any
 * other value (tuples, subclasses, UUID, Binary, Decimal128, DBRef, type codecs...),
 * LEGACY's ISO-8601 dates and deep nesting make it give up: the entry point returns
 * NotImplemented and the Python path writes the whole value.
 */
#include "cjson.h"
#include <math.h>

#define CJ_WRITE_MAX_DEPTH 200

typedef struct {
    cb_buffer out;
    int relaxed;
    int dt_repr;   /* LEGACY's datetime_representation: 0 LEGACY, 1 NUMBERLONG */
    int give_up;
} cj_writer;

static int write_value(cj_writer *w, PyObject *value, int depth);

static int put(cj_writer *w, const char *text, Py_ssize_t n) {
    return cb_write(&w->out, text, n);
}

#define PUT_LITERAL(w, text) put((w), (text), (Py_ssize_t)sizeof(text) - 1)

static int give_up(cj_writer *w) {
    w->give_up = 1;
    return -1;
}

/* A str, quoted, as json's ensure_ascii encoder writes it. */
static int write_str(cj_writer *w, PyObject *s) {
    static const char hex[] = "0123456789abcdef";
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), i;
    Py_UCS4 c;
    char *p;
    /* At most 12 bytes a character (a surrogate pair), and the quotes. */
    if (n > (PY_SSIZE_T_MAX - 2) / 12 || cb_reserve(&w->out, 12 * n + 2) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return -1;
    }
    p = w->out.data + w->out.len;
    *p++ = '"';
    for (i = 0; i < n; i++) {
        c = PyUnicode_READ(kind, data, i);
        if (c >= ' ' && c <= '~' && c != '\\' && c != '"') {
            *p++ = (char)c;
            continue;
        }
        *p++ = '\\';
        switch (c) {
        case '\\': *p++ = '\\'; continue;
        case '"': *p++ = '"'; continue;
        case '\b': *p++ = 'b'; continue;
        case '\f': *p++ = 'f'; continue;
        case '\n': *p++ = 'n'; continue;
        case '\r': *p++ = 'r'; continue;
        case '\t': *p++ = 't'; continue;
        default:
            break;
        }
        if (c >= 0x10000) {
            Py_UCS4 v = c - 0x10000, high = 0xD800 | ((v >> 10) & 0x3FF);
            *p++ = 'u';
            *p++ = hex[(high >> 12) & 0xF]; *p++ = hex[(high >> 8) & 0xF];
            *p++ = hex[(high >> 4) & 0xF]; *p++ = hex[high & 0xF];
            *p++ = '\\';
            c = 0xDC00 | (v & 0x3FF);
        }
        *p++ = 'u';
        *p++ = hex[(c >> 12) & 0xF]; *p++ = hex[(c >> 8) & 0xF];
        *p++ = hex[(c >> 4) & 0xF]; *p++ = hex[c & 0xF];
    }
    *p++ = '"';
    w->out.len = p - w->out.data;
    return 0;
}

/* An int (or int subclass) as int's repr writes it. */
static int write_int(cj_writer *w, PyObject *value) {
    char text[32];
    int overflow = 0, r;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    PyObject *repr;
    const char *utf8;
    Py_ssize_t n;
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (!overflow) {
        return put(w, text, snprintf(text, sizeof(text), "%lld", v));
    }
    repr = PyLong_Type.tp_repr(value);
    if (repr == NULL) {
        return -1;
    }
    utf8 = PyUnicode_AsUTF8AndSize(repr, &n);
    r = utf8 == NULL ? -1 : put(w, utf8, n);
    Py_DECREF(repr);
    return r;
}

static int write_float(cj_writer *w, double d) {
    char *text;
    int r;
    if (!isfinite(d)) {
        const char *name = isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        if (w->relaxed) {
            return PUT_LITERAL(w, "{\"$numberDouble\": \"") || put(w, name, strlen(name))
                   || PUT_LITERAL(w, "\"}") ? -1 : 0;
        }
        return put(w, name, (Py_ssize_t)strlen(name));  /* json's allow_nan output */
    }
    text = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL) {
        return -1;
    }
    r = put(w, text, (Py_ssize_t)strlen(text));
    PyMem_Free(text);
    return r;
}

/* The members of a dict, or of a SON's items(). */
static int write_mapping(cj_writer *w, PyObject *obj, int depth) {
    PyObject *items = NULL, *key, *value;
    Py_ssize_t i = 0, n;
    int first = 1, r = -1;
    if (PyDict_CheckExact(obj)) {
        if (PUT_LITERAL(w, "{") < 0) {
            return -1;
        }
        while (PyDict_Next(obj, &i, &key, &value)) {
            if (!PyUnicode_CheckExact(key)) {
                return give_up(w);
            }
            if ((!first && PUT_LITERAL(w, ", ") < 0) || write_str(w, key) < 0
                || PUT_LITERAL(w, ": ") < 0) {
                return -1;
            }
            first = 0;
            Py_INCREF(value);  /* the dict may change under a Python call */
            r = write_value(w, value, depth + 1);
            Py_DECREF(value);
            if (r < 0) {
                return -1;
            }
        }
        return PUT_LITERAL(w, "}");
    }
    items = PyMapping_Items(obj);
    if (items == NULL || PUT_LITERAL(w, "{") < 0) {
        goto done;
    }
    n = PyList_GET_SIZE(items);
    for (i = 0; i < n; i++) {
        PyObject *pair = PyList_GET_ITEM(items, i);
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2
            || !PyUnicode_CheckExact(PyTuple_GET_ITEM(pair, 0))) {
            give_up(w);
            goto done;
        }
        if ((i > 0 && PUT_LITERAL(w, ", ") < 0) || write_str(w, PyTuple_GET_ITEM(pair, 0)) < 0
            || PUT_LITERAL(w, ": ") < 0 || write_value(w, PyTuple_GET_ITEM(pair, 1), depth + 1) < 0) {
            goto done;
        }
    }
    r = PUT_LITERAL(w, "}");
done:
    Py_XDECREF(items);
    return r;
}

static int write_list(cj_writer *w, PyObject *list, int depth) {
    Py_ssize_t i;
    PyObject *item;
    int r;
    if (PUT_LITERAL(w, "[") < 0) {
        return -1;
    }
    for (i = 0; i < PyList_GET_SIZE(list); i++) {
        if (i > 0 && PUT_LITERAL(w, ", ") < 0) {
            return -1;
        }
        item = Py_NewRef(PyList_GET_ITEM(list, i));
        r = write_value(w, item, depth + 1);
        Py_DECREF(item);
        if (r < 0) {
            return -1;
        }
    }
    return PUT_LITERAL(w, "]");
}

static int write_oid(cj_writer *w, PyObject *value) {
    static const char hex[] = "0123456789abcdef";
    PyObject *raw = *(PyObject **)((char *)value + G.oid_id);
    const unsigned char *b;
    char text[36];
    int i;
    if (raw == NULL || !PyBytes_CheckExact(raw) || PyBytes_GET_SIZE(raw) != 12) {
        return give_up(w);
    }
    b = (const unsigned char *)PyBytes_AS_STRING(raw);
    memcpy(text, "{\"$oid\": \"", 10);
    for (i = 0; i < 12; i++) {
        text[10 + 2 * i] = hex[b[i] >> 4];
        text[11 + 2 * i] = hex[b[i] & 0xF];
    }
    text[34] = '"';
    text[35] = '}';
    return put(w, text, 36);
}

static int write_number_long_text(cj_writer *w, long long v) {
    char text[64];
    return put(w, text, snprintf(text, sizeof(text), "{\"$numberLong\": \"%lld\"}", v));
}

/* bson/_json_encode.py _date for a datetime. */
static int write_datetime(cj_writer *w, PyObject *value) {
    int64_t millis;
    char text[64];
    Py_ssize_t n;
    if (cb_datetime_millis(value, &millis) < 0) {
        return -1;
    }
    if (w->relaxed) {
        if (millis < 0 || millis > 253402300799999LL) {
            return PUT_LITERAL(w, "{\"$date\": ") || write_number_long_text(w, millis)
                   || PUT_LITERAL(w, "}") ? -1 : 0;
        }
        memcpy(text, "{\"$date\": \"", 11);
        n = 11 + cb_format_iso_millis(millis, text + 11);
        text[n++] = '"';
        text[n++] = '}';
        return put(w, text, n);
    }
    if (w->dt_repr == 0) {
        return put(w, text, snprintf(text, sizeof(text), "{\"$date\": %lld}", (long long)millis));
    }
    return PUT_LITERAL(w, "{\"$date\": ") || write_number_long_text(w, millis)
           || PUT_LITERAL(w, "}") ? -1 : 0;
}

static int write_bytes(cj_writer *w, PyObject *value) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(value);
    Py_ssize_t n = PyBytes_GET_SIZE(value), i;
    char *p;
    uint32_t v;
    if (w->relaxed ? PUT_LITERAL(w, "{\"$binary\": {\"base64\": \"")
                   : PUT_LITERAL(w, "{\"$binary\": \"")) {
        return -1;
    }
    if (n > PY_SSIZE_T_MAX / 2 || cb_reserve(&w->out, (n + 2) / 3 * 4) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return -1;
    }
    p = w->out.data + w->out.len;
    for (i = 0; i + 3 <= n; i += 3) {
        v = ((uint32_t)b[i] << 16) | ((uint32_t)b[i + 1] << 8) | b[i + 2];
        *p++ = alphabet[v >> 18]; *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63]; *p++ = alphabet[v & 63];
    }
    if (n - i == 1) {
        v = (uint32_t)b[i] << 16;
        *p++ = alphabet[v >> 18]; *p++ = alphabet[(v >> 12) & 63]; *p++ = '='; *p++ = '=';
    } else if (n - i == 2) {
        v = ((uint32_t)b[i] << 16) | ((uint32_t)b[i + 1] << 8);
        *p++ = alphabet[v >> 18]; *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63]; *p++ = '=';
    }
    w->out.len = p - w->out.data;
    return w->relaxed ? PUT_LITERAL(w, "\", \"subType\": \"00\"}}")
                      : PUT_LITERAL(w, "\", \"$type\": \"00\"}");
}

static int write_timestamp(cj_writer *w, PyObject *value) {
    PyObject *t = *(PyObject **)((char *)value + G.ts_time);
    PyObject *i = *(PyObject **)((char *)value + G.ts_inc);
    if (t == NULL || i == NULL || !PyLong_CheckExact(t) || !PyLong_CheckExact(i)) {
        return give_up(w);
    }
    return PUT_LITERAL(w, "{\"$timestamp\": {\"t\": ") || write_int(w, t)
           || PUT_LITERAL(w, ", \"i\": ") || write_int(w, i) || PUT_LITERAL(w, "}}") ? -1 : 0;
}

static int write_code(cj_writer *w, PyObject *value, int depth) {
    PyObject *scope = PyObject_GetAttr(value, G.s_scope), *code;
    int r;
    if (scope == NULL) {
        return -1;
    }
    if (scope != Py_None && !PyDict_CheckExact(scope) && !PyList_CheckExact(scope)) {
        Py_DECREF(scope);
        return give_up(w);
    }
    code = PyUnicode_FromObject(value);  /* str(code) */
    if (code == NULL) {
        Py_DECREF(scope);
        return -1;
    }
    r = PUT_LITERAL(w, "{\"$code\": ") || write_str(w, code) ? -1 : 0;
    if (r == 0 && scope != Py_None) {
        r = PUT_LITERAL(w, ", \"$scope\": ") || write_value(w, scope, depth + 1) ? -1 : 0;
    }
    Py_DECREF(code);
    Py_DECREF(scope);
    return r < 0 ? -1 : PUT_LITERAL(w, "}");
}

static int write_regex(cj_writer *w, PyObject *value) {
    static const struct { char letter; long bit; } letters[] = {
        {'i', 2}, {'l', 4}, {'m', 8}, {'s', 16}, {'u', 32}, {'x', 64}};
    PyObject *pattern = PyObject_GetAttr(value, G.s_pattern), *flags_obj, *options;
    char text[8];
    long flags;
    int k, n = 0, r;
    if (pattern == NULL) {
        return -1;
    }
    flags_obj = PyObject_GetAttr(value, G.s_flags);
    if (flags_obj == NULL || !PyUnicode_CheckExact(pattern) || !PyLong_Check(flags_obj)) {
        Py_DECREF(pattern);
        Py_XDECREF(flags_obj);
        return flags_obj == NULL ? -1 : give_up(w);
    }
    flags = PyLong_AsLong(flags_obj);
    Py_DECREF(flags_obj);
    if (flags == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        Py_DECREF(pattern);
        return give_up(w);
    }
    for (k = 0; k < 6; k++) {
        if (flags & letters[k].bit) {
            text[n++] = letters[k].letter;
        }
    }
    options = PyUnicode_FromStringAndSize(text, n);
    if (options == NULL) {
        Py_DECREF(pattern);
        return -1;
    }
    if (w->relaxed) {
        r = PUT_LITERAL(w, "{\"$regularExpression\": {\"pattern\": ") || write_str(w, pattern)
            || PUT_LITERAL(w, ", \"options\": ") || write_str(w, options)
            || PUT_LITERAL(w, "}}") ? -1 : 0;
    } else {
        r = PUT_LITERAL(w, "{\"$regex\": ") || write_str(w, pattern)
            || PUT_LITERAL(w, ", \"$options\": ") || write_str(w, options)
            || PUT_LITERAL(w, "}") ? -1 : 0;
    }
    Py_DECREF(pattern);
    Py_DECREF(options);
    return r;
}

static int write_value(cj_writer *w, PyObject *value, int depth) {
    PyTypeObject *tp = Py_TYPE(value);
    int r;
    if (tp == &PyUnicode_Type) {
        return write_str(w, value);
    }
    if (tp == &PyLong_Type || tp == (PyTypeObject *)G.Int64) {
        return write_int(w, value);
    }
    if (tp == &PyFloat_Type) {
        return write_float(w, PyFloat_AS_DOUBLE(value));
    }
    if (value == Py_True || value == Py_False || value == Py_None) {
        return value == Py_None ? PUT_LITERAL(w, "null")
               : value == Py_True ? PUT_LITERAL(w, "true") : PUT_LITERAL(w, "false");
    }
    if (depth > CJ_WRITE_MAX_DEPTH) {
        return give_up(w);
    }
    if (tp == &PyDict_Type || tp == &PyList_Type || tp == (PyTypeObject *)G.SON
        || tp == (PyTypeObject *)G.Code) {
        if (Py_EnterRecursiveCall(" while encoding a JSON document")) {
            PyErr_Clear();
            return give_up(w);
        }
        r = tp == &PyList_Type ? write_list(w, value, depth)
            : tp == (PyTypeObject *)G.Code ? write_code(w, value, depth)
            : write_mapping(w, value, depth);
        Py_LeaveRecursiveCall();
        return r;
    }
    if (tp == (PyTypeObject *)G.ObjectId) {
        return write_oid(w, value);
    }
    if (tp == (PyTypeObject *)G.DatetimeType) {
        return write_datetime(w, value);
    }
    if (tp == &PyBytes_Type) {
        return write_bytes(w, value);
    }
    if (tp == (PyTypeObject *)G.MinKey) {
        return PUT_LITERAL(w, "{\"$minKey\": 1}");
    }
    if (tp == (PyTypeObject *)G.MaxKey) {
        return PUT_LITERAL(w, "{\"$maxKey\": 1}");
    }
    if (tp == (PyTypeObject *)G.Timestamp) {
        return write_timestamp(w, value);
    }
    if (tp == (PyTypeObject *)G.Regex) {
        return write_regex(w, value);
    }
    return give_up(w);
}

/* _json_dumps(obj, relaxed, datetime_representation): the text, or NotImplemented. */
PyObject *cj_dumps(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    cj_writer w;
    PyObject *result = NULL;
    long dt_repr;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "_json_dumps(obj, relaxed, datetime_representation)");
        return NULL;
    }
    memset(&w, 0, sizeof(w));
    w.relaxed = PyObject_IsTrue(args[1]);
    dt_repr = PyLong_AsLong(args[2]);
    if (w.relaxed < 0 || (dt_repr == -1 && PyErr_Occurred())) {
        return NULL;
    }
    if (!w.relaxed && dt_repr != 0 && dt_repr != 1) {
        Py_RETURN_NOTIMPLEMENTED;  /* LEGACY ISO-8601 dates: the Python path */
    }
    w.dt_repr = (int)dt_repr;
    if (write_value(&w, args[0], 0) == 0) {
        result = PyUnicode_New(w.out.len, 127);
        if (result != NULL) {
            memcpy(PyUnicode_1BYTE_DATA(result), w.out.data, (size_t)w.out.len);
        }
    } else if (w.give_up && !PyErr_Occurred()) {
        result = Py_NewRef(Py_NotImplemented);
    }
    PyMem_Free(w.out.data);
    return result;
}
