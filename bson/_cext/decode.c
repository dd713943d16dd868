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

/* Whether p[0:n] is pure ASCII: eight bytes at a time, then the tail. */
static int all_ascii(const unsigned char *p, Py_ssize_t n) {
    uint64_t acc = 0, word;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&word, p + i, 8);
        acc |= word;
    }
    for (; i < n; i++) {
        acc |= p[i];
    }
    return (acc & 0x8080808080808080ull) == 0;
}

/* A decoded string.  Pure ASCII decodes the same under every error handler: it is
 * copied straight into a new compact string, skipping the UTF-8 decoder's setup. */
PyObject *cb_decode_str(const unsigned char *p, Py_ssize_t n, cb_state *st) {
    PyObject *s;
    if (all_ascii(p, n)) {
        s = PyUnicode_New(n, 127);
        if (s != NULL) {
            memcpy(PyUnicode_1BYTE_DATA(s), p, (size_t)n);
        }
        return s;
    }
    return PyUnicode_DecodeUTF8((const char *)p, n, st->errors);
}

static int key_hit(const key_entry *e, const unsigned char *p, Py_ssize_t n) {
    return e->str != NULL && e->len == n && cb_same_bytes(e->bytes, p, n);
}

/* A decoded key.  Only keys that decode the same under every error handler are
 * cached: any key decoded strictly, or pure ASCII.  Each key has two possible slots;
 * a new key takes the first and moves its occupant to the second (least recently
 * stored goes), so two keys of one document that share a slot do not evict each other. */
PyObject *cb_decode_key(const unsigned char *p, Py_ssize_t n, cb_state *st) {
    uint64_t acc = (uint64_t)n * 0x9E3779B97F4A7C15ull, word, high = 0;
    uint32_t h;
    Py_ssize_t i;
    int ascii;
    key_entry *first, *second;
    PyObject *s;
    if (n > KEY_CACHE_MAX_LEN) {
        return cb_decode_str(p, n, st);
    }
    /* Eight bytes at a time (the last word zero-padded): multiply-xorshift mixing. */
    for (i = 0; i < n; i += 8) {
        word = 0;
        memcpy(&word, p + i, (size_t)(n - i < 8 ? n - i : 8));
        high |= word;
        acc = (acc ^ word) * 0xFF51AFD7ED558CCDull;
        acc ^= acc >> 29;
    }
    ascii = (high & 0x8080808080808080ull) == 0;
    h = (uint32_t)(acc ^ (acc >> 32));
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
    PyObject *doc, *key, *value, *shape = NULL;
    const unsigned char *name, *nul;
    unsigned char kind;
    int is_dict, r, matched = 1, way = 0;
    Py_ssize_t count = 0, nshape = 0;
    if (enter(depth) < 0) {
        return NULL;
    }
    if (force_dict || st->doc_kind == CB_DOC_DICT) {
        /* The first name starts after the first type byte; end - pos - 1 bytes of
         * the document remain from there. */
        way = cb_shape_way(data + pos + 1, end - pos - 1);
        shape = cb_shape_get(depth, way);
        nshape = shape != NULL ? PyTuple_GET_SIZE(shape) : 0;
        doc = nshape > 5 ? cb_dict_presized(nshape) : PyDict_New();
    } else {
        doc = PyObject_CallNoArgs(st->document_class);
    }
    if (doc == NULL) {
        goto fail;
    }
    is_dict = PyDict_CheckExact(doc);
    while (pos < end) {
        kind = data[pos];
        name = data + pos + 1;
        key = NULL;
        if (matched && count < nshape) {
            /* The shape's key at this position, if the name is the same bytes. */
            PyObject *k = PyTuple_GET_ITEM(shape, count);
            Py_ssize_t klen = PyUnicode_GET_LENGTH(k);
            if (klen < end - pos - 1 && name[klen] == 0
                && cb_same_bytes(name, PyUnicode_1BYTE_DATA(k), klen)) {
                key = Py_NewRef(k);
                nul = name + klen;
            }
        }
        if (key == NULL) {
            matched = 0;
            nul = memchr(name, 0, (size_t)(end - pos - 1));
            if (nul == NULL) {
                PyErr_SetString(PyExc_ValueError, "subsection not found");  /* bytes.index's */
                goto fail;
            }
            key = cb_decode_key(name, nul - name, st);
            if (key == NULL) {
                goto fail;
            }
        }
        count++;
        pos = (nul - data) + 1;
        if (kind == 0x02 && end - pos >= 4 && cb_get_i32(data + pos) >= 1
            && pos + 3 + (Py_ssize_t)cb_get_i32(data + pos) < end
            && data[pos + 3 + cb_get_i32(data + pos)] == 0) {
            /* A well-formed string, the most common value: read here (read_value
             * reports the malformed ones). */
            int32_t length = cb_get_i32(data + pos);
            value = cb_decode_str(data + pos + 4, length - 1, st);
            pos += 4 + (Py_ssize_t)length;
        } else {
            value = read_value(data, kind, &pos, end, st, depth, 0, key);
        }
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
    if (is_dict && (!matched || count != nshape)) {
        cb_shape_store(depth, way, doc, count);
    }
    if (st->type_decoders != NULL && transform_values(doc, st) < 0) {
        goto fail;
    }
    Py_XDECREF(shape);
    Py_LeaveRecursiveCall();
    return doc;
fail:
    Py_XDECREF(shape);
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
