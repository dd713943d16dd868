"""Writers for the BSON element types that hold no nested documents.

Each ``_write_*(buf, name, value, check_keys, state)`` appends one element (type byte,
``name`` with its NUL, value) to ``buf``; :mod:`bson._encode` dispatches to them by type.
"""
from __future__ import annotations

import datetime
import struct
from typing import Any

from bson.errors import InvalidDocument, InvalidStringData
from bson.regex import int_flags_to_str
from bson.tz_util import utc

_PACK_I32 = struct.Struct("<i").pack
_PACK_I64 = struct.Struct("<q").pack
_PACK_DOUBLE = struct.Struct("<d").pack
_PACK_TIMESTAMP = struct.Struct("<II").pack

EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
EPOCH_AWARE = datetime.datetime(1970, 1, 1, tzinfo=utc)
_INT32_MIN, _INT32_MAX = -(2 ** 31), 2 ** 31 - 1
_INT64_MIN, _INT64_MAX = -(2 ** 63), 2 ** 63 - 1


def _utf8(value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidStringData(f"strings in documents must be valid UTF-8: {value!r}") from None


def _write_int64(buf: bytearray, name: bytes, value: int) -> None:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise OverflowError(f"BSON can only handle up to 8-byte ints, not {value}")
    buf += b"\x12"
    buf += name
    buf += _PACK_I64(value)


def _write_str(buf, name, value, check_keys, state):
    data = _utf8(str(value))
    buf += b"\x02" + name + _PACK_I32(len(data) + 1) + data + b"\x00"


def _write_int(buf, name, value, check_keys, state):
    value = int(value)
    if _INT32_MIN <= value <= _INT32_MAX:
        buf += b"\x10" + name + _PACK_I32(value)
    else:
        _write_int64(buf, name, value)


def _write_int64_type(buf, name, value, check_keys, state):
    _write_int64(buf, name, int(value))


def _write_float(buf, name, value, check_keys, state):
    buf += b"\x01" + name + _PACK_DOUBLE(value)


def _write_bool(buf, name, value, check_keys, state):
    buf += b"\x08" + name + (b"\x01" if value else b"\x00")


def _write_none(buf, name, value, check_keys, state):
    buf += b"\x0a" + name


def _write_raw(buf, name, value, check_keys, state):
    buf += b"\x03" + name + value.raw


def _write_binary(buf, name, value, check_keys, state):
    subtype = value.subtype
    if subtype == 2:
        # The old binary subtype repeats the payload length inside the payload.
        buf += (b"\x05" + name + _PACK_I32(len(value) + 4) + b"\x02"
                + _PACK_I32(len(value)) + value)
    else:
        buf += b"\x05" + name + _PACK_I32(len(value)) + bytes((subtype,)) + value


def _write_bytes(buf, name, value, check_keys, state):
    buf += b"\x05" + name + _PACK_I32(len(value)) + b"\x00" + value


def _write_uuid(buf, name, value, check_keys, state):
    data = state.uuid_to_binary(value)
    buf += b"\x05" + name + _PACK_I32(len(data)) + bytes((state.uuid_subtype,)) + data


def _write_objectid(buf, name, value, check_keys, state):
    buf += b"\x07" + name + value.binary


def _write_datetime(buf, name, value, check_keys, state):
    if value.tzinfo is None or value.utcoffset() is None:
        delta = value - EPOCH_NAIVE
    else:
        delta = value - EPOCH_AWARE
    # Sub-millisecond precision is truncated toward the past, as the reference does.
    millis = delta.days * 86400000 + delta.seconds * 1000 + delta.microseconds // 1000
    buf += b"\x09" + name + _PACK_I64(millis)


def _write_datetime_ms(buf, name, value, check_keys, state):
    buf += b"\x09" + name + _PACK_I64(int(value))


def _regex_element(name: bytes, pattern: Any, flags: int) -> bytes:
    raw = _utf8(pattern) if isinstance(pattern, str) else bytes(pattern)
    if b"\x00" in raw:
        raise InvalidDocument(f"regex patterns must not contain the NULL byte: {pattern!r}")
    if not isinstance(pattern, str):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidStringData(
                f"strings in documents must be valid UTF-8: {pattern!r}") from None
    return b"\x0b" + name + raw + b"\x00" + int_flags_to_str(flags).encode() + b"\x00"


def _write_regex(buf, name, value, check_keys, state):
    buf += _regex_element(name, value.pattern, value.flags)


def _write_timestamp(buf, name, value, check_keys, state):
    buf += b"\x11" + name + _PACK_TIMESTAMP(value.inc, value.time)


def _write_decimal128(buf, name, value, check_keys, state):
    buf += b"\x13" + name + value.bid


def _write_min_key(buf, name, value, check_keys, state):
    buf += b"\xff" + name


def _write_max_key(buf, name, value, check_keys, state):
    buf += b"\x7f" + name
