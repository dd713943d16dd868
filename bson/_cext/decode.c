/* The BSON decoder's element loops (bson/_decode.py decode_elements, _decode_array,
 * read_document).
 *
 * Every read is bounds-checked against the end of the enclosing document before it
 * happens; malformed input raises InvalidBSON (or the low-level error the pure decoder
 * would raise, which the entry points turn into InvalidBSON the same way).  Element
 * names go through a small cache of decoded keys, since the same few names recur in
 * every document of a batch: a hit costs a hash of a few bytes and no allocation, and
 * the dict insert reuses the string's cached hash.
 */
#include "cbson.h"

#define KEY_CACHE_SIZE 2048  /* entries, a power of two, in pairs (two-way associative) */
#define KEY_CACHE_MAX_LEN 32

typedef struct {
    Py_ssize_t len;
    PyObject *str;
    unsigned char bytes[KEY_CACHE_MAX_LEN];
} key_entry;

static key_entry key_cache[KEY_CACHE_SIZE];

PyObject *cb_decode_str(const unsigned char *p, Py_ssize_t n, cb_state *st) {
    return PyUnicode_DecodeUTF8((const char *)p, n, st->errors);
}

static int key_hit(const key_entry *e, const unsigned char *p, Py_ssize_t n) {
    return e->str != NULL && e->len == n && memcmp(e->bytes, p, (size_t)n) == 0;
}

/* A decoded key.  Only keys that decode the same under every error handler are
 * cached: any key decoded strictly, or pure ASCII.  Each key has two possible slots;
 * a new key takes the first and moves its occupant to the second (least recently
 * stored goes), so two keys of one document that share a slot do not evict each other. */
static PyObject *decode_key(const unsigned char *p, Py_ssize_t n, cb_state *st) {
    uint32_t h = 2166136261u;  /* FNV-1a, then a final mix for the low bits */
    Py_ssize_t i;
    int ascii = 1;
    key_entry *first, *second;
    PyObject *s;
    if (n > KEY_CACHE_MAX_LEN) {
        return cb_decode_str(p, n, st);
    }
    for (i = 0; i < n; i++) {
        h = (h ^ p[i]) * 16777619u;
        ascii &= p[i] < 0x80;
    }
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    first = &key_cache[h & (KEY_CACHE_SIZE - 2)];
    second = first + 1;
    if (key_hit(first, p, n)) {
        return Py_NewRef(first->str);
    }
    if (key_hit(second, p, n)) {
        return Py_NewRef(second->str);
    }
    s = cb_decode_str(p, n, st);
    if (s != NULL && (ascii || st->errors == NULL) && PyUnicode_CheckExact(s)) {
        Py_XSETREF(second->str, first->str);
        second->len = first->len;
        memcpy(second->bytes, first->bytes, sizeof(first->bytes));
        first->str = Py_NewRef(s);
        first->len = n;
        memcpy(first->bytes, p, (size_t)n);
    }
    return s;
}

static int enter(int depth) {
    if (depth > CB_MAX_DEPTH) {
        PyErr_SetString(PyExc_RecursionError,
                        "maximum recursion depth exceeded while decoding a BSON document");
        return -1;
    }
    return Py_EnterRecursiveCall(" while decoding a BSON document");
}

static PyObject *runs_past(int in_array) {
    return cb_invalid_bson(in_array ? "element data runs past the end of its array"
                                    : "element data runs past the end of its document");
}

static PyObject *decode_array(const unsigned char *data, Py_ssize_t pos, Py_ssize_t end,
                              cb_state *st, int depth);

/* ``"$ref" in doc`` makes a DBRef (via bson/_decode.py _maybe_dbref). */
static PyObject *finish_subdocument(PyObject *doc, cb_state *st) {
    PyObject *result;
    int r = PyDict_CheckExact(doc) ? PyDict_Contains(doc, G.s_ref)
                                   : PySequence_Contains(doc, G.s_ref);
    if (r == 0) {
        return doc;
    }
    if (r < 0) {
        Py_DECREF(doc);
        return NULL;
    }
    result = PyObject_CallOneArg(G.maybe_dbref, doc);
    Py_DECREF(doc);
    return result;
}

/* The type decoder for ``value``'s exact type applied to it (a new reference), or
 * NULL with no error set when there is none. */
static PyObject *transformed(PyObject *value, cb_state *st) {
    PyObject *transform, *result;
    transform = PyDict_GetItemWithError(st->type_decoders, (PyObject *)Py_TYPE(value));
    if (transform == NULL) {
        return NULL;
    }
    Py_INCREF(transform);
    result = PyObject_CallOneArg(transform, value);
    Py_DECREF(transform);
    if (result == NULL && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_SystemError, "type decoder returned NULL without an error");
    }
    return result;
}

/* bson/_decode.py _transform_values: the type decoders applied to a finished
 * document's or array's values, in order. */
