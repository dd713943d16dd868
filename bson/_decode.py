"""The pure-Python BSON decoder.

Speed choices: one loop reads a document's elements by index into the input ``bytes``
(no copies except the slices a value needs), with the common types decoded inline and
the rest through a table indexed by type byte.  Bounds are checked where a length is
read; fixed-size values may run past a document's end, which the loop's final position
check turns into InvalidBSON.  Malformed input raises InvalidBSON; the public entry
points in :mod:`bson` also convert any low-level error (struct, index, UTF-8) into it.

Dates outside ``datetime``'s range (years 1-9999, after any ``tzinfo`` conversion)
decode to :class:`bson.datetime_ms.DatetimeMS`, so every valid document decodes and
re-encodes to the same bytes.
"""
from __future__ import annotations

import datetime
import struct
import uuid
from typing import Any, Callable, Dict, Tuple

from bson.binary import Binary
from bson.code import Code
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.dbref import _from_document as _maybe_dbref  # also the C decoder's
from bson.decimal128 import Decimal128
from bson.errors import InvalidBSON
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.timestamp import Timestamp
from bson.tz_util import utc

_UNPACK_I32 = struct.Struct("<i").unpack_from
_UNPACK_I64 = struct.Struct("<q").unpack_from
_UNPACK_DOUBLE = struct.Struct("<d").unpack_from
_UNPACK_TIMESTAMP = struct.Struct("<II").unpack_from
_UNPACK_BID = struct.Struct("<QQ").unpack_from

_EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
_EPOCH_AWARE = datetime.datetime(1970, 1, 1, tzinfo=utc)
_timedelta = datetime.timedelta
_new_object_id = ObjectId.__new__
_set_object_id = ObjectId._ObjectId__id.__set__  # type: ignore[attr-defined]
_new_str = str.__new__
_new_timestamp = Timestamp.__new__
_set_ts_time = Timestamp._Timestamp__time.__set__  # type: ignore[attr-defined]
_set_ts_inc = Timestamp._Timestamp__inc.__set__  # type: ignore[attr-defined]
_MIN_KEY = MinKey()
_MAX_KEY = MaxKey()


def _bad(message: str) -> InvalidBSON:
    return InvalidBSON(message)


def decode_elements(data: bytes, pos: int, end: int, state: Any, doc: Any = None) -> Any:
    """Decode the elements in ``data[pos:end]`` (``end`` is the document's NUL) into
    ``doc`` if given, else into a new ``state.document_class``."""
    if doc is None:
        doc = {} if state.is_dict else state.document_class()
    errors = state.errors
    strict = errors == "strict"
    index = data.index
    unpack_i32 = _UNPACK_I32
    while pos < end:
        kind = data[pos]
        key_end = index(0, pos + 1, end)
        # decode() without arguments is much quicker than passing ("utf-8", errors).
        key = (data[pos + 1:key_end].decode() if strict
               else data[pos + 1:key_end].decode("utf-8", errors))
        pos = key_end + 1
        # The common types inline (no call per value); the same chain is in _decode_array.
        if kind == 2:
            length = unpack_i32(data, pos)[0]
            stop = pos + 3 + length
            if length < 1 or stop >= end or data[stop]:
                raise _bad("invalid string length or missing NUL terminator")
            doc[key] = (data[pos + 4:stop].decode() if strict
                        else data[pos + 4:stop].decode("utf-8", errors))
            pos = stop + 1
        elif kind == 16:
            doc[key] = unpack_i32(data, pos)[0]
            pos += 4
        elif kind == 1:
            doc[key] = _UNPACK_DOUBLE(data, pos)[0]
            pos += 8
        elif kind == 3:
            length = unpack_i32(data, pos)[0]
            stop = pos + length - 1
            if length < 5 or stop >= end or data[stop]:
                raise _bad("invalid embedded document length")
            if state.is_raw:
                value = state.document_class(data[pos:stop + 1], state.options)
            else:
                value = decode_elements(data, pos + 4, stop, state)
                if "$ref" in value:
                    value = _maybe_dbref(value)
            doc[key] = value
            pos = stop + 1
        elif kind == 4:
            length = unpack_i32(data, pos)[0]
            stop = pos + length - 1
            if length < 5 or stop >= end or data[stop]:
                raise _bad("invalid array length")
            doc[key] = _decode_array(data, pos + 4, stop, state)
            pos = stop + 1
        elif kind == 8:
            flag = data[pos]
            if flag > 1:
                raise _bad(f"invalid boolean value {flag}, must be 0 or 1")
            doc[key] = flag == 1
            pos += 1
        elif kind == 10:
            doc[key] = None
        elif kind == 18:
            doc[key] = Int64(_UNPACK_I64(data, pos)[0])
            pos += 8
        elif kind == 7:
            value = _new_object_id(ObjectId)
            _set_object_id(value, data[pos:pos + 12])
            doc[key] = value
            pos += 12
        elif kind == 9:
            doc[key] = _datetime(_UNPACK_I64(data, pos)[0], state)
            pos += 8
        else:
            reader = _READERS.get(kind)
            if reader is None:
                raise _bad(f"detected unknown BSON type {kind:#04x} for field {key!r}")
            doc[key], pos = reader(data, pos, end, state)
    if pos != end:
        raise _bad("element data runs past the end of its document")
    # Type decoders run once per document (not per element) to keep the loop lean.
    if state.type_decoders is not None:
        _transform_values(doc, state.type_decoders)
    return doc


