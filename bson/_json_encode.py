"""Python/BSON values to JSON-ready values, for :func:`bson.json_util.dumps`."""
from __future__ import annotations

import base64
import datetime
import json
import math
import re
import uuid
from typing import Any

from bson import _c_codec
from bson.binary import Binary
from bson.code import Code
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex, int_flags_to_str
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import utc

_LEGACY, _RELAXED, _CANONICAL = 0, 1, 2
_DT_LEGACY, _DT_NUMBERLONG, _DT_ISO8601 = 0, 1, 2
_EPOCH_AWARE = datetime.datetime(1970, 1, 1, tzinfo=utc)
_INT32_MIN, _INT32_MAX = -(2 ** 31), 2 ** 31 - 1
_RE_TYPE = type(re.compile(""))
# Relaxed mode writes ISO-8601 only for years 1970 through 9999 (Extended JSON v2).
_ISO_MAX_MILLIS = 253402300799999


def convert(obj: Any, opts: Any, done: int = 0) -> Any:
    """Recursively convert ``obj`` to JSON values, as 3.4's ``dumps`` did: anything with
    ``items()`` becomes a document, any other iterable but str and bytes a list (a set,
    a generator, a MongoEngine QuerySet...), BSON values their Extended JSON form.

    ``done``: the type-registry transforms ``obj`` came from (see :func:`_default`).
    """
    if (isinstance(obj, (str, bool)) and not isinstance(obj, Code)) or obj is None:
        return obj
    if isinstance(obj, (list, tuple)):
        return [convert(value, opts) for value in obj]
    if hasattr(obj, "items") and not isinstance(obj, DBRef):  # mappings and look-alikes
        return SON((key, convert(value, opts)) for key, value in obj.items())
    if isinstance(obj, Code) and obj.scope is not None:
        # Unlike 3.4 (json.dumps then failed on a BSON value in the scope), convert it.
        return SON([("$code", str(obj)), ("$scope", convert(obj.scope, opts))])
    try:
        return _default(obj, opts, done)
    except TypeError:
        # Not a BSON value and no type codec takes it: any other iterable is a list.
        if hasattr(obj, "__iter__") and not isinstance(obj, (str, bytes)):
            return [convert(value, opts) for value in obj]
        return obj


def _millis(value: datetime.datetime) -> int:
    if value.utcoffset() is None:
        value = value.replace(tzinfo=utc)
    delta = value - _EPOCH_AWARE
    return delta.days * 86400000 + delta.seconds * 1000 + delta.microseconds // 1000


def _iso_utc(millis: int) -> str:
    value = _EPOCH_AWARE + datetime.timedelta(milliseconds=millis)
    fraction = f".{millis % 1000:03d}" if millis % 1000 else ""
    return f"{value.strftime('%Y-%m-%dT%H:%M:%S')}{fraction}Z"


def _date(value: Any, opts: Any) -> Any:
    mode = opts.json_mode
    if isinstance(value, DatetimeMS):
        millis = int(value)
    else:
        millis = _millis(value)
    if mode == _CANONICAL:
        return {"$date": {"$numberLong": str(millis)}}
    if mode == _RELAXED:
        if 0 <= millis <= _ISO_MAX_MILLIS:
            return {"$date": _iso_utc(millis)}
        return {"$date": {"$numberLong": str(millis)}}
    if opts.datetime_representation == _DT_ISO8601 and millis >= 0 and not isinstance(
            value, DatetimeMS):
        aware = value if value.utcoffset() is not None else value.replace(tzinfo=utc)
        offset = aware.utcoffset()
        tz_text = "Z" if not offset else aware.strftime("%z")
        # Always three fraction digits, as 3.4 wrote them (the v2 relaxed form omits .000).
        ms = aware.microsecond // 1000
        return {"$date": f"{aware.strftime('%Y-%m-%dT%H:%M:%S')}.{ms:03d}{tz_text}"}
    if opts.datetime_representation == _DT_LEGACY:
        return {"$date": millis}
    return {"$date": {"$numberLong": str(millis)}}