static int transform_values(PyObject *container, cb_state *st) {
    PyObject *items, *pair, *result;
    Py_ssize_t i, n;
    int r = 0;
    if (PyList_CheckExact(container)) {
        for (i = 0; i < PyList_GET_SIZE(container); i++) {
            result = transformed(PyList_GET_ITEM(container, i), st);
            if (result == NULL) {
                if (PyErr_Occurred()) {
                    return -1;
                }
                continue;
            }
            PyList_SetItem(container, i, result);  /* steals result, drops the old value */
        }
        return 0;
    }
    items = PyMapping_Items(container);
    if (items == NULL) {
        return -1;
    }
    n = PyList_GET_SIZE(items);
    for (i = 0; i < n && r == 0; i++) {
        pair = PyList_GET_ITEM(items, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "document items() must give (key, value) pairs");
            r = -1;
            break;
        }
        result = transformed(PyTuple_GET_ITEM(pair, 1), st);
        if (result == NULL) {
            r = PyErr_Occurred() ? -1 : 0;
            continue;
        }
        r = PyObject_SetItem(container, PyTuple_GET_ITEM(pair, 0), result);
        Py_DECREF(result);
    }
    Py_DECREF(items);
    return r;
}

/* An embedded document or array whose int32 length is at ``*pos``. */
static PyObject *read_container(const unsigned char *data, unsigned char kind, Py_ssize_t *pos,
                                Py_ssize_t end, cb_state *st, int depth, int in_array) {
    Py_ssize_t p = *pos, stop;
    int32_t length;
    PyObject *value;
    if (end - p < 4) {
        return runs_past(in_array);
    }
    length = cb_get_i32(data + p);
    stop = p + (Py_ssize_t)length - 1;
    if (length < 5 || stop >= end || data[stop]) {
        return cb_invalid_bson(in_array ? "invalid embedded document or array length"
                               : kind == 3 ? "invalid embedded document length"
                                           : "invalid array length");
    }
    if (kind == 4) {
        value = decode_array(data, p + 4, stop, st, depth + 1);
    } else if (st->doc_kind == CB_DOC_RAW) {
        PyObject *raw = PyBytes_FromStringAndSize((const char *)data + p, length);
        value = raw != NULL ? PyObject_CallFunctionObjArgs(st->document_class, raw,
                                                           st->options, NULL)
                            : NULL;
        Py_XDECREF(raw);
    } else {
        value = cb_decode_elements(data, p + 4, stop, st, 0, depth + 1);
        if (value != NULL) {
            value = finish_subdocument(value, st);
        }
    }
    *pos = stop + 1;
    return value;
}

/* One element's value of type ``kind`` at ``*pos``; advances ``*pos``. */
static PyObject *read_value(const unsigned char *data, unsigned char kind, Py_ssize_t *pos,
                            Py_ssize_t end, cb_state *st, int depth, int in_array,
                            PyObject *key) {
    Py_ssize_t p = *pos, stop;
    int32_t length;
    PyObject *value;
    int unknown = 0;
    switch (kind) {
    case 0x02:  /* string */
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
    case 0x10:  /* int32 */
        if (end - p < 4) {
            return runs_past(in_array);
        }
        *pos = p + 4;
        return PyLong_FromLong(cb_get_i32(data + p));
    case 0x01: {  /* double */
        uint64_t bits;
        double d;
        if (end - p < 8) {
            return runs_past(in_array);
        }
        bits = cb_get_u64(data + p);
        memcpy(&d, &bits, 8);
        *pos = p + 8;
        return PyFloat_FromDouble(d);
    }
    case 0x03:
    case 0x04:
        return read_container(data, kind, pos, end, st, depth, in_array);
    case 0x08:  /* bool */
        if (p >= end) {
            return runs_past(in_array);
        }
        if (data[p] > 1) {
            return cb_invalid_bson("invalid boolean value %d, must be 0 or 1", (int)data[p]);
        }
        *pos = p + 1;
        return Py_NewRef(data[p] ? Py_True : Py_False);
    case 0x0A:  /* null */
    case 0x06:  /* undefined, deprecated: None */
        return Py_NewRef(Py_None);
    case 0x12:  /* int64 */
        if (end - p < 8) {
            return runs_past(in_array);
        }
        *pos = p + 8;
        return cb_make_int64((int64_t)cb_get_u64(data + p));
    case 0x07:  /* ObjectId */
        if (end - p < 12) {
            return runs_past(in_array);
        }
        *pos = p + 12;
        return cb_make_objectid(data + p);
    case 0x09:  /* datetime */
        if (end - p < 8) {
            return runs_past(in_array);
        }
        *pos = p + 8;
        return cb_make_datetime((int64_t)cb_get_u64(data + p), st);
    case 0x05:
        return cb_read_binary(data, pos, end, st);
    default:
        value = cb_read_other(data, kind, pos, end, st, depth, &unknown);
        if (value == NULL && unknown) {
            if (in_array) {
                return cb_invalid_bson("detected unknown BSON type 0x%02x in an array",
                                       (int)kind);
            }
            PyErr_Format(G.InvalidBSON, "detected unknown BSON type 0x%02x for field %R",
                         (int)kind, key);
        }
        return value;
    }
}

