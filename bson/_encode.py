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
import uuid
from collections.abc import Mapping
from typing import Any, Callable, Dict

from bson._encode_scalars import (
    _write_binary,
    _write_bool,
    _write_bytes,
    _write_datetime,
    _write_datetime_ms,
    _write_decimal128,
    _write_float,
    _write_int,
    _write_int64,
    _write_int64_type,
    _write_max_key,
    _write_min_key,
    _write_none,
    _write_objectid,
    _write_raw,
    _write_regex,
    _write_str,
    _write_timestamp,
    _write_uuid,
)
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
from bson.regex import Regex
from bson.son import SON
from bson.timestamp import Timestamp

_PACK_I32 = struct.Struct("<i").pack
_PACK_I32_INTO = struct.Struct("<i").pack_into
_PACK_I64 = struct.Struct("<q").pack
_PACK_DOUBLE = struct.Struct("<d").pack

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


def encode_document(doc: Any, check_keys: bool, state: Any) -> Any:
    """BSON for the top-level mapping ``doc`` (bytes or bytearray).

    TypeError if ``doc`` is not a mapping, InvalidDocument/InvalidStringData for
    values that cannot be encoded, OverflowError for integers beyond int64.
    """
    if getattr(doc, "_type_marker", None) == 101:  # RawBSONDocument: already encoded
        return doc.raw
    if isinstance(doc, DBRef):  # a DBRef is a document; json_util.loads may return one
        doc = doc.as_doc()
    if not isinstance(doc, Mapping):
        raise TypeError(f"encoder expected a mapping type but got: {doc!r}")
    buf = bytearray()
    try:
        _write_document(buf, doc, check_keys, state, True)
    except struct.error as exc:
        # Only out-of-range integers (e.g. an Int64 built from a huge int) get here.
        raise OverflowError(f"BSON can only handle up to 8-byte ints: {exc}") from None
    except UnicodeEncodeError as exc:
        raise InvalidStringData(
            f"strings in documents must be valid UTF-8: {exc.object!r}") from None
    except RecursionError:
        raise InvalidDocument("document is nested too deeply or contains itself") from None
    if len(buf) > _MAX_DOCUMENT_SIZE:
        raise InvalidDocument(f"document of {len(buf)} bytes exceeds the BSON maximum of "
                              f"{_MAX_DOCUMENT_SIZE} bytes")
    return buf


def _write_document(buf: bytearray, doc: Any, check_keys: bool, state: Any,
                    top_level: bool = False) -> None:
    start = len(buf)
    buf += b"\x00\x00\x00\x00"
    key_cache = _KEY_CACHE
    writers = _WRITERS
    pack_i32 = _PACK_I32
    # At top level "_id" goes first, as the server expects to find it there.
    skip_id = top_level and "_id" in doc
    if skip_id:
        _write_value(buf, b"_id\x00", doc["_id"], check_keys, state)
    for key, value in doc.items():
        if skip_id and key == "_id":
            continue
        try:
            # Only str keys are ever cached, so a hit is a validated, encoded str key.
            name = key_cache[key]
        except (KeyError, TypeError):
            name = _key_bytes(key)
        if check_keys:
            _check_key(key)
        vtype = type(value)
        if vtype is str:
            # A lone surrogate raises UnicodeEncodeError, reported by encode_document.
            data = value.encode()
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
        elif vtype is Int64:
            buf += b"\x12"
            buf += name
            buf += _PACK_I64(value)
        elif vtype is ObjectId:
            buf += b"\x07"
            buf += name
            buf += value.binary
        else:
            writer = writers.get(vtype)
            if writer is None:
                _write_value(buf, name, value, check_keys, state)
            else:
                writer(buf, name, value, check_keys, state)
    buf += b"\x00"
    _PACK_I32_INTO(buf, start, len(buf) - start)


