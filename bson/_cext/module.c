/* bson._cbson's entry points.
 *
 * Those taking a ``state`` are drop-in replacements for the pure functions that
 * bson/__init__.py calls with ``codec_options._codec_state``; those taking
 * ``codec_options`` resolve it (options.c caches either way).
 */
#include "cbson.h"
#include "cjson.h"

cb_globals G;

/* ---- input bytes --------------------------------------------------------------- */

/* bson/__init__.py _as_bytes, without the copy: any bytes-like object. */
static int input_buffer(PyObject *data, Py_buffer *view) {
    PyObject *copy;
    int r;
    if (!PyObject_CheckBuffer(data)) {
        PyErr_Format(PyExc_TypeError, "BSON data must be an instance of bytes or another "
                     "bytes-like object, not %R", (PyObject *)Py_TYPE(data));
        return -1;
    }
    if (PyObject_GetBuffer(data, view, PyBUF_SIMPLE) == 0) {
        return 0;
    }
    /* A non-contiguous buffer: a copy of its bytes, as the pure code makes. */
    PyErr_Clear();
    copy = PyBytes_FromObject(data);
    if (copy == NULL) {
        return -1;
    }
    r = PyObject_GetBuffer(copy, view, PyBUF_SIMPLE);
    Py_DECREF(copy);  /* the view keeps it alive */
    return r;
}

/* bson/__init__.py _decode_one's except clauses, for the document at ``pos``:
 * RecursionError and the low-level failures become InvalidBSON (``from`` the cause);
 * LookupError is an unknown unicode_decode_error_handler met on bad UTF-8. */
static void convert_decode_error(Py_ssize_t pos) {
    PyObject *type, *value, *tb, *ntype, *nvalue, *ntb;
    if (PyErr_ExceptionMatches(G.InvalidBSON)) {
        return;
    }
    if (PyErr_ExceptionMatches(PyExc_RecursionError)) {
        PyErr_Clear();
        cb_invalid_bson("invalid BSON at offset %zd: documents are nested too deeply to decode",
                        pos);
        return;
    }
    if (!PyErr_ExceptionMatches(G.StructError) && !PyErr_ExceptionMatches(PyExc_ValueError)
        && !PyErr_ExceptionMatches(PyExc_IndexError) && !PyErr_ExceptionMatches(PyExc_TypeError)
        && !PyErr_ExceptionMatches(PyExc_OverflowError)
        && !PyErr_ExceptionMatches(PyExc_LookupError)) {
        return;
    }
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL) {
        PyException_SetTraceback(value, tb);
    }
    cb_invalid_bson("invalid BSON at offset %zd: %S", pos, value);
    PyErr_Fetch(&ntype, &nvalue, &ntb);
    PyErr_NormalizeException(&ntype, &nvalue, &ntb);
    if (nvalue != NULL && PyExceptionInstance_Check(nvalue)
        && PyObject_TypeCheck(value, (PyTypeObject *)PyExc_BaseException)) {
        PyException_SetCause(nvalue, Py_NewRef(value));
        PyException_SetContext(nvalue, Py_NewRef(value));
    }
    PyErr_Restore(ntype, nvalue, ntb);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

/* ---- entry points ------------------------------------------------------------------ */

static PyObject *encode_with(PyObject *doc, PyObject *check_keys, PyObject *key, int by_state,
                             int as_bytes) {
    cb_state *st;
    PyObject *result;
    int check = PyObject_IsTrue(check_keys);
    if (check < 0) {
        return NULL;
    }
    st = cb_state_acquire(key, by_state);
    if (st == NULL) {
        return NULL;
    }
    result = cb_encode_top(doc, check, st);
    cb_state_release(st);
    if (result != NULL && as_bytes && !PyBytes_CheckExact(result)) {
        Py_SETREF(result, PyBytes_FromObject(result));  /* a raw document's ``raw`` */
    }
    return result;
}