/* The elements in ``data[pos:end]`` (``end`` is the document's NUL) into a new
 * document: a dict when ``force_dict`` (a code scope), else of document_class. */
PyObject *cb_decode_elements(const unsigned char *data, Py_ssize_t pos, Py_ssize_t end,
                             cb_state *st, int force_dict, int depth) {
    PyObject *doc, *key, *value;
    const unsigned char *name, *nul;
    unsigned char kind;
    int is_dict, r;
    if (enter(depth) < 0) {
        return NULL;
    }
    doc = (force_dict || st->doc_kind == CB_DOC_DICT) ? PyDict_New()
                                                      : PyObject_CallNoArgs(st->document_class);
    if (doc == NULL) {
        goto fail;
    }
    is_dict = PyDict_CheckExact(doc);
    while (pos < end) {
        kind = data[pos];
        name = data + pos + 1;
        nul = memchr(name, 0, (size_t)(end - pos - 1));
        if (nul == NULL) {
            PyErr_SetString(PyExc_ValueError, "subsection not found");  /* bytes.index's */
            goto fail;
        }
        key = decode_key(name, nul - name, st);
        if (key == NULL) {
            goto fail;
        }
        pos = (nul - data) + 1;
        value = read_value(data, kind, &pos, end, st, depth, 0, key);
        if (value == NULL) {
            Py_DECREF(key);
            goto fail;
        }
        r = is_dict ? PyDict_SetItem(doc, key, value) : PyObject_SetItem(doc, key, value);
        Py_DECREF(key);
        Py_DECREF(value);
        if (r < 0) {
            goto fail;
        }
    }
    if (pos != end) {
        runs_past(0);
        goto fail;
    }
    if (st->type_decoders != NULL && transform_values(doc, st) < 0) {
        goto fail;
    }
    Py_LeaveRecursiveCall();
    return doc;
fail:
    Py_XDECREF(doc);
    Py_LeaveRecursiveCall();
    return NULL;
}

/* Array elements in ``data[pos:end]``; their names are skipped, not checked. */
static PyObject *decode_array(const unsigned char *data, Py_ssize_t pos, Py_ssize_t end,
                              cb_state *st, int depth) {
    PyObject *list, *value;
    const unsigned char *nul;
    unsigned char kind;
    int r;
    if (enter(depth) < 0) {
        return NULL;
    }
    list = PyList_New(0);
    if (list == NULL) {
        goto fail;
    }
    while (pos < end) {
        kind = data[pos];
        nul = memchr(data + pos + 1, 0, (size_t)(end - pos - 1));
        if (nul == NULL) {
            PyErr_SetString(PyExc_ValueError, "subsection not found");
            goto fail;
        }
        pos = (nul - data) + 1;
        value = read_value(data, kind, &pos, end, st, depth, 1, NULL);
        if (value == NULL) {
            goto fail;
        }
        r = PyList_Append(list, value);
        Py_DECREF(value);
        if (r < 0) {
            goto fail;
        }
    }
    if (pos != end) {
        runs_past(1);
        goto fail;
    }
    if (st->type_decoders != NULL && transform_values(list, st) < 0) {
        goto fail;
    }
    Py_LeaveRecursiveCall();
    return list;
fail:
    Py_XDECREF(list);
    Py_LeaveRecursiveCall();
    return NULL;
}

/* bson/_decode.py read_document: the top-level document at ``pos``; sets ``*stop``. */
PyObject *cb_decode_document(const unsigned char *data, Py_ssize_t len, Py_ssize_t pos,
                             cb_state *st, Py_ssize_t *stop) {
    int32_t size;
    if (len - pos < 5) {
        return cb_invalid_bson("not enough data for a BSON document: %zd bytes, at least 5 "
                               "needed", len - pos);
    }
    size = cb_get_i32(data + pos);
    if (size < 5 || size > len - pos) {
        return cb_invalid_bson("invalid document size %d with %zd bytes available", (int)size,
                               len - pos);
    }
    *stop = pos + size;
    if (data[*stop - 1]) {
        return cb_invalid_bson("bad EOO: document does not end with a NUL byte");
    }
    if (st->doc_kind == CB_DOC_RAW) {
        PyObject *result, *raw = PyBytes_FromStringAndSize((const char *)data + pos, size);
        if (raw == NULL) {
            return NULL;
        }
        result = PyObject_CallFunctionObjArgs(st->document_class, raw, st->options, NULL);
        Py_DECREF(raw);
        return result;
    }
    return cb_decode_elements(data, pos + 4, *stop - 1, st, 0, 0);
}
