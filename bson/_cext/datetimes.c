/* BSON datetimes (int64 milliseconds since the epoch) to and from datetime.datetime.
 *
 * Calendar arithmetic is done on integers (the proleptic Gregorian "days from civil"
 * formulas), so no timedelta objects are built.  Values outside datetime's years
 * 1-9999 decode to DatetimeMS, as bson/_decode.py does.
 */
#include "cbson.h"
#include <datetime.h>

/* 0001-01-01T00:00:00.000 and 9999-12-31T23:59:59.999 in ms since 1970-01-01. */
#define CB_MIN_MILLIS (-62135596800000LL)
#define CB_MAX_MILLIS 253402300799999LL
#define MS_PER_DAY 86400000LL

int cb_datetime_init(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return -1;
    }
    G.DatetimeType = (PyObject *)PyDateTimeAPI->DateTimeType;
    Py_INCREF(G.DatetimeType);
    return 0;
}

/* Days from 1970-01-01 to year-month-day. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse: year-month-day of a day count from 1970-01-01. */
static void civil_from_days(int64_t z, int *y, int *m, int *d) {
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* ``value - EPOCH`` in whole milliseconds, truncated toward the past (_write_datetime):
 * naive values as they are, aware ones shifted by utcoffset(). */
int cb_write_datetime(cb_buffer *buf, const char *name, Py_ssize_t nlen, PyObject *value) {
    int64_t millis;
    if (cb_datetime_millis(value, &millis) < 0 || cb_header(buf, 0x09, name, nlen, 8) < 0) {
        return -1;
    }
    cb_put_u64(buf->data + buf->len, (uint64_t)millis);
    buf->len += 8;
    return 0;
}

static PyObject *datetime_ms(int64_t millis) {
    PyObject *result, *as_int = PyLong_FromLongLong(millis);
    if (as_int == NULL) {
        return NULL;
    }
    result = PyObject_CallOneArg(G.DatetimeMS, as_int);
    Py_DECREF(as_int);
    return result;
}

/* bson/_decode.py _datetime: naive UTC, or aware in ``tzinfo``; DatetimeMS when the
 * instant (after the tzinfo conversion) is outside datetime's range. */
PyObject *cb_make_datetime(int64_t millis, cb_state *st) {
    int64_t days, rem;
    int y, m, d;
    PyObject *utc_value, *converted;
    if (millis < CB_MIN_MILLIS || millis > CB_MAX_MILLIS) {
        return datetime_ms(millis);
    }
    days = floor_div(millis, MS_PER_DAY);
    rem = millis - days * MS_PER_DAY;
    civil_from_days(days, &y, &m, &d);
    utc_value = PyDateTimeAPI->DateTime_FromDateAndTime(
        y, m, d, (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
        (int)(rem % 1000) * 1000, st->tz_aware ? G.utc : Py_None, PyDateTimeAPI->DateTimeType);
    if (utc_value == NULL || !st->tz_aware || st->tzinfo == NULL) {
        return utc_value;
    }
    converted = PyObject_CallMethodOneArg(utc_value, G.s_astimezone, st->tzinfo);
    Py_DECREF(utc_value);
    if (converted == NULL && PyErr_ExceptionMatches(PyExc_OverflowError)) {
        PyErr_Clear();
        return datetime_ms(millis);
    }
    return converted;
}

/* A UTC time of day as the options want it: naive, aware in UTC, or converted to
 * their tzinfo (bson/_json_decode.py _localize). */
PyObject *cb_make_utc_datetime(int year, int month, int day, int hour, int minute, int second,
                               int micros, cb_state *st) {
    PyObject *aware, *converted;
    aware = PyDateTimeAPI->DateTime_FromDateAndTime(
        year, month, day, hour, minute, second, micros, st->tz_aware ? G.utc : Py_None,
        PyDateTimeAPI->DateTimeType);
    if (aware == NULL || !st->tz_aware || st->tzinfo == NULL) {
        return aware;
    }
    converted = PyObject_CallMethodOneArg(aware, G.s_astimezone, st->tzinfo);
    Py_DECREF(aware);
    return converted;
}

/* A datetime's milliseconds since the epoch (naive: UTC), as bson/_json_encode.py
 * _millis computes them: the UTC offset subtracted, then floored to milliseconds. */
int cb_datetime_millis(PyObject *value, int64_t *millis) {
    int64_t days, micros;
    PyObject *tz, *offset;
    days = days_from_civil(PyDateTime_GET_YEAR(value), PyDateTime_GET_MONTH(value),
                           PyDateTime_GET_DAY(value));
    micros = ((days * 86400 + PyDateTime_DATE_GET_HOUR(value) * 3600
               + PyDateTime_DATE_GET_MINUTE(value) * 60 + PyDateTime_DATE_GET_SECOND(value))
              * 1000000LL) + PyDateTime_DATE_GET_MICROSECOND(value);
#if PY_VERSION_HEX >= 0x030A0000
    tz = PyDateTime_DATE_GET_TZINFO(value);
#else
    tz = PyObject_GetAttr(value, G.s_tzinfo);
    if (tz == NULL) {
        return -1;
    }
    Py_DECREF(tz);  /* still held by the datetime; only compared with None below */
#endif
    if (tz != Py_None) {
        offset = PyObject_CallMethodNoArgs(value, G.s_utcoffset);
        if (offset == NULL) {
            return -1;
        }
        if (offset != Py_None) {
            if (!PyDelta_Check(offset)) {  /* a subclass's own utcoffset() may return anything */
                PyErr_SetString(PyExc_TypeError, "utcoffset() must return a timedelta");
                Py_DECREF(offset);
                return -1;
            }
            micros -= ((int64_t)PyDateTime_DELTA_GET_DAYS(offset) * 86400
                       + PyDateTime_DELTA_GET_SECONDS(offset)) * 1000000LL
                      + PyDateTime_DELTA_GET_MICROSECONDS(offset);
        }
        Py_DECREF(offset);
    }
    *millis = floor_div(micros, 1000);
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.mmm]Z" for 0 <= millis <= year 9999 (bson/_json_encode.py
 * _iso_utc); returns the length written (at most 24). */
int cb_format_iso_millis(int64_t millis, char *out) {
    int64_t days = floor_div(millis, MS_PER_DAY), rem = millis - days * MS_PER_DAY;
    int y, m, d, n;
    civil_from_days(days, &y, &m, &d);
    n = snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(rem / 3600000),
                 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60));
    if (rem % 1000) {
        n += snprintf(out + n, 8, ".%03d", (int)(rem % 1000));
    }
    out[n++] = 'Z';
    return n;
}
