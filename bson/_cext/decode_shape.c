/* Document "shapes" for the decoder: the keys of the last document decoded at each
 * nesting depth.
 *
 * Documents of a batch (and the sub-documents at one depth of a tree) mostly repeat
 * the same field names in the same order.  The decoder compares each element name
 * with the key at the same position in the shape; while they agree it reuses that key
 * object (no hashing, no allocation) and the new dict is presized to the shape's
 * size.  A shape is a tuple of exact, pure-ASCII str keys (an ASCII name decodes the
 * same under every error handler), held by a strong reference for the whole decode of
 * a document, so a nested decode that replaces the slot cannot free keys in use.
 *
 * Sub-documents of different kinds often alternate at one depth (a tweet's ``user``
 * and ``entities``), so each depth keeps a few shapes, the slot picked by the first
 * two bytes of the document's first element name.
 */
#include "cbson.h"

#define SHAPE_DEPTHS 32
#define SHAPE_MAX_KEYS 1024
#define SHAPE_WAYS 8  /* a power of two, at most 8 (the hash's top three bits) */

static PyObject *shapes[SHAPE_DEPTHS][SHAPE_WAYS];

int cb_shape_way(const unsigned char *name, Py_ssize_t room) {
    unsigned int first = room > 0 ? name[0] : 0;
    unsigned int second = first != 0 && room > 1 ? name[1] : 0;
    uint32_t mixed = ((first << 8) | second) * 2654435761u;  /* Fibonacci hashing */
    return (int)((mixed >> 29) & (SHAPE_WAYS - 1));
}

PyObject *cb_shape_get(int depth, int way) {
    PyObject *shape;
    if (depth >= SHAPE_DEPTHS) {
        return NULL;
    }
    shape = shapes[depth][way];
    Py_XINCREF(shape);
    return shape;
}

/* The shape of ``doc`` (an exact dict holding ``count`` keys, one per element) is
 * remembered for ``depth`` in slot ``way``; any other document is skipped. */
void cb_shape_store(int depth, int way, PyObject *doc, Py_ssize_t count) {
    PyObject *shape, *key, *value;
    Py_ssize_t i = 0, n = 0;
    if (depth >= SHAPE_DEPTHS || !PyDict_CheckExact(doc) || count == 0
        || count > SHAPE_MAX_KEYS || PyDict_GET_SIZE(doc) != count) {
        return;
    }
    shape = PyTuple_New(count);
    if (shape == NULL) {
        PyErr_Clear();
        return;
    }
    while (PyDict_Next(doc, &i, &key, &value)) {
        if (!PyUnicode_CheckExact(key) || !PyUnicode_IS_ASCII(key) || n >= count) {
            Py_DECREF(shape);
            return;
        }
        PyTuple_SET_ITEM(shape, n++, Py_NewRef(key));
    }
    if (n != count) {
        Py_DECREF(shape);
        return;
    }
    Py_XSETREF(shapes[depth][way], shape);
}

/* A new dict with room for ``n`` keys without resizing. */
PyObject *cb_dict_presized(Py_ssize_t n) {
#if PY_VERSION_HEX < 0x030D0000
    return _PyDict_NewPresized(n);
#else
    return PyDict_New();
#endif
}