def _write_array(buf: bytearray, values: Any, check_keys: bool, state: Any) -> None:
    # The common-type branches repeat _write_document's on purpose: a shared helper costs
    # a call per element, about a fifth of the pure-Python encoder's speed.
    start = len(buf)
    buf += b"\x00\x00\x00\x00"
    index_keys = _INDEX_KEYS
    writers = _WRITERS
    pack_i32 = _PACK_I32
    for index, value in enumerate(values):
        name = index_keys[index] if index < 1000 else str(index).encode() + b"\x00"
        vtype = type(value)
        if vtype is str:
            # A lone surrogate raises UnicodeEncodeError, reported by encode_document.
            data = value.encode()
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
            writer = writers.get(vtype)
            if writer is None:
                _write_value(buf, name, value, check_keys, state)
            else:
                writer(buf, name, value, check_keys, state)
    buf += b"\x00"
    _PACK_I32_INTO(buf, start, len(buf) - start)


# What a value already went through, so each transform applies at most once to it.
_DONE_TYPE_ENCODER = 1
_DONE_FALLBACK = 2


def _write_value(buf: bytearray, name: bytes, value: Any, check_keys: bool, state: Any,
                 done: int = 0) -> None:
    """Write one element of any type: built-in exact type, then the type encoder of its
    exact type, then built-in by ``_type_marker``/isinstance, then the fallback encoder.

    A type encoder's result is not offered to type encoders again, nor a fallback
    encoder's result to the fallback encoder (``done``).  Trying the type encoder before
    the isinstance checks is only quicker: it never claims a built-in type's subclass.
    """
    writer = _WRITERS.get(type(value))
    if writer is not None:
        writer(buf, name, value, check_keys, state)
        return
    custom = state.custom_encoders
    if custom is not None and not done & _DONE_TYPE_ENCODER:
        transform = custom.get(type(value))
        if transform is not None:
            _write_value(buf, name, transform(value), check_keys, state,
                         done | _DONE_TYPE_ENCODER)
            return
    writer = _fallback_writer(value)
    if writer is not None:
        writer(buf, name, value, check_keys, state)
        return
    fallback = state.fallback_encoder
    if fallback is not None and not done & _DONE_FALLBACK:
        _write_value(buf, name, fallback(value), check_keys, state, done | _DONE_FALLBACK)
        return
    raise InvalidDocument(f"cannot encode object: {value!r}, of type: {type(value)!r}")


_MARKER_TYPES: Dict[int, type] = {
    5: Binary, 7: ObjectId, 9: DatetimeMS, 11: Regex, 13: Code, 17: Timestamp, 18: Int64,
    19: Decimal128, 100: DBRef, 101: dict, 127: MaxKey, 255: MinKey,
}


def _fallback_writer(value: Any) -> Any:
    """Writer for a subclass of a built-in type (found by ``_type_marker``), or None."""
    marker = getattr(value, "_type_marker", None)
    if marker == 101:
        return _write_raw
    if marker in _MARKER_TYPES and isinstance(value, _MARKER_TYPES[marker]):
        return _WRITERS[_MARKER_TYPES[marker]]
    for base, writer in _FALLBACKS:
        if isinstance(value, base):
            return writer
    return None


def _write_mapping(buf, name, value, check_keys, state):
    buf += b"\x03" + name
    _write_document(buf, value, check_keys, state)


def _write_list(buf, name, value, check_keys, state):
    buf += b"\x04" + name
    _write_array(buf, value, check_keys, state)


def _write_code(buf, name, value, check_keys, state):
    data = value.encode()  # str.encode on the Code itself: no intermediate str copy
    scope = value.scope
    if scope is None:
        buf += b"\x0d" + name + _PACK_I32(len(data) + 1) + data + b"\x00"
        return
    buf += b"\x0f" + name
    start = len(buf)
    buf += b"\x00\x00\x00\x00" + _PACK_I32(len(data) + 1) + data + b"\x00"
    _write_document(buf, scope, False, state)
    _PACK_I32_INTO(buf, start, len(buf) - start)


def _write_dbref(buf, name, value, check_keys, state):
    buf += b"\x03" + name
    _write_document(buf, value.as_doc(), False, state)


_WRITERS: Dict[type, Callable[..., None]] = {
    str: _write_str, int: _write_int, Int64: _write_int64_type, float: _write_float,
    bool: _write_bool, type(None): _write_none, dict: _write_mapping, SON: _write_mapping,
    list: _write_list, tuple: _write_list,
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

# Every class the encoder writes natively: no type encoder may claim one or a subclass.
NATIVE_TYPES = tuple(dict.fromkeys([*_WRITERS, *(base for base, _ in _FALLBACKS)]))
