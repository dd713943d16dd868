/* Shared declarations of the compiled BSON codec (bson._cbson).
 *
 * The C code mirrors bson/_encode.py, bson/_encode_scalars.py and bson/_decode.py
 * rule for rule: same type dispatch order, same checks, same exceptions.  Where a
 * value is rare and building it needs Python-level logic (DBRef, Regex, DatetimeMS,
 * type encoders and decoders), the C code calls that Python class or function directly.
 */
#ifndef MONGOFW_CBSON_H
#define MONGOFW_CBSON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *cb_newref(PyObject *o) { Py_INCREF(o); return o; }
#define Py_NewRef(o) cb_newref((PyObject *)(o))
#endif

/* Nesting deeper than this raises RecursionError (reported as InvalidDocument or
 * InvalidBSON, as the pure-Python codec does at its recursion limit), whatever the
 * interpreter's recursion limit: it bounds the C stack used. */
#define CB_MAX_DEPTH 2500

/* ---- output buffer ------------------------------------------------------------ */

typedef struct {
    char *data;
    Py_ssize_t len;
    Py_ssize_t cap;
} cb_buffer;

int cb_buffer_grow(cb_buffer *buf, Py_ssize_t extra);

/* Make room for ``extra`` more bytes; 0 on success, -1 with MemoryError set. */
static inline int cb_reserve(cb_buffer *buf, Py_ssize_t extra) {
    if (buf->cap - buf->len >= extra) {
        return 0;
    }
    return cb_buffer_grow(buf, extra);
}

/* Little-endian stores, spelled byte by byte so they are right on any host
 * (compilers turn them into single stores). Callers have reserved the room. */
static inline void cb_put_i32(char *p, int32_t v) {
    uint32_t u = (uint32_t)v;
    p[0] = (char)(u & 0xFF); p[1] = (char)((u >> 8) & 0xFF);
    p[2] = (char)((u >> 16) & 0xFF); p[3] = (char)((u >> 24) & 0xFF);
}

static inline void cb_put_u64(char *p, uint64_t u) {
    int i;
    for (i = 0; i < 8; i++) {
        p[i] = (char)((u >> (8 * i)) & 0xFF);
    }
}

static inline int32_t cb_get_i32(const unsigned char *p) {
    return (int32_t)((uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16)
                     | ((uint32_t)p[3] << 24));
}

static inline uint32_t cb_get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16)
           | ((uint32_t)p[3] << 24);
}

static inline uint64_t cb_get_u64(const unsigned char *p) {
    return (uint64_t)cb_get_u32(p) | ((uint64_t)cb_get_u32(p + 4) << 32);
}

/* Append raw bytes (reserving room). */
static inline int cb_write(cb_buffer *buf, const void *src, Py_ssize_t n) {
    if (cb_reserve(buf, n) < 0) {
        return -1;
    }
    memcpy(buf->data + buf->len, src, (size_t)n);
    buf->len += n;
    return 0;
}

/* Append an element header: type byte then the encoded name with its NUL.
 * ``extra`` more bytes are reserved for the value that follows. */
static inline int cb_header(cb_buffer *buf, char type, const char *name, Py_ssize_t name_len,
                            Py_ssize_t extra) {
    char *p;
    if (cb_reserve(buf, 1 + name_len + 1 + extra) < 0) {
        return -1;
    }
    p = buf->data + buf->len;
    p[0] = type;
    memcpy(p + 1, name, (size_t)name_len);
    p[1 + name_len] = 0;
    buf->len += 2 + name_len;
    return 0;
}

/* ---- resolved codec options -------------------------------------------------- */

enum { CB_DOC_DICT = 0, CB_DOC_RAW = 1, CB_DOC_OTHER = 2 };
/* How UUIDs are converted: natively (the four documented representations), or by
 * calling the representation's Python function (a plugin's own representation). */
enum { CB_UUID_PYTHON = 0, CB_UUID_RFC = 1, CB_UUID_JAVA = 2, CB_UUID_CSHARP = 3 };

typedef struct {
    PyObject *options;          /* the CodecOptions (strong) */
    PyObject *state;            /* its _CodecState (strong) */
    PyObject *document_class;
    int doc_kind;
    int tz_aware;
    PyObject *tzinfo;           /* NULL when None */
    PyObject *errors_obj;       /* the handler name, kept alive for ``errors`` */
    const char *errors;         /* NULL for "strict" */
    int uuid_subtype;
    int uuid_to;                /* CB_UUID_* */
    int uuid_from;
    PyObject *uuid_to_binary;
    PyObject *uuid_from_binary;
    PyObject *custom_encoders;  /* type -> transform_python, or NULL */
    PyObject *fallback_encoder; /* callable or NULL */
    PyObject *type_decoders;    /* type -> transform_bson, or NULL */
} cb_state;

/* ---- module-wide objects (filled once by the module's init) -------------------- */

typedef struct {
    PyObject *Binary, *UUIDLegacy, *ObjectId, *DatetimeMS, *Regex, *PatternType, *Code,
        *DBRef, *Timestamp, *Decimal128, *MinKey, *MaxKey, *Int64, *SON, *UUID,
        *Mapping, *CodecOptions, *DEFAULT_CODEC_OPTIONS, *DatetimeType,
        *default_state;
    PyObject *InvalidBSON, *InvalidDocument, *InvalidStringData, *StructError;
    PyObject *utc, *min_key, *max_key, *safe_uuid_unknown, *maybe_dbref, *marker_types;
    /* Slot offsets of the exact classes (read without a Python-level call). */
    Py_ssize_t oid_id, ts_time, ts_inc, dec_high, dec_low, uuid_int, uuid_is_safe;
    /* Interned attribute names and keys. */
    PyObject *s_id, *s_ref, *s_items, *s_type_marker, *s_raw, *s_subtype,
        *s_binary_subtype, *s_scope, *s_code_scope, *s_utcoffset, *s_astimezone,
        *s_as_doc, *s_binary, *s_int, *s_pattern, *s_flags, *s_bid,
        *s_inc, *s_time, *s_codec_state, *s_tzinfo;
    PyObject *int_101;
} cb_globals;

