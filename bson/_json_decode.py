"""Extended JSON wrappers (v2 canonical/relaxed and the 3.4 legacy forms) to BSON types.

:func:`convert_object` gets each JSON object after its members were converted (the
``object_pairs_hook`` runs innermost first), so nested wrappers such as ``$numberLong``
inside ``$date`` arrive already as BSON values.

With ``JSONMode.LEGACY`` options (the default) a wrapper's value is read as PyMongo 3.4
read it: ``{"$date": 1.5}``, ``{"$numberLong": 5}``, ``{"$minKey": true}``,
``{"$uuid": "{...}"}``, ``{"$binary": ..., "$type": 5}`` are accepted, and subtype 0
gives a :class:`~bson.binary.Binary`.  The Extended JSON v2 modes read values strictly.
In every mode a wrapper with fields besides its own is refused (3.4 dropped them).
"""
from __future__ import annotations

import base64
import binascii
import datetime
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any, Callable, Dict

from bson import _c_codec
from bson.binary import Binary, UuidRepresentation
from bson.code import Code
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.dbref import _from_document as dbref_from_document
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.timestamp import Timestamp
from bson.tz_util import utc

_LEGACY_MODE = 0
_REGEX_OPTION_LETTERS = "ilmsux"
_EPOCH_AWARE = datetime.datetime(1970, 1, 1, tzinfo=utc)
_INTEGER = re.compile(r"-?[0-9]+")
_DOUBLE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX_SUBTYPE = re.compile(r"[0-9a-fA-F]{1,2}")
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                        r"[0-9a-fA-F]{12}|[0-9a-fA-F]{32}")
_ISO_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?"
    r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?")


def _only(dct: Any, keys: set, what: str) -> None:
    if len(dct) == len(keys):  # the usual case, checked without building sets
        for key in dct:
            if key not in keys:
                break
        else:
            return
    extra = set(dct) - keys
    if extra:
        raise ValueError(f"Bad {what}: unexpected field(s) {sorted(extra)!r} beside "
                         f"{sorted(keys)!r} in {dict(dct)!r}")
    missing = keys - set(dct)
    if missing:
        raise ValueError(f"Bad {what}: missing field(s) {sorted(missing)!r} in {dict(dct)!r}")


def _str_field(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"Bad {what}: must be a string, not {value!r}")
    return value


def _int_field(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"Bad {what}: must be an integer, not {value!r}")
    return value


def _legacy(opts: Any) -> bool:
    return opts.json_mode == _LEGACY_MODE


def _parse_oid(dct: Any, opts: Any) -> Any:
    _only(dct, {"$oid"}, "$oid")
    if _legacy(opts):
        return ObjectId(str(dct["$oid"]))  # 3.4: {"$oid": 42} is InvalidId, not TypeError
    return ObjectId(_str_field(dct["$oid"], "$oid"))


def _parse_integer(dct: Any, key: str, bits: int) -> int:
    _only(dct, {key}, key)
    text = _str_field(dct[key], key)
    if _INTEGER.fullmatch(text) is None:
        raise ValueError(f"Bad {key}: {text!r} is not a base-10 integer")
    value = int(text)
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise ValueError(f"Bad {key}: {text} does not fit in {bits} bits")
    return value


def _parse_number_int(dct: Any, opts: Any) -> Any:
    return _parse_integer(dct, "$numberInt", 32)


def _parse_number_long(dct: Any, opts: Any) -> Any:
    if _legacy(opts):
        _only(dct, {"$numberLong"}, "$numberLong")
        return Int64(dct["$numberLong"])  # 3.4: int() of whatever is there
    return Int64(_parse_integer(dct, "$numberLong", 64))


def _parse_number_double(dct: Any, opts: Any) -> Any:
    _only(dct, {"$numberDouble"}, "$numberDouble")
    text = _str_field(dct["$numberDouble"], "$numberDouble")
    if text in ("Infinity", "-Infinity", "NaN") or _DOUBLE.fullmatch(text):
        return float(text)
    raise ValueError(f"Bad $numberDouble: {text!r} is not a number, Infinity, -Infinity or NaN")


