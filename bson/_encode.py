"""The pure-Python BSON encoder.

Speed choices: values are dispatched on ``type(value)`` and the common types
(str, int, float, bool, None, dict, list) are written inline in the element loops, so
a plain document costs no function call per value; everything else goes through one
dict lookup.  Output is built in one ``bytearray`` with precompiled ``struct``
packers, and a document's length is patched in place once its end is known.  Encoded
keys are cached, since the same few keys recur across documents.
"""
from __future__ import annotations

import datetime
import re
import struct
import types
import uuid
from collections.abc import Mapping
from typing import Any, Callable, Dict

from bson.binary import Binary, UUIDLegacy
from bson.code import Code
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.decimal128 import Decimal128
from bson.errors import InvalidDocument, InvalidStringData
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex, int_flags_to_str
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import utc

_PACK_I32 = struct.Struct("<i").pack
_PACK_I32_INTO = struct.Struct("<i").pack_into
_PACK_I64 = struct.Struct("<q").pack
_PACK_DOUBLE = struct.Struct("<d").pack
_PACK_TIMESTAMP = struct.Struct("<II").pack

_EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
_EPOCH_AWARE = datetime.datetime(1970, 1, 1, tzinfo=utc)
_INT32_MIN, _INT32_MAX = -(2 ** 31), 2 ** 31 - 1
_INT64_MIN, _INT64_MAX = -(2 ** 63), 2 ** 63 - 1
_MAX_DOCUMENT_SIZE = 2 ** 31 - 1
_RE_TYPE = type(re.compile(""))

# Array keys b"0\x00", b"1\x00", ... for the first 1000 indexes.
_INDEX_KEYS = [str(i).encode() + b"\x00" for i in range(1000)]
_KEY_CACHE: Dict[str, bytes] = {}
_KEY_CACHE_LIMIT = 8192


def _key_bytes(key: Any) -> bytes:
    """Encoded element name with its NUL terminator; rejects non-str keys and NULs."""
    if not isinstance(key, str):
        raise InvalidDocument(f"documents must have only string keys, key was {key!r}")
    if "\x00" in key:
        raise InvalidDocument(f"key {key!r} must not contain null character")
    try:
        encoded = key.encode("utf-8") + b"\x00"
    except UnicodeEncodeError:
        raise InvalidStringData(f"key {key!r} is not valid UTF-8") from None
    if type(key) is str and len(_KEY_CACHE) < _KEY_CACHE_LIMIT:
        _KEY_CACHE[key] = encoded
    return encoded


def _check_key(key: str) -> None:
    if key.startswith("$"):
        raise InvalidDocument(f"key {key!r} must not start with '$'")
    if "." in key:
        raise InvalidDocument(f"key {key!r} must not contain '.'")