static int check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t low, Py_ssize_t high) {
    if (nargs < low || nargs > high) {
        PyErr_Format(PyExc_TypeError, "%s() takes from %zd to %zd positional arguments but %zd "
                     "were given", name, low, high, nargs);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(dict_to_bson_doc,
"_dict_to_bson(document, check_keys, codec_options=DEFAULT_CODEC_OPTIONS)\n--\n\n"
"Encode a document to BSON bytes.");

static PyObject *py_dict_to_bson(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (check_nargs("_dict_to_bson", nargs, 2, 3) < 0) {
        return NULL;
    }
    return encode_with(args[0], args[1], nargs > 2 ? args[2] : G.DEFAULT_CODEC_OPTIONS, 0, 1);
}

PyDoc_STRVAR(encode_document_doc,
"_encode_document(document, check_keys, state)\n--\n\n"
"bson._encode.encode_document: BSON for a top-level mapping, given resolved options.");

static PyObject *py_encode_document(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (check_nargs("_encode_document", nargs, 3, 3) < 0) {
        return NULL;
    }
    return encode_with(args[0], args[1], args[2], 1, 0);
}

/* Decode documents from ``data`` starting at ``pos``: all of them into a list
 * (``all``), else one, as (doc, end) or, with ``exactly_one``, alone. */
static PyObject *decode_with(PyObject *data, Py_ssize_t pos, PyObject *key, int by_state,
                             int all, int exactly_one) {
    Py_buffer view;
    cb_state *st;
    PyObject *result = NULL, *doc;
    Py_ssize_t stop = 0, start;
    st = cb_state_acquire(key, by_state);
    if (st == NULL) {
        return NULL;
    }
    if (input_buffer(data, &view) < 0) {
        cb_state_release(st);
        return NULL;
    }
    if (all) {
        result = PyList_New(0);
        while (result != NULL && pos < view.len) {
            start = pos;
            doc = cb_decode_document(view.buf, view.len, pos, st, &stop);
            if (doc == NULL || PyList_Append(result, doc) < 0) {
                if (doc == NULL) {
                    convert_decode_error(start);
                }
                Py_XDECREF(doc);
                Py_CLEAR(result);
                break;
            }
            Py_DECREF(doc);
            pos = stop;
        }
    } else if (pos < 0 || pos > view.len) {
        PyErr_Format(PyExc_ValueError, "position %zd is outside the data", pos);
    } else {
        doc = cb_decode_document(view.buf, view.len, pos, st, &stop);
        if (doc == NULL) {
            convert_decode_error(pos);
        } else if (!exactly_one) {
            result = Py_BuildValue("(Nn)", doc, stop);
        } else if (stop != view.len) {
            Py_DECREF(doc);
            cb_invalid_bson("%zd bytes of trailing data after the document", view.len - stop);
        } else {
            result = doc;
        }
    }
    PyBuffer_Release(&view);
    cb_state_release(st);
    return result;
}

PyDoc_STRVAR(decode_all_doc,
"decode_all(data, codec_options=DEFAULT_CODEC_OPTIONS)\n--\n\n"
"Decode ``data``, concatenated BSON documents, to a list of documents.");

static PyObject *py_decode_all(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (check_nargs("decode_all", nargs, 1, 2) < 0) {
        return NULL;
    }
    return decode_with(args[0], 0, nargs > 1 ? args[1] : G.DEFAULT_CODEC_OPTIONS, 0, 1, 0);
}

PyDoc_STRVAR(bson_to_dict_doc,
"_bson_to_dict(data, codec_options=DEFAULT_CODEC_OPTIONS)\n--\n\n"
"Decode exactly one BSON document (InvalidBSON for trailing data).");

static PyObject *py_bson_to_dict(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (check_nargs("_bson_to_dict", nargs, 1, 2) < 0) {
        return NULL;
    }
    return decode_with(args[0], 0, nargs > 1 ? args[1] : G.DEFAULT_CODEC_OPTIONS, 0, 0, 1);
}

PyDoc_STRVAR(decode_one_doc,
"_decode_one(data, pos, state)\n--\n\n"
"The document at ``pos`` and the position after it, given resolved options.");

static PyObject *py_decode_one(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t pos;
    if (check_nargs("_decode_one", nargs, 3, 3) < 0) {
        return NULL;
    }
    pos = PyLong_AsSsize_t(args[1]);
    if (pos == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return decode_with(args[0], pos, args[2], 1, 0, 0);
}

PyDoc_STRVAR(decode_exactly_one_doc,
"_decode_exactly_one(data, state)\n--\n\n"
"Decode ``data`` holding exactly one document, given resolved options.");

static PyObject *py_decode_exactly_one(PyObject *self, PyObject *const *args,
                                       Py_ssize_t nargs) {
    if (check_nargs("_decode_exactly_one", nargs, 2, 2) < 0) {
        return NULL;
    }
    return decode_with(args[0], 0, args[1], 1, 0, 1);
}

PyMethodDef cb_methods[] = {
    {"_dict_to_bson", (PyCFunction)(void (*)(void))py_dict_to_bson, METH_FASTCALL,
     dict_to_bson_doc},
    {"_encode_document", (PyCFunction)(void (*)(void))py_encode_document, METH_FASTCALL,
     encode_document_doc},
    {"decode_all", (PyCFunction)(void (*)(void))py_decode_all, METH_FASTCALL, decode_all_doc},
    {"_bson_to_dict", (PyCFunction)(void (*)(void))py_bson_to_dict, METH_FASTCALL,
     bson_to_dict_doc},
    {"_decode_one", (PyCFunction)(void (*)(void))py_decode_one, METH_FASTCALL, decode_one_doc},
    {"_decode_exactly_one", (PyCFunction)(void (*)(void))py_decode_exactly_one, METH_FASTCALL,
     decode_exactly_one_doc},
    {"_json_loads", (PyCFunction)(void (*)(void))cj_loads, METH_FASTCALL,
     "_json_loads(text, json_options, legacy, convert_object, parsers)\n--\n\n"
     "bson.json_util.loads for a str and dict documents, or NotImplemented when the "
     "Python path must read the text."},
    {"_json_dumps", (PyCFunction)(void (*)(void))cj_dumps, METH_FASTCALL,
     "_json_dumps(obj, relaxed, datetime_representation)\n--\n\n"
     "bson.json_util.dumps in RELAXED or LEGACY mode without extra arguments, or "
     "NotImplemented when the Python path must write the value."},
    {NULL, NULL, 0, NULL}
};