def _decode_array(data: bytes, pos: int, end: int, state: Any) -> list:
    """Decode array elements in ``data[pos:end]``; keys are skipped, not checked."""
    out: list = []
    append = out.append
    errors = state.errors
    strict = errors == "strict"
    index = data.index
    unpack_i32 = _UNPACK_I32
    while pos < end:
        kind = data[pos]
        pos = index(0, pos + 1, end) + 1
        if kind == 2:
            length = unpack_i32(data, pos)[0]
            stop = pos + 3 + length
            if length < 1 or stop >= end or data[stop]:
                raise _bad("invalid string length or missing NUL terminator")
            append(data[pos + 4:stop].decode() if strict
                   else data[pos + 4:stop].decode("utf-8", errors))
            pos = stop + 1
        elif kind == 16:
            append(unpack_i32(data, pos)[0])
            pos += 4
        elif kind == 1:
            append(_UNPACK_DOUBLE(data, pos)[0])
            pos += 8
        elif kind == 3 or kind == 4:
            length = unpack_i32(data, pos)[0]
            stop = pos + length - 1
            if length < 5 or stop >= end or data[stop]:
                raise _bad("invalid embedded document or array length")
            if kind == 4:
                value = _decode_array(data, pos + 4, stop, state)
            elif state.is_raw:
                value = state.document_class(data[pos:stop + 1], state.options)
            else:
                value = decode_elements(data, pos + 4, stop, state)
                if "$ref" in value:
                    value = _maybe_dbref(value)
            append(value)
            pos = stop + 1
        else:
            reader = _ARRAY_READERS.get(kind)
            if reader is None:
                raise _bad(f"detected unknown BSON type {kind:#04x} in an array")
            value, pos = reader(data, pos, end, state)
            append(value)
    if pos != end:
        raise _bad("element data runs past the end of its array")
    if state.type_decoders is not None:
        _transform_values(out, state.type_decoders)
    return out


def _transform_values(container: Any, decoders: Dict[Any, Callable[[Any], Any]]) -> None:
    """Apply the type decoders to a finished document's or array's values, in order."""
    if type(container) is list:
        for index, value in enumerate(container):
            transform = decoders.get(type(value))
            if transform is not None:
                container[index] = transform(value)
        return
    for key, value in list(container.items()):
        transform = decoders.get(type(value))
        if transform is not None:
            container[key] = transform(value)


def _datetime(millis: int, state: Any) -> Any:
    if state.tz_aware:
        return _aware_datetime(millis, state.tzinfo)
    try:
        return _EPOCH_NAIVE + _timedelta(0, 0, 0, millis)
    except OverflowError:
        return DatetimeMS(millis)


def _aware_datetime(millis: int, tzinfo: Any) -> Any:
    try:
        value = _EPOCH_AWARE + _timedelta(0, 0, 0, millis)
        return value.astimezone(tzinfo) if tzinfo is not None else value
    except OverflowError:
        return DatetimeMS(millis)


def _read_string(data: bytes, pos: int, end: int, state: Any) -> Tuple[str, int]:
    length = _UNPACK_I32(data, pos)[0]
    stop = pos + 3 + length
    if length < 1 or stop >= end or data[stop]:
        raise _bad("invalid string length or missing NUL terminator")
    return data[pos + 4:stop].decode("utf-8", state.errors), stop + 1


def _read_cstring(data: bytes, pos: int, end: int, state: Any) -> Tuple[str, int]:
    stop = data.index(0, pos, end)
    return data[pos:stop].decode("utf-8", state.errors), stop + 1