def _parse_number_decimal(dct: Any, opts: Any) -> Any:
    _only(dct, {"$numberDecimal"}, "$numberDecimal")
    return Decimal128(_str_field(dct["$numberDecimal"], "$numberDecimal"))


def binary_value(data: bytes, subtype: int, opts: Any) -> Any:
    """bytes, UUID or Binary for decoded binary data, as the BSON decoder would give;
    in LEGACY mode subtype 0 is a Binary, as 3.4's loads gave."""
    if subtype == 0:
        return Binary(data, 0) if _legacy(opts) else data
    state = opts._codec_state
    # uuid_subtype 0 (UuidRepresentation.UNSPECIFIED): UUID subtypes stay Binary.
    if len(data) == 16 and subtype in (3, 4) and state.uuid_subtype:
        if subtype == 3 and state.uuid_subtype == 3:
            return state.uuid_from_binary(data)
        return uuid.UUID(bytes=data)
    return Binary(data, subtype)


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        # binascii.Error (a ValueError), as 3.4's b64decode raised.
        raise binascii.Error(f"Bad $binary: {text!r} is not valid base64") from None


def _subtype(text: Any) -> int:
    text = _str_field(text, "$binary subType")
    if _HEX_SUBTYPE.fullmatch(text) is None:
        raise ValueError(f"Bad $binary subType: {text!r} must be 1 or 2 hex digits")
    return int(text, 16)


def _parse_binary(dct: Any, opts: Any) -> Any:
    inner = dct["$binary"]
    if type(inner) is dict or isinstance(inner, Mapping):
        _only(dct, {"$binary"}, "$binary")
        _only(inner, {"base64", "subType"}, "$binary")
        data = _b64(_str_field(inner["base64"], "$binary base64"))
        return binary_value(data, _subtype(inner["subType"]), opts)
    _only(dct, {"$binary", "$type"}, "legacy $binary")
    data = _b64(_str_field(inner, "$binary"))
    return binary_value(data, _legacy_subtype(dct["$type"]), opts)