def _utf8(value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidStringData(f"strings in documents must be valid UTF-8: {value!r}") from None


def encode_document(doc: Any, check_keys: bool, state: Any) -> bytes:
    """BSON bytes for the top-level mapping ``doc``; TypeError if it is not a mapping."""
    if getattr(doc, "_type_marker", None) == 101:  # RawBSONDocument: already encoded
        return doc.raw
    if isinstance(doc, DBRef):  # a DBRef is a document; json_util.loads may return one
        doc = doc.as_doc()
    if not isinstance(doc, Mapping):
        raise TypeError(f"encoder expected a mapping type but got: {doc!r}")
    buf = bytearray()
    _write_document(buf, doc, check_keys, state, True)
    if len(buf) > _MAX_DOCUMENT_SIZE:
        raise InvalidDocument(f"document of {len(buf)} bytes exceeds the BSON maximum of "
                              f"{_MAX_DOCUMENT_SIZE} bytes")
    return bytes(buf)


def _write_document(buf: bytearray, doc: Any, check_keys: bool, state: Any,
                    top_level: bool = False) -> None:
    start = len(buf)
    buf += b"\x00\x00\x00\x00"
    key_cache = _KEY_CACHE
    pack_i32 = _PACK_I32
    # At top level "_id" goes first, as the server expects to find it there.
    skip_id = top_level and "_id" in doc
    if skip_id:
        _write_value(buf, b"_id\x00", doc["_id"], check_keys, state)
    for key, value in doc.items():
        if skip_id and key == "_id":
            continue
        name = key_cache.get(key) if type(key) is str else None
        if name is None:
            name = _key_bytes(key)
        if check_keys:
            _check_key(key)
        vtype = type(value)
        if vtype is str:
            data = _utf8(value)
            buf += b"\x02"
            buf += name
            buf += pack_i32(len(data) + 1)
            buf += data
            buf += b"\x00"
        elif vtype is int:
            if -2147483648 <= value <= 2147483647:
                buf += b"\x10"
                buf += name
                buf += pack_i32(value)
            else:
                _write_int64(buf, name, value)
        elif vtype is float:
            buf += b"\x01"
            buf += name
            buf += _PACK_DOUBLE(value)
        elif vtype is dict:
            buf += b"\x03"
            buf += name
            _write_document(buf, value, check_keys, state)
        elif vtype is list:
            buf += b"\x04"
            buf += name
            _write_array(buf, value, check_keys, state)
        elif vtype is bool:
            buf += b"\x08"
            buf += name
            buf += b"\x01" if value else b"\x00"
        elif value is None:
            buf += b"\x0a"
            buf += name
        else:
            _write_value(buf, name, value, check_keys, state)
    buf += b"\x00"
    _PACK_I32_INTO(buf, start, len(buf) - start)


def _write_array(buf: bytearray, values: Any, check_keys: bool, state: Any) -> None:
    start = len(buf)
    buf += b"\x00\x00\x00\x00"
    index_keys = _INDEX_KEYS
    pack_i32 = _PACK_I32
    for index, value in enumerate(values):
        name = index_keys[index] if index < 1000 else str(index).encode() + b"\x00"
        vtype = type(value)
        if vtype is str:
            data = _utf8(value)
            buf += b"\x02"
            buf += name
            buf += pack_i32(len(data) + 1)
            buf += data
            buf += b"\x00"
        elif vtype is int:
            if -2147483648 <= value <= 2147483647:
                buf += b"\x10"
                buf += name
                buf += pack_i32(value)
            else:
                _write_int64(buf, name, value)
        elif vtype is float:
            buf += b"\x01"
            buf += name
            buf += _PACK_DOUBLE(value)
        elif vtype is dict:
            buf += b"\x03"
            buf += name
            _write_document(buf, value, check_keys, state)
        else:
            _write_value(buf, name, value, check_keys, state)
    buf += b"\x00"
    _PACK_I32_INTO(buf, start, len(buf) - start)


def _write_int64(buf: bytearray, name: bytes, value: int) -> None:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise OverflowError(f"BSON can only handle up to 8-byte ints, not {value}")
    buf += b"\x12"
    buf += name
    buf += _PACK_I64(value)


def _write_value(buf: bytearray, name: bytes, value: Any, check_keys: bool, state: Any) -> None:
    """Write one element of any type: built-in exact type, then custom exact type, then
    built-in by ``_type_marker``/isinstance, then custom by isinstance."""
    writer = _WRITERS.get(type(value))
    if writer is not None:
        writer(buf, name, value, check_keys, state)
        return
    custom = state.custom_encoders
    if custom is not None and type(value) in custom:
        _write_custom(buf, name, value, custom[type(value)], check_keys, state)
        return
    writer = _fallback_writer(value)
    if writer is not None:
        writer(buf, name, value, check_keys, state)
        return
    if custom is not None and isinstance(value, state.custom_types):
        for python_type, codec in custom.items():
            if isinstance(value, python_type):
                _write_custom(buf, name, value, codec, check_keys, state)
                return
    raise InvalidDocument(f"cannot encode object: {value!r}, of type: {type(value)!r}")


def _write_custom(buf: bytearray, name: bytes, value: Any, codec: Any, check_keys: bool,
                  state: Any) -> None:
    encoded = codec.encode(value)
    if type(encoded) is type(value):
        raise InvalidDocument(f"type codec {codec.name!r} returned a {type(value)!r} "
                              "unchanged; it must return a BSON-encodable value")
    _write_value(buf, name, encoded, check_keys, state)


_MARKER_TYPES: Dict[int, type] = {
    5: Binary, 7: ObjectId, 9: DatetimeMS, 11: Regex, 13: Code, 17: Timestamp, 18: Int64,
    19: Decimal128, 100: DBRef, 101: dict, 127: MaxKey, 255: MinKey,
}


def _fallback_writer(value: Any) -> Any:
    """Writer for subclasses and duck-typed values (by ``_type_marker``), or None."""
    marker = getattr(value, "_type_marker", None)
    if marker == 101:
        return _write_raw
    if marker in _MARKER_TYPES and isinstance(value, _MARKER_TYPES[marker]):
        return _WRITERS[_MARKER_TYPES[marker]]
    for base, writer in _FALLBACKS:
        if isinstance(value, base):
            return writer
    return None


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


def _write_mapping(buf, name, value, check_keys, state):
    buf += b"\x03" + name
    _write_document(buf, value, check_keys, state)


def _write_raw(buf, name, value, check_keys, state):
    buf += b"\x03" + name + value.raw


def _write_list(buf, name, value, check_keys, state):
    buf += b"\x04" + name
    _write_array(buf, value, check_keys, state)


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
        delta = value - _EPOCH_NAIVE
    else:
        delta = value - _EPOCH_AWARE
    # Sub-millisecond precision is truncated toward the past, as the reference does.
    millis = delta.days * 86400000 + delta.seconds * 1000 + delta.microseconds // 1000
    buf += b"\x09" + name + _PACK_I64(millis)


def _write_datetime_ms(buf, name, value, check_keys, state):
    buf += b"\x09" + name + _PACK_I64(int(value))


def _regex_element(name: bytes, pattern: Any, flags: int) -> bytes:
    raw = _utf8(pattern) if isinstance(pattern, str) else bytes(pattern)
    if b"\x00" in raw:
        raise InvalidDocument(f"regex patterns must not contain the NULL byte: {pattern!r}")
    return b"\x0b" + name + raw + b"\x00" + int_flags_to_str(flags).encode() + b"\x00"


def _write_regex(buf, name, value, check_keys, state):
    buf += _regex_element(name, value.pattern, value.flags)


def _write_code(buf, name, value, check_keys, state):
    data = _utf8(str(value))
    if value.scope is None:
        buf += b"\x0d" + name + _PACK_I32(len(data) + 1) + data + b"\x00"
        return
    buf += b"\x0f" + name
    start = len(buf)
    buf += b"\x00\x00\x00\x00" + _PACK_I32(len(data) + 1) + data + b"\x00"
    _write_document(buf, value.scope, False, state)
    _PACK_I32_INTO(buf, start, len(buf) - start)


def _write_dbref(buf, name, value, check_keys, state):
    buf += b"\x03" + name
    _write_document(buf, value.as_doc(), False, state)


def _write_timestamp(buf, name, value, check_keys, state):
    buf += b"\x11" + name + _PACK_TIMESTAMP(value.inc, value.time)


def _write_decimal128(buf, name, value, check_keys, state):
    buf += b"\x13" + name + value.bid


def _write_min_key(buf, name, value, check_keys, state):
    buf += b"\xff" + name


def _write_max_key(buf, name, value, check_keys, state):
    buf += b"\x7f" + name


_WRITERS: Dict[type, Callable[..., None]] = {
    str: _write_str, int: _write_int, Int64: _write_int64_type, float: _write_float,
    bool: _write_bool, type(None): _write_none, dict: _write_mapping, SON: _write_mapping,
    list: _write_list, tuple: _write_list, types.GeneratorType: _write_list,
    Binary: _write_binary, UUIDLegacy: _write_binary, bytes: _write_bytes,
    uuid.UUID: _write_uuid, ObjectId: _write_objectid, datetime.datetime: _write_datetime,
    DatetimeMS: _write_datetime_ms, Regex: _write_regex, _RE_TYPE: _write_regex,
    Code: _write_code, DBRef: _write_dbref, Timestamp: _write_timestamp,
    Decimal128: _write_decimal128, MinKey: _write_min_key, MaxKey: _write_max_key,
}

# isinstance fallbacks, most specific first (bool before int; Code before str; ...).
_FALLBACKS = (
    (bool, _write_bool), (Int64, _write_int64_type), (int, _write_int), (float, _write_float),
    (Code, _write_code), (str, _write_str), (Binary, _write_binary), (bytes, _write_bytes),
    (Mapping, _write_mapping), (list, _write_list), (tuple, _write_list),
    (datetime.datetime, _write_datetime), (uuid.UUID, _write_uuid),
)
