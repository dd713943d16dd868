/* Resolved codec options: each CodecOptions' _CodecState read once into a cb_state.
 *
 * A small cache keyed by identity (of the options or of their state) holds the most
 * recent ones, so a call costs no attribute lookups on the options.  An entry in use
 * is pinned: a codec callback that encodes with other options cannot evict it.
 */
#include "cbson.h"

#define STATE_CACHE_SIZE 16

typedef struct {
    cb_state st;
    int busy;   /* in use by a running encode/decode: not evicted */
    int used;
} state_slot;

static state_slot state_cache[STATE_CACHE_SIZE];
static int state_next;
static PyObject *uuid_functions[8];  /* bson.binary's to/from functions, by CB_UUID_* */

static void state_clear(cb_state *st) {
    Py_CLEAR(st->options);
    Py_CLEAR(st->state);
    Py_CLEAR(st->document_class);
    Py_CLEAR(st->tzinfo);
    Py_CLEAR(st->errors_obj);
    Py_CLEAR(st->uuid_to_binary);
    Py_CLEAR(st->uuid_from_binary);
    Py_CLEAR(st->custom_encoders);
    Py_CLEAR(st->fallback_encoder);
    Py_CLEAR(st->type_decoders);
}

static int get_attr(PyObject *obj, const char *name, PyObject **out, int none_is_null) {
    PyObject *v = PyObject_GetAttrString(obj, name);
    if (v == NULL) {
        return -1;
    }
    if (none_is_null && v == Py_None) {
        Py_DECREF(v);
        v = NULL;
    }
    *out = v;
    return 0;
}

static int get_flag(PyObject *obj, const char *name, int *out) {
    PyObject *v = PyObject_GetAttrString(obj, name);
    if (v == NULL) {
        return -1;
    }
    *out = PyObject_IsTrue(v);
    Py_DECREF(v);
    return *out < 0 ? -1 : 0;
}

static int uuid_kind(PyObject *function, int from) {
    int kind;
    for (kind = CB_UUID_RFC; kind <= CB_UUID_CSHARP; kind++) {
        if (uuid_functions[kind * 2 + from] == function) {
            return kind;
        }
    }
    return CB_UUID_PYTHON;
}

/* Fill ``st`` from a bson.codec_options._CodecState (its attributes, read once). */
static int state_fill(cb_state *st, PyObject *state) {
    PyObject *v;
    int is_dict, is_raw;
    long subtype;
    memset(st, 0, sizeof(*st));
    st->state = Py_NewRef(state);
    if (get_attr(state, "options", &st->options, 0) < 0
        || get_attr(state, "document_class", &st->document_class, 0) < 0
        || get_flag(state, "is_dict", &is_dict) < 0 || get_flag(state, "is_raw", &is_raw) < 0
        || get_flag(state, "tz_aware", &st->tz_aware) < 0
        || get_attr(state, "tzinfo", &st->tzinfo, 1) < 0
        || get_attr(state, "errors", &st->errors_obj, 0) < 0
        || get_attr(state, "uuid_to_binary", &st->uuid_to_binary, 0) < 0
        || get_attr(state, "uuid_from_binary", &st->uuid_from_binary, 0) < 0
        || get_attr(state, "custom_encoders", &st->custom_encoders, 1) < 0
        || get_attr(state, "fallback_encoder", &st->fallback_encoder, 1) < 0
        || get_attr(state, "type_decoders", &st->type_decoders, 1) < 0
        || get_attr(state, "uuid_subtype", &v, 0) < 0) {
        goto fail;
    }
    subtype = PyLong_AsLong(v);
    Py_DECREF(v);
    if (subtype == -1 && PyErr_Occurred()) {
        goto fail;
    }
    st->uuid_subtype = (int)subtype;
    st->doc_kind = is_raw ? CB_DOC_RAW : (is_dict ? CB_DOC_DICT : CB_DOC_OTHER);
    if (!PyUnicode_Check(st->errors_obj)) {
        PyErr_SetString(PyExc_TypeError, "unicode_decode_error_handler must be a str");
        goto fail;
    }
    if (PyUnicode_CompareWithASCIIString(st->errors_obj, "strict") != 0) {
        st->errors = PyUnicode_AsUTF8(st->errors_obj);
        if (st->errors == NULL) {
            goto fail;
        }
    }
    if (st->custom_encoders != NULL && !PyDict_Check(st->custom_encoders)) {
        Py_CLEAR(st->custom_encoders);
    }
    if (st->type_decoders != NULL && !PyDict_Check(st->type_decoders)) {
        Py_CLEAR(st->type_decoders);
    }
    st->uuid_to = uuid_kind(st->uuid_to_binary, 0);
    st->uuid_from = uuid_kind(st->uuid_from_binary, 1);
    return 0;
fail:
    state_clear(st);
    return -1;
}

