/* bson._cbson's module initialisation: the classes, functions and slot offsets of the
 * pure-Python bson package that the C codec reads and builds.
 *
 * Anything unexpected (a class without the slot the code relies on) fails the import
 * with ImportError, and bson falls back to the pure-Python codec.
 */
#include "cbson.h"
#include <structmember.h>

extern PyMethodDef cb_methods[];

static PyObject *attr_of(const char *module_name, const char *name) {
    PyObject *module = PyImport_ImportModule(module_name), *value;
    if (module == NULL) {
        return NULL;
    }
    value = PyObject_GetAttrString(module, name);
    Py_DECREF(module);
    return value;
}

/* The offset of an object slot declared by ``__slots__`` on ``type``. */
static int slot_offset(PyObject *type, const char *name, Py_ssize_t *out) {
    PyObject *descr = PyDict_GetItemString(((PyTypeObject *)type)->tp_dict, name);
    PyMemberDef *member;
    if (descr == NULL || Py_TYPE(descr) != &PyMemberDescr_Type) {
        PyErr_Format(PyExc_ImportError, "bson._cbson: %R has no slot %s", type, name);
        return -1;
    }
    member = ((PyMemberDescrObject *)descr)->d_member;
    if (member->type != T_OBJECT_EX) {
        PyErr_Format(PyExc_ImportError, "bson._cbson: %R slot %s is not an object slot", type,
                     name);
        return -1;
    }
    *out = member->offset;
    return 0;
}

static int intern(PyObject **out, const char *text) {
    *out = PyUnicode_InternFromString(text);
    return *out == NULL ? -1 : 0;
}

struct class_ref {
    PyObject **target;
    const char *module;
    const char *name;
};

static int load_globals(void) {
    struct class_ref refs[] = {
        {&G.Binary, "bson.binary", "Binary"}, {&G.UUIDLegacy, "bson.binary", "UUIDLegacy"},
        {&G.ObjectId, "bson.objectid", "ObjectId"},
        {&G.DatetimeMS, "bson.datetime_ms", "DatetimeMS"}, {&G.Regex, "bson.regex", "Regex"},
        {&G.PatternType, "bson._encode", "_RE_TYPE"}, {&G.Code, "bson.code", "Code"},
        {&G.DBRef, "bson.dbref", "DBRef"}, {&G.Timestamp, "bson.timestamp", "Timestamp"},
        {&G.Decimal128, "bson.decimal128", "Decimal128"}, {&G.MinKey, "bson.min_key", "MinKey"},
        {&G.MaxKey, "bson.max_key", "MaxKey"}, {&G.Int64, "bson.int64", "Int64"},
        {&G.SON, "bson.son", "SON"}, {&G.UUID, "uuid", "UUID"},
        {&G.Mapping, "collections.abc", "Mapping"},
        {&G.CodecOptions, "bson.codec_options", "CodecOptions"},
        {&G.DEFAULT_CODEC_OPTIONS, "bson.codec_options", "DEFAULT_CODEC_OPTIONS"},
        {&G.InvalidBSON, "bson.errors", "InvalidBSON"},
        {&G.InvalidDocument, "bson.errors", "InvalidDocument"},
        {&G.InvalidStringData, "bson.errors", "InvalidStringData"},
        {&G.StructError, "struct", "error"}, {&G.utc, "bson.tz_util", "utc"},
        {&G.min_key, "bson._decode", "_MIN_KEY"}, {&G.max_key, "bson._decode", "_MAX_KEY"},
        {&G.maybe_dbref, "bson._decode", "_maybe_dbref"},
        {&G.marker_types, "bson._encode", "_MARKER_TYPES"},
    };
    PyObject *safe;
    size_t i;
    for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        *refs[i].target = attr_of(refs[i].module, refs[i].name);
        if (*refs[i].target == NULL) {
            return -1;
        }
    }
    safe = attr_of("uuid", "SafeUUID");
    if (safe == NULL) {
        return -1;
    }
    G.safe_uuid_unknown = PyObject_GetAttrString(safe, "unknown");
    Py_DECREF(safe);
    if (G.safe_uuid_unknown == NULL || !PyDict_Check(G.marker_types)) {
        return -1;
    }
    if (slot_offset(G.ObjectId, "_ObjectId__id", &G.oid_id) < 0
        || slot_offset(G.Timestamp, "_Timestamp__time", &G.ts_time) < 0
        || slot_offset(G.Timestamp, "_Timestamp__inc", &G.ts_inc) < 0
        || slot_offset(G.Decimal128, "_Decimal128__high", &G.dec_high) < 0
        || slot_offset(G.Decimal128, "_Decimal128__low", &G.dec_low) < 0
        || slot_offset(G.UUID, "int", &G.uuid_int) < 0
        || slot_offset(G.UUID, "is_safe", &G.uuid_is_safe) < 0) {
        return -1;
    }
    G.default_state = PyObject_GetAttrString(G.DEFAULT_CODEC_OPTIONS, "_codec_state");
    G.int_101 = PyLong_FromLong(101);
    if (G.default_state == NULL) {
        return -1;
    }
    if (G.int_101 == NULL || intern(&G.s_id, "_id") < 0 || intern(&G.s_ref, "$ref") < 0
        || intern(&G.s_items, "items") < 0 || intern(&G.s_type_marker, "_type_marker") < 0
        || intern(&G.s_raw, "raw") < 0 || intern(&G.s_subtype, "subtype") < 0
        || intern(&G.s_binary_subtype, "_Binary__subtype") < 0
        || intern(&G.s_scope, "scope") < 0 || intern(&G.s_code_scope, "_Code__scope") < 0
        || intern(&G.s_utcoffset, "utcoffset") < 0 || intern(&G.s_astimezone, "astimezone") < 0
        || intern(&G.s_as_doc, "as_doc") < 0
        || intern(&G.s_binary, "binary") < 0 || intern(&G.s_int, "int") < 0
        || intern(&G.s_pattern, "pattern") < 0 || intern(&G.s_flags, "flags") < 0
        || intern(&G.s_bid, "bid") < 0 || intern(&G.s_inc, "inc") < 0
        || intern(&G.s_time, "time") < 0 || intern(&G.s_codec_state, "_codec_state") < 0
        || intern(&G.s_tzinfo, "tzinfo") < 0) {
        return -1;
    }
    return cb_datetime_init();
}

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "bson._cbson",
    "The compiled BSON codec: the same encoder and decoder as bson._encode and bson._decode.",
    -1, cb_methods, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit__cbson(void) {
    PyObject *module;
    if (load_globals() < 0 || cb_load_uuid_functions() < 0) {
        if (PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_ImportError)) {
            PyObject *type, *value, *tb;
            PyErr_Fetch(&type, &value, &tb);
            PyErr_NormalizeException(&type, &value, &tb);
            PyErr_Format(PyExc_ImportError, "bson._cbson could not initialise: %S", value);
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(tb);
        }
        return NULL;
    }
    if (PyType_Ready(&cb_SizedBytesType) < 0) {
        return NULL;
    }
    module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    /* PyModule_AddObject steals the reference only on success. */
    Py_INCREF(&cb_SizedBytesType);
    if (PyModule_AddObject(module, "_SizedBytes", (PyObject *)&cb_SizedBytesType) < 0) {
        Py_DECREF(&cb_SizedBytesType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
