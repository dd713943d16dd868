/* JSON strings and numbers for the compiled Extended JSON reader, read as json.loads
 * reads them (strict mode: no control characters inside strings).
 *
 * A string without escapes is a substring of the text.  One with escapes is measured
 * first (its length and widest character), then written.  A \u escape of a surrogate
 * is left to the Python path (it pairs surrogates, or keeps a lone one).
 */
#include "cjson.h"

static int hex_value(Py_UCS4 c) {
    if (c >= '0' && c <= '9') {
        return (int)(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return (int)(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
        return (int)(c - 'A' + 10);
    }
    return -1;
}

/* The escape at ``i`` (just after the backslash): the character it stands for, the
 * characters it spans in ``*span``; -1 when it is not one the reader takes. */
static long escape_at(cj_reader *r, Py_ssize_t i, Py_ssize_t *span) {
    Py_UCS4 c;
    long code = 0;
    int k, h;
    if (i >= r->len) {
        return -1;
    }
    c = CJ_CH(r, i);
    *span = 1;
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u':
        if (r->len - i < 5) {
            return -1;
        }
        for (k = 1; k <= 4; k++) {
            h = hex_value(CJ_CH(r, i + k));
            if (h < 0) {
                return -1;
            }
            code = code * 16 + h;
        }
        if (code >= 0xD800 && code <= 0xDFFF) {
            return -1;
        }
        *span = 5;
        return code;
    default:
        return -1;
    }
}

/* The string whose opening quote is at r->pos; r->pos moves past its closing quote.
 * An ASCII key (``as_key``) comes from the decoder's key cache. */
PyObject *cj_string(cj_reader *r, int as_key) {
    Py_ssize_t start = r->pos + 1, i = start, n = 0, span, end;
    Py_UCS4 c, maxchar = 0;
    int escapes = 0;
    long e;
    PyObject *s;
    if (r->kind == PyUnicode_1BYTE_KIND) {
        /* The common case: plain ASCII up to the closing quote. */
        const unsigned char *p = (const unsigned char *)r->data;
        /* Eight bytes at a time while none is a quote, a backslash, a control
         * character or non-ASCII (the usual bit tricks for "has a byte equal to" and
         * "has a byte less than"). */
        const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
        uint64_t w, special;
        while (r->len - i >= 8) {
            memcpy(&w, p + i, 8);
            special = ((w ^ (ones * '"')) - ones) & ~(w ^ (ones * '"'));
            special |= ((w ^ (ones * '\\')) - ones) & ~(w ^ (ones * '\\'));
            special |= (w - ones * 0x20) & ~w;
            if ((special | w) & highs) {
                break;
            }
            i += 8;
        }
        while (i < r->len && p[i] != '"' && p[i] != '\\' && p[i] >= 0x20 && p[i] < 0x80) {
            i++;
        }
        if (i < r->len && p[i] == '"') {
            r->pos = i + 1;
            if (as_key) {
                return cb_decode_key(p + start, i - start, r->st);
            }
            s = PyUnicode_New(i - start, 127);
            if (s != NULL) {
                memcpy(PyUnicode_1BYTE_DATA(s), p + start, (size_t)(i - start));
            }
            return s;
        }
        n = i - start;
        maxchar = n > 0 ? 127 : 0;
    }
    /* Pass one: find the closing quote, check, and measure. */
    for (;;) {
        if (i >= r->len) {
            return cj_give_up(r);
        }
        c = CJ_CH(r, i);
        if (c == '"') {
            break;
        }
        if (c < 0x20) {
            return cj_give_up(r);
        }
        if (c == '\\') {
            e = escape_at(r, i + 1, &span);
            if (e < 0) {
                return cj_give_up(r);
            }
            escapes = 1;
            c = (Py_UCS4)e;
            i += 1 + span;
        } else {
            i++;
        }
        if (c > maxchar) {
            maxchar = c;
        }
        n++;
    }
    end = i;
    r->pos = end + 1;
    if (!escapes) {
        if (r->kind == PyUnicode_1BYTE_KIND && maxchar < 128) {
            s = PyUnicode_New(n, 127);
            if (s != NULL) {
                memcpy(PyUnicode_1BYTE_DATA(s), (const char *)r->data + start, (size_t)n);
            }
            return s;
        }
        return PyUnicode_Substring(r->text, start, end);
    }
    /* Pass two: write the characters. */
    s = PyUnicode_New(n, maxchar);
    if (s == NULL) {
        return NULL;
    }
    {
        int okind = PyUnicode_KIND(s);
        void *odata = PyUnicode_DATA(s);
        Py_ssize_t o = 0;
        for (i = start; i < end;) {
            c = CJ_CH(r, i);
            if (c == '\\') {
                c = (Py_UCS4)escape_at(r, i + 1, &span);
                i += 1 + span;
            } else {
                i++;
            }
            PyUnicode_WRITE(okind, odata, o, c);
            o++;
        }
    }
    return s;
}

static int is_digit_at(cj_reader *r, Py_ssize_t i) {
    Py_UCS4 c;
    if (i >= r->len) {
        return 0;
    }
    c = CJ_CH(r, i);
    return c >= '0' && c <= '9';
}

/* The number at r->pos (json's -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?):
 * an int, or a float when it has a fraction or an exponent. */
PyObject *cj_number(cj_reader *r) {
    Py_ssize_t i = r->pos, start = r->pos, digits = 0, k;
    int is_float = 0, negative = 0;
    char buf[64];
    if (CJ_CH(r, i) == '-') {
        negative = 1;
        i++;
    }
    if (!is_digit_at(r, i)) {
        return cj_give_up(r);  /* -Infinity, or not a number */
    }
    if (CJ_CH(r, i) == '0') {
        i++;
        digits = 1;
    } else {
        while (is_digit_at(r, i)) {
            i++;
            digits++;
        }
    }
    if (i < r->len && CJ_CH(r, i) == '.' && is_digit_at(r, i + 1)) {
        is_float = 1;
        i += 2;
        while (is_digit_at(r, i)) {
            i++;
        }
    }
    if (i < r->len && (CJ_CH(r, i) == 'e' || CJ_CH(r, i) == 'E')) {
        k = i + 1;
        if (k < r->len && (CJ_CH(r, k) == '-' || CJ_CH(r, k) == '+')) {
            k++;
        }
        if (is_digit_at(r, k)) {
            is_float = 1;
            i = k;
            while (is_digit_at(r, i)) {
                i++;
            }
        }
    }
    r->pos = i;
    if (!is_float && digits <= 19) {
        uint64_t value = 0;  /* 19 digits fit */
        for (k = start + negative; k < i; k++) {
            value = value * 10 + (uint64_t)(CJ_CH(r, k) - '0');
        }
        if (value <= (uint64_t)INT64_MAX) {
            return PyLong_FromLongLong(negative ? -(long long)value : (long long)value);
        }
    }
    if (i - start >= (Py_ssize_t)sizeof(buf)) {
        return cj_give_up(r);
    }
    for (k = start; k < i; k++) {
        buf[k - start] = (char)CJ_CH(r, k);
    }
    buf[i - start] = 0;
    if (!is_float) {
        return PyLong_FromString(buf, NULL, 10);
    }
    {
        double d = PyOS_string_to_double(buf, NULL, NULL);
        if (d == -1.0 && PyErr_Occurred()) {
            return NULL;
        }
        return PyFloat_FromDouble(d);
    }
}