def _legacy_subtype(value: Any) -> int:
    """The legacy form's ``$type``, as 3.4 read it: an int, or hex text where
    mongoexport's sign-extended user subtypes (``"ffffff80"``) keep their last byte."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFF:
        return value
    text = _str_field(value, "$binary $type")
    if len(text) == 8 and text.lower().startswith("ffffff"):
        text = text[6:]
    return _subtype(text)


def _parse_uuid(dct: Any, opts: Any) -> Any:
    _only(dct, {"$uuid"}, "$uuid")
    text = _str_field(dct["$uuid"], "$uuid")
    if _legacy(opts):
        value = uuid.UUID(text)  # 3.4: any form uuid.UUID reads ({...}, urn:uuid:...)
    elif _UUID_TEXT.fullmatch(text) is None:
        raise ValueError(f"Bad $uuid: {text!r} is not 32 hex digits in the 8-4-4-4-12 form")
    else:
        value = uuid.UUID(text)
    if opts.uuid_representation == UuidRepresentation.UNSPECIFIED:
        return Binary.from_uuid(value)  # no native UUIDs: subtype 4, as 3.11
    return value


def _datetime_from_millis(millis: int, opts: Any) -> Any:
    try:
        value = _EPOCH_AWARE + datetime.timedelta(milliseconds=millis)
        return _localize(value, opts)
    except OverflowError:
        return DatetimeMS(millis)


def _localize(aware: datetime.datetime, opts: Any) -> datetime.datetime:
    if opts.tz_aware:
        return aware.astimezone(opts.tzinfo) if opts.tzinfo is not None else aware
    return aware.replace(tzinfo=None)


def _parse_iso(text: str, opts: Any) -> Any:
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"Bad $date: {text!r} is not an ISO-8601 date-time")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    value = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute),
                              int(second or 0), micros, tzinfo=utc)
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        value = value - offset if zone[0] == "+" else value + offset
    return _localize(value, opts)


def _parse_date(dct: Any, opts: Any) -> Any:
    _only(dct, {"$date"}, "$date")
    value = dct["$date"]
    if isinstance(value, Int64):
        return _datetime_from_millis(int(value), opts)
    if isinstance(value, str):
        return _parse_iso(value, opts)
    if isinstance(value, (int, float)) and _legacy(opts):
        return _datetime_from_millis(int(value), opts)  # 3.4: int() of the number
    raise TypeError(f"Bad $date: must be an ISO-8601 string or {{'$numberLong': ...}}, "
                    f"not {value!r}")


def _parse_regular_expression(dct: Any, opts: Any) -> Any:
    _only(dct, {"$regularExpression"}, "$regularExpression")
    inner = dct["$regularExpression"]
    if type(inner) is not dict and not isinstance(inner, Mapping):
        raise TypeError(f"Bad $regularExpression: must be a document, not {inner!r}")
    _only(inner, {"pattern", "options"}, "$regularExpression")
    pattern = _str_field(inner["pattern"], "$regularExpression pattern")
    options = _str_field(inner["options"], "$regularExpression options")
    # The Extended JSON v2 form is checked strictly (the legacy $regex form, as 3.4 did,
    # ignores letters it does not know).
    unknown = sorted(set(options) - set(_REGEX_OPTION_LETTERS))
    if unknown:
        raise ValueError(f"Bad $regularExpression: option {unknown[0]!r} in {options!r} is "
                         f"not supported; allowed options are {_REGEX_OPTION_LETTERS}")
    return Regex(pattern, options)


def _parse_legacy_regex(dct: Any, opts: Any) -> Any:
    # {"$regex": <not a string>} is the query operator, e.g. around $regularExpression.
    if not isinstance(dct["$regex"], str) or not set(dct) <= {"$regex", "$options"}:
        return dct
    return Regex(dct["$regex"], _str_field(dct.get("$options", ""), "$options"))


def _parse_code(dct: Any, opts: Any) -> Any:
    if _legacy(opts) and "$scope" in dct and dct["$scope"] is None:
        _only(dct, {"$code", "$scope"}, "$code")
        return Code(_str_field(dct["$code"], "$code"))  # 3.4: a null scope is no scope
    if "$scope" in dct:
        _only(dct, {"$code", "$scope"}, "$code")
        scope = dct["$scope"]
        if type(scope) is not dict and not isinstance(scope, Mapping):
            raise TypeError(f"Bad $scope: must be a document, not {scope!r}")
        return Code(_str_field(dct["$code"], "$code"), scope)
    _only(dct, {"$code"}, "$code")
    return Code(_str_field(dct["$code"], "$code"))


def _parse_timestamp(dct: Any, opts: Any) -> Any:
    _only(dct, {"$timestamp"}, "$timestamp")
    inner = dct["$timestamp"]
    if type(inner) is not dict and not isinstance(inner, Mapping):
        raise TypeError(f"Bad $timestamp: must be a document, not {inner!r}")
    _only(inner, {"t", "i"}, "$timestamp")
    return Timestamp(_int_field(inner["t"], "$timestamp t"), _int_field(inner["i"], "$timestamp i"))


def _parse_key(dct: Any, key: str, cls: type, opts: Any) -> Any:
    _only(dct, {key}, key)
    value = dct[key]
    if (type(value) is not int or value != 1) and opts.json_mode != _LEGACY_MODE:
        raise ValueError(f"Bad {key}: value must be the integer 1, not {value!r}")
    return cls()  # 3.4 took any value


def _parse_min_key(dct: Any, opts: Any) -> Any:
    return _parse_key(dct, "$minKey", MinKey, opts)


def _parse_max_key(dct: Any, opts: Any) -> Any:
    return _parse_key(dct, "$maxKey", MaxKey, opts)


def _parse_symbol(dct: Any, opts: Any) -> Any:
    _only(dct, {"$symbol"}, "$symbol")
    return _str_field(dct["$symbol"], "$symbol")


def _parse_db_pointer(dct: Any, opts: Any) -> Any:
    _only(dct, {"$dbPointer"}, "$dbPointer")
    ref = dct["$dbPointer"]
    # The inner {"$ref", "$id"} was already turned into a DBRef by the inner hook call.
    if (not isinstance(ref, DBRef) or ref.database is not None or set(ref.as_doc())
            != {"$ref", "$id"} or not isinstance(ref.id, ObjectId)):
        raise ValueError(f"Bad $dbPointer: must hold exactly a string $ref and an ObjectId "
                         f"$id, not {ref!r}")
    return ref


def _parse_undefined(dct: Any, opts: Any) -> Any:
    _only(dct, {"$undefined"}, "$undefined")
    if dct["$undefined"] is not True and not _legacy(opts):
        raise ValueError(f"Bad $undefined: value must be true, not {dct['$undefined']!r}")
    return None


def _parse_dbref(dct: Any, opts: Any) -> Any:
    # Without $id the object stays a document (3.4's loads failed with KeyError).
    if "$id" not in dct:
        return dct
    return dbref_from_document(dct)


_PARSERS: Dict[str, Callable[[Any, Any], Any]] = {
    "$oid": _parse_oid, "$numberInt": _parse_number_int, "$numberLong": _parse_number_long,
    "$numberDouble": _parse_number_double, "$numberDecimal": _parse_number_decimal,
    "$binary": _parse_binary, "$uuid": _parse_uuid, "$date": _parse_date,
    "$regularExpression": _parse_regular_expression, "$regex": _parse_legacy_regex,
    "$code": _parse_code, "$timestamp": _parse_timestamp, "$minKey": _parse_min_key,
    "$maxKey": _parse_max_key, "$symbol": _parse_symbol, "$dbPointer": _parse_db_pointer,
    "$undefined": _parse_undefined, "$ref": _parse_dbref,
}


def convert_object(dct: Any, opts: Any) -> Any:
    """The BSON value a JSON object stands for, or the object itself."""
    for key in dct:
        if key[:1] == "$":
            parser = _PARSERS.get(key)
            if parser is not None:
                return parser(dct, opts)
    return dct


# ---------------------------------------------------------------- the fast loads
#
# ``json.loads(s, object_pairs_hook=...)`` calls back into Python for every object, builds
# a list of pairs and then the document.  With ``dict`` documents (the default) the C
# scanner can build each dict itself and ``object_hook`` look only for a wrapper key; a
# text without any "$" (nor its escape) has no wrapper at all and needs no hook.

_DECODERS: Dict[int, Any] = {}


def _decoders(opts: Any) -> Any:
    cached = _DECODERS.get(id(opts))
    if cached is None or cached[0] is not opts:
        parsers = _PARSERS

        def hook(dct: Any) -> Any:
            for key in dct:
                if key[:1] == "$":
                    parser = parsers.get(key)
                    if parser is not None:
                        return parser(dct, opts)
            return dct
        if len(_DECODERS) > 64:
            _DECODERS.clear()
        cached = _DECODERS[id(opts)] = (opts, json.JSONDecoder(object_hook=hook))
    return cached[1]


_PLAIN_DECODER = json.JSONDecoder()
_C_LOADS = getattr(_c_codec, "_json_loads", None)


def loads_fast(text: str, opts: Any) -> Any:
    """``json.loads(text, object_pairs_hook=...)`` for a str and ``dict`` documents."""
    if _C_LOADS is not None:
        # The compiled reader (bson/_cext/json_decode.c): the same values, or
        # NotImplemented for a text it leaves to the code below (errors included).
        result = _C_LOADS(text, opts, _legacy(opts), convert_object, _PARSERS)
        if result is not NotImplemented:
            return result
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    if "$" not in text and "\\u0024" not in text:
        return _PLAIN_DECODER.decode(text)
    return _decoders(opts).decode(text)