def _double(value: float) -> str:
    """Canonical ``$numberDouble`` text: shortest round-trip digits, ``E`` exponent."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}E{int(exponent):+d}"
    return text


def _binary(data: bytes, subtype: int, opts: Any) -> Any:
    encoded = base64.b64encode(data).decode()
    if opts.json_mode == _LEGACY:
        return SON([("$binary", encoded), ("$type", f"{subtype:02x}")])
    return {"$binary": SON([("base64", encoded), ("subType", f"{subtype:02x}")])}


def _regex(pattern: Any, flags: int, opts: Any) -> Any:
    if isinstance(pattern, bytes):
        pattern = pattern.decode("utf-8")
    options = int_flags_to_str(flags)
    if opts.json_mode == _LEGACY:
        return SON([("$regex", pattern), ("$options", options)])
    return {"$regularExpression": SON([("pattern", pattern), ("options", options)])}


def default(obj: Any, opts: Any) -> Any:
    """JSON-ready form of one non-container value; TypeError if it is not a BSON type."""
    return _default(obj, opts, 0)


def _default(obj: Any, opts: Any, done: int) -> Any:
    """:func:`default`; a value of no BSON type goes through ``opts.type_registry`` as the
    BSON encoder's does: the type encoder of its exact type, else the fallback encoder,
    each at most once (``done``: 1, type encoder; 2, fallback), then converted."""
    mode = opts.json_mode
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, Int64):
        if mode == _CANONICAL or (mode == _LEGACY and opts.strict_number_long):
            return {"$numberLong": str(int(obj))}
        return int(obj)
    if isinstance(obj, int):
        if mode == _CANONICAL:
            if _INT32_MIN <= obj <= _INT32_MAX:
                return {"$numberInt": str(obj)}
            return {"$numberLong": str(obj)}
        return obj
    if isinstance(obj, float):
        if mode == _CANONICAL or (mode == _RELAXED and not math.isfinite(obj)):
            return {"$numberDouble": _double(obj)}
        return obj
    if isinstance(obj, ObjectId):
        return {"$oid": str(obj)}
    if isinstance(obj, DBRef):
        return convert(obj.as_doc(), opts)
    if isinstance(obj, (datetime.datetime, DatetimeMS)):
        return _date(obj, opts)
    if isinstance(obj, (Regex, _RE_TYPE)):
        return _regex(obj.pattern, obj.flags, opts)
    if isinstance(obj, MinKey):
        return {"$minKey": 1}
    if isinstance(obj, MaxKey):
        return {"$maxKey": 1}
    if isinstance(obj, Timestamp):
        return {"$timestamp": SON([("t", obj.time), ("i", obj.inc)])}
    if isinstance(obj, Code):
        if obj.scope is None:
            return {"$code": str(obj)}
        return SON([("$code", str(obj)), ("$scope", obj.scope)])  # the scope as 3.4 gave it
    if isinstance(obj, Binary):
        return _binary(bytes(obj), obj.subtype, opts)
    if isinstance(obj, bytes):
        return _binary(obj, 0, opts)
    if isinstance(obj, uuid.UUID):
        if mode == _LEGACY and not opts.strict_uuid:
            return {"$uuid": obj.hex}
        state = opts._codec_state
        return _binary(state.uuid_to_binary(obj), state.uuid_subtype, opts)
    if isinstance(obj, Decimal128):
        return {"$numberDecimal": str(obj)}
    state = opts._codec_state
    encoders = state.custom_encoders
    if encoders is not None and not done & 1 and type(obj) in encoders:
        return convert(encoders[type(obj)](obj), opts, done | 1)
    if state.fallback_encoder is not None and not done & 2:
        return convert(state.fallback_encoder(obj), opts, done | 2)
    raise TypeError(f"{obj!r} is not JSON serializable")


def legacy_default(obj: Any, opts: Any) -> Any:
    """:func:`default` as ``bson.json_util.default`` documents it: in LEGACY mode,
    values json itself writes (numbers, str, bool, None) are a TypeError, as in 3.4,
    except an Int64 with ``strict_number_long``."""
    if opts.json_mode == _LEGACY and not isinstance(obj, Code) and (
            obj is None or isinstance(obj, (bool, str, float))
            or isinstance(obj, int) and not (isinstance(obj, Int64) and opts.strict_number_long)):
        raise TypeError(f"{obj!r} is not JSON serializable")
    return default(obj, opts)


# ---------------------------------------------------------------- the one-pass dumps
#
# ``json.dumps(convert(obj))`` builds a converted copy of the whole document before the
# standard library's C encoder writes it.  For the LEGACY (without strict_number_long) and
# RELAXED modes most values are already JSON as they are: the C encoder can write the
# document itself.  Only what it would write differently is replaced first, copying just
# the containers on the way to it: the common BSON values (by exact type, as plain dicts
# holding the same keys in the same order as ``convert``'s SONs, so the same text), a str
# subclass (Code), a non-finite float in RELAXED mode, and tuples, dict subclasses and
# other containers (through ``convert`` itself).  Anything else the encoder does not know
# reaches ``default``, which is ``convert`` too.

# Types written the same by the C encoder and by convert + json.dumps in both fast modes.
_AS_IS = frozenset([str, int, bool, type(None), Int64])
_CONTAINERS = (str, int, float, list, tuple, dict)


def fast_mode(opts: Any) -> bool:
    """Whether :func:`dumps_fast` writes exactly what ``json.dumps(convert(...))`` does."""
    mode = opts.json_mode
    return mode == _RELAXED or (mode == _LEGACY and not opts.strict_number_long)


def _binary_as_dict(subtype: str, relaxed: bool) -> Any:
    def binary(value: bytes) -> Any:
        encoded = base64.b64encode(value).decode()
        if relaxed:
            return {"$binary": {"base64": encoded, "subType": subtype}}
        return {"$binary": encoded, "$type": subtype}
    return binary


class _Preparer:
    """The one-pass rewriting for one JSONOptions (see above)."""

    def __init__(self, opts: Any) -> None:
        self.opts = opts
        self.relaxed = relaxed = opts.json_mode == _RELAXED
        min_key, max_key = {"$minKey": 1}, {"$maxKey": 1}
        self.table = {
            ObjectId: lambda v: {"$oid": str(v)},
            bytes: _binary_as_dict("00", relaxed),
            MinKey: lambda v: dict(min_key),
            MaxKey: lambda v: dict(max_key),
            Timestamp: lambda v: {"$timestamp": {"t": v.time, "i": v.inc}},
            Code: self._code,
            datetime.datetime: lambda v: _date(v, opts),
            Regex: self._regex,
        }
        self.encoder = json.JSONEncoder(default=self.default)
        # The C encoder json.dumps() builds on every call, built once: json.dumps' default
        # settings, without the circular-reference markers (a cycle never gets this far:
        # preparing the document recurses into it first, as convert does).
        make = getattr(json.encoder, "c_make_encoder", None)
        self.c_encode = None if make is None else make(
            None, self.default, json.encoder.encode_basestring_ascii, None, ": ", ", ",
            False, False, True)

    def _code(self, value: Code) -> Any:
        if value.scope is None:
            return {"$code": str(value)}
        scope = value.scope
        return {"$code": str(value), "$scope": self._value(scope, type(scope))
                if type(scope) in (dict, list) else convert(scope, self.opts)}

    def _regex(self, value: Regex) -> Any:
        pattern = value.pattern
        if isinstance(pattern, bytes):
            pattern = pattern.decode("utf-8")
        options = int_flags_to_str(value.flags)
        if self.relaxed:
            return {"$regularExpression": {"pattern": pattern, "options": options}}
        return {"$regex": pattern, "$options": options}

    def default(self, value: Any) -> Any:
        new = convert(value, self.opts)
        if new is value:  # no BSON type, no codec: json's own error, as json.dumps gives it
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        return new

    def _value(self, value: Any, kind: type) -> Any:
        """The replacement of one value that is not as is, or ``value`` when none."""
        if kind is float:
            if self.relaxed and not math.isfinite(value):
                return _default(value, self.opts, 0)
            return value
        if kind is dict:
            return self.mapping(value)
        if kind is list:
            return self.sequence(value)
        make = self.table.get(kind)
        if make is not None:
            new = make(value)
            if new is not None:
                return new
        if isinstance(value, _CONTAINERS) or hasattr(value, "items"):
            return convert(value, self.opts)  # what the C encoder would take for JSON itself
        return value  # a BSON value: the encoder asks default() for it

    def mapping(self, obj: dict) -> Any:
        out = None
        for key, value in obj.items():
            kind = type(value)
            if kind in _AS_IS:
                continue
            new = self.mapping(value) if kind is dict else self._value(value, kind)
            if new is not value:
                if out is None:
                    out = dict(obj)
                out[key] = new
        return obj if out is None else out

    def sequence(self, obj: list) -> Any:
        out = None
        for i, value in enumerate(obj):
            kind = type(value)
            if kind in _AS_IS:
                continue
            new = self._value(value, kind)
            if new is not value:
                if out is None:
                    out = list(obj)
                out[i] = new
        return obj if out is None else out


_PREPARERS: dict = {}
_C_DUMPS = getattr(_c_codec, "_json_dumps", None)


def dumps_fast(obj: Any, opts: Any, kwargs: dict) -> str:
    """``json.dumps(convert(obj, opts), **kwargs)`` in one pass (``fast_mode(opts)``, and
    neither ``default`` nor ``cls`` in ``kwargs``)."""
    if _C_DUMPS is not None and not kwargs:
        # The compiled writer (bson/_cext/json_encode.c): the same text, or NotImplemented
        # for a value it leaves to the code below.
        text = _C_DUMPS(obj, opts.json_mode == _RELAXED, opts.datetime_representation)
        if text is not NotImplemented:
            return text
    cached = _PREPARERS.get(id(opts))
    if cached is None or cached[0] is not opts:
        if len(_PREPARERS) > 64:
            _PREPARERS.clear()
        cached = _PREPARERS[id(opts)] = (opts, _Preparer(opts))
    preparer = cached[1]
    kind = type(obj)
    if kind is dict:
        obj = preparer.mapping(obj)
    elif kind is list:
        obj = preparer.sequence(obj)
    else:
        obj = convert(obj, opts)
    if kwargs:
        return json.dumps(obj, default=preparer.default, **kwargs)
    if preparer.c_encode is not None:
        return "".join(preparer.c_encode(obj, 0))
    return preparer.encoder.encode(obj)