def _read_binary(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    length = _UNPACK_I32(data, pos)[0]
    subtype = data[pos + 4]
    start = pos + 5
    stop = start + length
    if length < 0 or stop > end:
        raise _bad(f"invalid binary length {length}")
    if subtype == 2:
        # Old binary: the payload repeats its own length, which must agree.
        if length < 4 or _UNPACK_I32(data, start)[0] != length - 4:
            raise _bad("invalid binary subtype 2: inner length does not match")
        start += 4
    payload = data[start:stop]
    if subtype == 0:
        return payload, stop
    # uuid_subtype 0 (UuidRepresentation.UNSPECIFIED): UUID subtypes stay Binary.
    if length == 16 and (subtype == 4 or subtype == 3) and state.uuid_subtype:
        if subtype == 3 and state.uuid_subtype == 3:
            return state.uuid_from_binary(payload), stop
        return uuid.UUID(bytes=payload), stop
    return Binary(payload, subtype), stop


def _read_undefined(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    return None, pos


def _read_regex(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    pattern, pos = _read_cstring(data, pos, end, state)
    flags, pos = _read_cstring(data, pos, end, state)
    return Regex(pattern, flags), pos


def _read_dbpointer(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    # Deprecated DBPointer decodes to the DBRef it stands for.
    collection, pos = _read_string(data, pos, end, state)
    if pos + 12 > end:
        raise _bad("DBPointer ObjectId is truncated")
    return DBRef(collection, ObjectId(data[pos:pos + 12])), pos + 12


def _read_code(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    code, pos = _read_string(data, pos, end, state)
    # Build without Code.__new__'s argument checks: the values are known good.
    value = _new_str(Code, code)
    value._Code__scope = None
    return value, pos


def _read_symbol(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    return _read_string(data, pos, end, state)


def _read_code_w_scope(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    total = _UNPACK_I32(data, pos)[0]
    stop = pos + total
    # int32 total + (int32 + at least NUL) code + at least an empty 5-byte scope
    if total < 14 or stop > end:
        raise _bad(f"invalid code-with-scope length {total}")
    code, scope_pos = _read_string(data, pos + 4, stop, state)
    scope_size = _UNPACK_I32(data, scope_pos)[0]
    if scope_size < 5 or scope_pos + scope_size != stop or data[stop - 1]:
        raise _bad("invalid code-with-scope: scope document does not fill the element")
    # The scope is a document of document_class, as 3.4 decoded it (raw stays raw).
    if state.is_raw:
        scope = state.document_class(data[scope_pos:stop], state.options)
    else:
        scope = decode_elements(data, scope_pos + 4, stop - 1, state)
    value = _new_str(Code, code)
    value._Code__scope = scope
    return value, stop


def _read_timestamp(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    inc, seconds = _UNPACK_TIMESTAMP(data, pos)
    value = _new_timestamp(Timestamp)
    _set_ts_time(value, seconds)
    _set_ts_inc(value, inc)
    return value, pos + 8


def _read_decimal128(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    low, high = _UNPACK_BID(data, pos)
    return Decimal128((high, low)), pos + 16


def _read_bool(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    flag = data[pos]
    if flag > 1:
        raise _bad(f"invalid boolean value {flag}, must be 0 or 1")
    return flag == 1, pos + 1


def _read_null(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    return None, pos


def _read_int64(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    return Int64(_UNPACK_I64(data, pos)[0]), pos + 8


def _read_object_id(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    value = _new_object_id(ObjectId)
    _set_object_id(value, data[pos:pos + 12])
    return value, pos + 12


def _read_datetime(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    return _datetime(_UNPACK_I64(data, pos)[0], state), pos + 8


def _read_min_key(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    return _MIN_KEY, pos


def _read_max_key(data: bytes, pos: int, end: int, state: Any) -> Tuple[Any, int]:
    return _MAX_KEY, pos


_READERS: Dict[int, Callable[[bytes, int, int, Any], Tuple[Any, int]]] = {
    5: _read_binary, 6: _read_undefined, 11: _read_regex, 12: _read_dbpointer,
    13: _read_code, 14: _read_symbol, 15: _read_code_w_scope, 17: _read_timestamp,
    19: _read_decimal128, 255: _read_min_key, 127: _read_max_key,
}
# Arrays inline fewer types; the rest of the document loop's inline types come from here.
_ARRAY_READERS = dict(_READERS)
_ARRAY_READERS.update({8: _read_bool, 10: _read_null, 18: _read_int64, 7: _read_object_id,
                       9: _read_datetime})


def read_document(data: bytes, pos: int, state: Any) -> Tuple[Any, int]:
    """Decode the top-level document starting at ``pos``; returns it and its end."""
    if len(data) - pos < 5:
        raise _bad(f"not enough data for a BSON document: {len(data) - pos} bytes, "
                   "at least 5 needed")
    size = _UNPACK_I32(data, pos)[0]
    stop = pos + size
    if size < 5 or stop > len(data):
        raise _bad(f"invalid document size {size} with {len(data) - pos} bytes available")
    if data[stop - 1]:
        raise _bad("bad EOO: document does not end with a NUL byte")
    if state.is_raw:
        return state.document_class(data[pos:stop], state.options), stop
    return decode_elements(data, pos + 4, stop - 1, state), stop