extern cb_globals G;

/* options.c (the resolved-options cache) and the module's initialisation */
cb_state *cb_state_acquire(PyObject *key, int by_state);
void cb_state_release(cb_state *st);
int cb_datetime_init(void);
int cb_load_uuid_functions(void);

/* encode_top.c */
PyObject *cb_encode_top(PyObject *doc, int check_keys, cb_state *st);
/* encode.c: containers and the inline common types */
int cb_write_document(cb_buffer *buf, PyObject *doc, int check_keys, cb_state *st, int top,
                      int depth);
int cb_write_array(cb_buffer *buf, PyObject *seq, int check_keys, cb_state *st, int depth);
int cb_write_value(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                   int check_keys, cb_state *st, int depth, int in_doc_loop);
int cb_enter(int depth);
int cb_write_code(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                  cb_state *st, int depth);
int cb_write_subdocument(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *doc,
                         cb_state *st, int depth);
int cb_write_raw(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_float(cb_buffer *buf, const char *name, Py_ssize_t nlen, double d);
/* encode_dispatch.c */
/* What writes a value, once its type is known (the pure encoder's writer functions). */
enum {
    CB_W_NONE = -1, W_STR, W_INT, W_INT64, W_FLOAT, W_BOOL, W_NULL, W_MAPPING, W_LIST,
    W_BINARY, W_BYTES, W_UUID, W_OBJECTID, W_DATETIME, W_DATETIME_MS, W_REGEX, W_CODE,
    W_DBREF, W_TIMESTAMP, W_DECIMAL128, W_MINKEY, W_MAXKEY, W_RAW
};

int cb_exact_kind(PyObject *t);
int cb_write_kind(int kind, cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                  int check_keys, cb_state *st, int depth);
/* ``done``: the transforms a value already went through (bson/_encode.py _DONE_*). */
enum { CB_DONE_TYPE_ENCODER = 1, CB_DONE_FALLBACK = 2 };
int cb_write_fallback(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                      int check_keys, cb_state *st, int depth, int done);
/* encode_types.c: each writes one whole element (header and value). */
int cb_write_int(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_int64_exact(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_binary(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                    int exact);
int cb_write_bytes(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_uuid(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value,
                  cb_state *st);
int cb_write_objectid(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
/* A datetime's milliseconds since the epoch (naive: UTC; aware: less utcoffset()). */
int cb_datetime_millis(PyObject *value, int64_t *millis);
int cb_write_datetime(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_datetime_ms(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_regex(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_timestamp(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_decimal128(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_write_str_other(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value);
int cb_struct_error(const char *message);

/* decode.c */
PyObject *cb_decode_document(const unsigned char *data, Py_ssize_t len, Py_ssize_t pos,
                             cb_state *st, Py_ssize_t *stop);
PyObject *cb_decode_elements(const unsigned char *data, Py_ssize_t pos, Py_ssize_t end,
                             cb_state *st, int force_dict, int depth);
/* decode_shape.c */
int cb_shape_way(const unsigned char *name, Py_ssize_t room);
PyObject *cb_shape_get(int depth, int way);
void cb_shape_store(int depth, int way, PyObject *doc, Py_ssize_t count);
PyObject *cb_dict_presized(Py_ssize_t n);

/* Whether a[0:n] == b[0:n], eight bytes at a time (for short keys). */
static inline int cb_same_bytes(const unsigned char *a, const unsigned char *b, Py_ssize_t n) {
    uint64_t x, y;
    while (n >= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) {
            return 0;
        }
        a += 8; b += 8; n -= 8;
    }
    while (n > 0) {
        if (*a++ != *b++) {
            return 0;
        }
        n--;
    }
    return 1;
}

/* decode_types.c */
PyObject *cb_read_other(const unsigned char *data, unsigned char kind, Py_ssize_t *pos,
                        Py_ssize_t end, cb_state *st, int depth, int *unknown);
PyObject *cb_read_binary(const unsigned char *data, Py_ssize_t *pos, Py_ssize_t end,
                         cb_state *st);
PyObject *cb_make_objectid(const unsigned char *p);
PyObject *cb_make_datetime(int64_t millis, cb_state *st);
PyObject *cb_make_utc_datetime(int year, int month, int day, int hour, int minute, int second,
                               int micros, cb_state *st);
PyObject *cb_make_int64(int64_t value);
PyObject *cb_decode_str(const unsigned char *p, Py_ssize_t n, cb_state *st);
/* A decoded element name, from a small cache of recent ones. */
PyObject *cb_decode_key(const unsigned char *p, Py_ssize_t n, cb_state *st);
PyObject *cb_new_slotted(PyObject *type);
int cb_set_slot(PyObject *obj, Py_ssize_t offset, PyObject *value);
PyObject *cb_uuid_from_bytes(const unsigned char *raw16);
PyObject *cb_invalid_bson(const char *format, ...);

/* sized_bytes.c: a bytes object filled in place (``_SizedBytes``). */
extern PyTypeObject cb_SizedBytesType;

#endif
