/* Shared declarations of the compiled Extended JSON reader and writer
 * (json_decode.c, json_strings.c, json_wrappers.c, json_encode.c).
 *
 * The reader parses the text json.loads would parse, into the values bson.json_util's
 * Python path would build.  It never reports a syntax error itself: for any text it
 * does not take (malformed, NaN/Infinity, lone surrogate escapes, huge integers, deep
 * nesting) it gives up and the caller returns NotImplemented, so that the Python path
 * runs and raises exactly its own exception.
 */
#ifndef MONGOFW_CJSON_H
#define MONGOFW_CJSON_H

#include "cbson.h"

typedef struct {
    PyObject *text;
    const void *data;
    int kind;
    Py_ssize_t len;
    Py_ssize_t pos;
    cb_state *st;
    PyObject *opts;
    PyObject *convert;   /* bson._json_decode.convert_object */
    PyObject *parsers;   /* its _PARSERS: the wrapper keys */
    int legacy;
    int depth;
    int give_up;         /* set (no exception) when the text is left to the Python path */
} cj_reader;

#define CJ_CH(r, i) PyUnicode_READ((r)->kind, (r)->data, (i))

/* NULL without an exception, marking the text as not taken. */
static inline PyObject *cj_give_up(cj_reader *r) {
    r->give_up = 1;
    return NULL;
}

/* json_strings.c */
PyObject *cj_string(cj_reader *r, int as_key);
PyObject *cj_number(cj_reader *r);
/* json_wrappers.c: the value an object with a "$" key stands for (a new reference). */
PyObject *cj_convert(cj_reader *r, PyObject *dict);
/* json_encode.c */
PyObject *cj_dumps(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
/* datetimes.c */
int cb_format_iso_millis(int64_t millis, char *out);
/* json_decode.c */
PyObject *cj_loads(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

#endif