/* The cached cb_state for a _CodecState (``by_state``) or a CodecOptions; pinned until
 * cb_state_release. */
cb_state *cb_state_acquire(PyObject *key, int by_state) {
    state_slot *slot;
    PyObject *state;
    int i, r;
    for (i = 0; i < STATE_CACHE_SIZE; i++) {
        slot = &state_cache[i];
        if (slot->used && (by_state ? slot->st.state : slot->st.options) == key) {
            slot->busy++;
            return &slot->st;
        }
    }
    if (by_state) {
        state = Py_NewRef(key);
    } else {
        r = PyObject_IsInstance(key, G.CodecOptions);
        if (r <= 0) {
            if (r == 0) {
                PyErr_Format(PyExc_TypeError,
                             "codec_options must be an instance of CodecOptions, not %R", key);
            }
            return NULL;
        }
        state = PyObject_GetAttr(key, G.s_codec_state);
        if (state == NULL) {
            return NULL;
        }
    }
    /* Slot 0 is the default options'; the others go round-robin, skipping pinned ones;
     * a temporary entry when all are pinned. */
    slot = NULL;
    if (state == G.default_state) {
        slot = &state_cache[0];
    }
    for (i = 0; i < STATE_CACHE_SIZE - 1 && slot == NULL; i++) {
        state_slot *candidate = &state_cache[1 + (state_next + i) % (STATE_CACHE_SIZE - 1)];
        if (!candidate->busy) {
            slot = candidate;
            state_next = (state_next + i + 1) % (STATE_CACHE_SIZE - 1);
        }
    }
    if (slot == NULL || slot->busy) {
        slot = PyMem_Calloc(1, sizeof(state_slot));
        if (slot == NULL) {
            Py_DECREF(state);
            PyErr_NoMemory();
            return NULL;
        }
    } else if (slot->used) {
        slot->used = 0;
        state_clear(&slot->st);
    }
    slot->busy = 1;
    r = state_fill(&slot->st, state);
    Py_DECREF(state);
    if (r < 0) {
        slot->busy = 0;
        if (slot < state_cache || slot >= state_cache + STATE_CACHE_SIZE) {
            PyMem_Free(slot);
        }
        return NULL;
    }
    slot->used = 1;
    return &slot->st;
}

void cb_state_release(cb_state *st) {
    state_slot *slot = (state_slot *)st;  /* st is the slot's first member */
    if (slot >= state_cache && slot < state_cache + STATE_CACHE_SIZE) {
        slot->busy--;
        return;
    }
    state_clear(st);
    PyMem_Free(slot);
}

/* bson.binary's representation functions, so the default UUID representations (as
 * bson and the default codec plugin both hand them over) are converted natively. */
int cb_load_uuid_functions(void) {
    static const char *names[8] = {NULL, NULL, "_rfc4122_to_binary", "_rfc4122_from_binary",
                                   "_java_to_binary", "_java_from_binary",
                                   "_csharp_to_binary", "_csharp_from_binary"};
    PyObject *module = PyImport_ImportModule("bson.binary");
    int i;
    if (module == NULL) {
        return -1;
    }
    for (i = 2; i < 8; i++) {
        uuid_functions[i] = PyObject_GetAttrString(module, names[i]);
        if (uuid_functions[i] == NULL) {
            Py_DECREF(module);
            return -1;
        }
    }
    Py_DECREF(module);
    return 0;
}
