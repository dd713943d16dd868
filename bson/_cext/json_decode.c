/* The compiled Extended JSON reader: bson.json_util.loads for a str and dict documents.
 *
 * A recursive-descent parser of the JSON grammar json.loads accepts, building dicts,
 * lists, str, int, float, bool and None directly.  An object with a key starting with
 * "$" is handed to cj_convert (json_wrappers.c) as soon as it closes, innermost first,
 * exactly when json.loads would call the object hook, so the values and the first
 * exception are the Python path's.  Anything the reader does not take (see cjson.h)
 * makes it give up: the entry point then returns NotImplemented.
 */
#include "cjson.h"

/* Nesting deeper than this is left to the Python path (which raises RecursionError
 * where it must). */
#define CJ_MAX_DEPTH 200

static PyObject *value_at(cj_reader *r);

static inline void skip_ws(cj_reader *r) {
    Py_UCS4 c;
    while (r->pos < r->len) {
        c = CJ_CH(r, r->pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            break;
        }
        r->pos++;
    }
}

/* The next character after whitespace, or 0 at the end of the text. */
static inline Py_UCS4 peek(cj_reader *r) {
    skip_ws(r);
    return r->pos < r->len ? CJ_CH(r, r->pos) : 0;
}

static int enter(cj_reader *r) {
    if (++r->depth > CJ_MAX_DEPTH) {
        return -1;
    }
    if (Py_EnterRecursiveCall(" while decoding a JSON document")) {
        PyErr_Clear();  /* the Python path decides whether this text is too deep */
        return -1;
    }
    return 0;
}

static void leave(cj_reader *r) {
    r->depth--;
    Py_LeaveRecursiveCall();
}

static PyObject *object_at(cj_reader *r) {
    PyObject *dict, *key = NULL, *value, *result;
    int dollar = 0;
    if (enter(r) < 0) {
        r->depth--;
        return cj_give_up(r);
    }
    dict = PyDict_New();
    if (dict == NULL) {
        goto fail;
    }
    r->pos++;  /* the { */
    if (peek(r) == '}') {
        r->pos++;
        goto done;
    }
    for (;;) {
        if (peek(r) != '"') {
            cj_give_up(r);
            goto fail;
        }
        key = cj_string(r, 1);
        if (key == NULL) {
            goto fail;
        }
        if (PyUnicode_GET_LENGTH(key) > 0 && PyUnicode_READ_CHAR(key, 0) == '$') {
            dollar = 1;
        }
        if (peek(r) != ':') {
            cj_give_up(r);
            goto fail;
        }
        r->pos++;
        skip_ws(r);
        value = value_at(r);
        if (value == NULL) {
            goto fail;
        }
        if (PyDict_SetItem(dict, key, value) < 0) {
            Py_DECREF(value);
            goto fail;
        }
        Py_DECREF(value);
        Py_CLEAR(key);
        switch (peek(r)) {
        case ',':
            r->pos++;
            skip_ws(r);
            continue;
        case '}':
            r->pos++;
            goto done;
        default:
            cj_give_up(r);
            goto fail;
        }
    }
done:
    leave(r);
    if (!dollar) {
        return dict;
    }
    result = cj_convert(r, dict);
    Py_DECREF(dict);
    return result;
fail:
    Py_XDECREF(key);
    Py_XDECREF(dict);
    leave(r);
    return NULL;
}

static PyObject *array_at(cj_reader *r) {
    PyObject *list, *value;
    int rc;
    if (enter(r) < 0) {
        r->depth--;
        return cj_give_up(r);
    }
    list = PyList_New(0);
    if (list == NULL) {
        goto fail;
    }
    r->pos++;  /* the [ */
    if (peek(r) == ']') {
        r->pos++;
        leave(r);
        return list;
    }
    for (;;) {
        skip_ws(r);
        value = value_at(r);
        if (value == NULL) {
            goto fail;
        }
        rc = PyList_Append(list, value);
        Py_DECREF(value);
        if (rc < 0) {
            goto fail;
        }
        switch (peek(r)) {
        case ',':
            r->pos++;
            continue;
        case ']':
            r->pos++;
            leave(r);
            return list;
        default:
            cj_give_up(r);
            goto fail;
        }
    }
fail:
    Py_XDECREF(list);
    leave(r);
    return NULL;
}

/* Whether the text at r->pos spells ``word`` (ASCII); moves past it if so. */
static int literal(cj_reader *r, const char *word) {
    Py_ssize_t n = (Py_ssize_t)strlen(word), k;
    if (r->len - r->pos < n) {
        return 0;
    }
    for (k = 0; k < n; k++) {
        if (CJ_CH(r, r->pos + k) != (Py_UCS4)(unsigned char)word[k]) {
            return 0;
        }
    }
    r->pos += n;
    return 1;
}

/* The value at r->pos (no whitespace before it). */
static PyObject *value_at(cj_reader *r) {
    if (r->pos >= r->len) {
        return cj_give_up(r);
    }
    switch (CJ_CH(r, r->pos)) {
    case '"':
        return cj_string(r, 0);
    case '{':
        return object_at(r);
    case '[':
        return array_at(r);
    case 't':
        return literal(r, "true") ? Py_NewRef(Py_True) : cj_give_up(r);
    case 'f':
        return literal(r, "false") ? Py_NewRef(Py_False) : cj_give_up(r);
    case 'n':
        return literal(r, "null") ? Py_NewRef(Py_None) : cj_give_up(r);
    default:
        return cj_number(r);  /* gives up on anything else (NaN, Infinity...) */
    }
}

/* _json_loads(text, json_options, legacy, convert_object, parsers): the parsed value,
 * or NotImplemented when the Python path must read this text. */
PyObject *cj_loads(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    cj_reader r;
    PyObject *result;
    int legacy;
    if (nargs != 5 || !PyUnicode_CheckExact(args[0]) || !PyDict_CheckExact(args[4])) {
        PyErr_SetString(PyExc_TypeError,
                        "_json_loads(text: str, json_options, legacy, convert, parsers: dict)");
        return NULL;
    }
    legacy = PyObject_IsTrue(args[2]);
    if (legacy < 0) {
        return NULL;
    }
    memset(&r, 0, sizeof(r));
    r.text = args[0];
    r.data = PyUnicode_DATA(args[0]);
    r.kind = PyUnicode_KIND(args[0]);
    r.len = PyUnicode_GET_LENGTH(args[0]);
    r.opts = args[1];
    r.legacy = legacy;
    r.convert = args[3];
    r.parsers = args[4];
    r.st = cb_state_acquire(args[1], 0);
    if (r.st == NULL) {
        return NULL;
    }
    skip_ws(&r);
    result = value_at(&r);
    if (result != NULL) {
        skip_ws(&r);
        if (r.pos != r.len) {
            Py_CLEAR(result);
            r.give_up = 1;
        }
    }
    cb_state_release(r.st);
    if (result == NULL && r.give_up && !PyErr_Occurred()) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    return result;
}
