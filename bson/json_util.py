"""MongoDB Extended JSON: ``dumps``/``loads`` wrappers around :mod:`json`.

Output follows ``json_options``: the documented PyMongo 3.4 forms by default
(:data:`DEFAULT_JSON_OPTIONS`, ``JSONMode.LEGACY``), or Extended JSON v2 in
``JSONMode.RELAXED`` / ``JSONMode.CANONICAL`` (:data:`RELAXED_JSON_OPTIONS`,
:data:`CANONICAL_JSON_OPTIONS`).  ``loads`` accepts all three forms.  With LEGACY
options wrapper values are read as PyMongo 3.4 read them (a bare number as ``$date``,
an int ``$type``, any ``$minKey`` value...); the v2 modes read them strictly.  A
wrapper with an extra field raises ValueError in every mode (3.4 dropped the field).
docs/differences.md lists where this module differs from 3.4.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Tuple

from bson import _json_decode, _json_encode
from bson.binary import ALL_UUID_SUBTYPES, PYTHON_LEGACY, UUID_SUBTYPE
from bson.codec_options import CodecOptions
from bson.tz_util import utc


class DatetimeRepresentation:
    """How ``datetime.datetime`` is written in LEGACY mode."""

    LEGACY = 0
    """``{"$date": <milliseconds>}`` (the default before PyMongo 3.4)."""
    NUMBERLONG = 1
    """``{"$date": {"$numberLong": "<milliseconds>"}}``."""
    ISO8601 = 2
    """``{"$date": "<ISO-8601>"}`` at or after the epoch, else as NUMBERLONG."""


class JSONMode:
    """Which Extended JSON dialect ``dumps`` writes."""

    LEGACY = 0
    """The PyMongo 3.4 output, tuned by the other JSONOptions fields (the default)."""
    RELAXED = 1
    """Extended JSON v2 relaxed: native JSON numbers, ISO-8601 dates where possible."""
    CANONICAL = 2
    """Extended JSON v2 canonical: every value type-preserving."""


_MODE_NAMES = {JSONMode.LEGACY: "LEGACY", JSONMode.RELAXED: "RELAXED",
               JSONMode.CANONICAL: "CANONICAL"}
_JSON_FIELDS = ("strict_number_long", "datetime_representation", "strict_uuid", "json_mode")


class JSONOptions(CodecOptions):
    """Options for :func:`dumps` and :func:`loads` (a CodecOptions with JSON fields).

    ``strict_number_long``, ``datetime_representation`` and ``strict_uuid`` tune LEGACY
    output; ``json_mode`` picks LEGACY (default), RELAXED or CANONICAL.  In RELAXED and
    CANONICAL modes the first three are set by the mode.  ``tz_aware`` defaults to True
    and ``tzinfo`` to ``utc``; other arguments go to CodecOptions.
    """

    def __new__(cls, strict_number_long: bool = False,
                datetime_representation: int = DatetimeRepresentation.LEGACY,
                strict_uuid: bool = False, *args: Any, json_mode: int = JSONMode.LEGACY,
                **kwargs: Any) -> JSONOptions:
        if json_mode not in _MODE_NAMES:
            raise ValueError(f"json_mode must be a JSONMode value (0, 1 or 2), "
                             f"not {json_mode!r}")
        if datetime_representation not in (0, 1, 2):
            raise ValueError("datetime_representation must be a DatetimeRepresentation "
                             f"value (0, 1 or 2), not {datetime_representation!r}")
        kwargs["tz_aware"] = kwargs.get("tz_aware", True)
        if kwargs["tz_aware"]:
            kwargs["tzinfo"] = kwargs.get("tzinfo", utc)
        self = super().__new__(cls, *args, **kwargs)
        if json_mode == JSONMode.RELAXED:
            strict_number_long, datetime_representation, strict_uuid = (
                False, DatetimeRepresentation.ISO8601, True)
        elif json_mode == JSONMode.CANONICAL:
            strict_number_long, datetime_representation, strict_uuid = (
                True, DatetimeRepresentation.NUMBERLONG, True)
        self.strict_number_long = strict_number_long
        self.datetime_representation = datetime_representation
        self.strict_uuid = strict_uuid
        self.json_mode = json_mode
        return self

    def _replace(self, **kwargs: Any) -> JSONOptions:  # type: ignore[override]
        json_kwargs = {name: kwargs.pop(name, getattr(self, name)) for name in _JSON_FIELDS}
        codec_kwargs = self._asdict()
        unknown = set(kwargs) - set(codec_kwargs)
        if unknown:
            raise ValueError(f"Got unexpected field names: {sorted(unknown)!r}")
        codec_kwargs.update(kwargs)
        if not codec_kwargs["tz_aware"] and "tzinfo" not in kwargs:
            # The utc default came with tz_aware; turning that off drops it too.
            codec_kwargs["tzinfo"] = None
        return JSONOptions(**json_kwargs, **codec_kwargs)

    def __reduce__(self) -> Tuple[Any, ...]:
        return _rebuild_json_options, (
            {name: getattr(self, name) for name in _JSON_FIELDS}, self._asdict())

    # Equality and hash are the CodecOptions tuple's, as in 3.4: the JSON fields do not
    # take part (JSONOptions() == JSONOptions(strict_uuid=True)).

    def __repr__(self) -> str:
        mode = ("" if self.json_mode == JSONMode.LEGACY
                else f"json_mode={_MODE_NAMES[self.json_mode]}, ")
        return (f"JSONOptions(strict_number_long={self.strict_number_long!r}, "
                f"datetime_representation={self.datetime_representation!r}, "
                f"strict_uuid={self.strict_uuid!r}, {mode}{self._options_repr()})")


def _rebuild_json_options(json_fields: dict, codec_fields: dict) -> JSONOptions:
    return JSONOptions(**json_fields, **codec_fields)


LEGACY_JSON_OPTIONS = JSONOptions(json_mode=JSONMode.LEGACY)
"""The PyMongo 3.4 output (same as DEFAULT_JSON_OPTIONS)."""
DEFAULT_JSON_OPTIONS = LEGACY_JSON_OPTIONS
"""The default JSONOptions for JSON encoding/decoding (the documented 3.4 output)."""
STRICT_JSON_OPTIONS = JSONOptions(strict_number_long=True,
                                  datetime_representation=DatetimeRepresentation.ISO8601,
                                  strict_uuid=True)
"""JSONOptions for MongoDB Extended JSON's Strict mode encoding."""
RELAXED_JSON_OPTIONS = JSONOptions(json_mode=JSONMode.RELAXED)
"""Extended JSON v2, relaxed mode."""
CANONICAL_JSON_OPTIONS = JSONOptions(json_mode=JSONMode.CANONICAL)
"""Extended JSON v2, canonical mode."""


def dumps(obj: Any, *args: Any, **kwargs: Any) -> str:
    """Serialize ``obj`` to a MongoDB Extended JSON string.

    Works like :func:`json.dumps` and takes the same extra arguments, but also writes
    every BSON type (ObjectId, datetime, Binary, UUID, Regex, Code, DBRef, Int64,
    Decimal128, Timestamp, MinKey, MaxKey...) in the form ``json_options`` asks for.

    :param obj: the value to serialize: a document (any mapping, e.g. a ``dict``, SON or
        RawBSONDocument), a list, or any other iterable, which is written as a JSON
        array (as PyMongo 3.4 did, so a cursor or an ODM queryset can be passed).
    :param json_options: (keyword only, a :class:`JSONOptions`) the output form.
        Default :data:`DEFAULT_JSON_OPTIONS`, PyMongo 3.4's LEGACY output; pass
        :data:`RELAXED_JSON_OPTIONS` or :data:`CANONICAL_JSON_OPTIONS` for Extended
        JSON v2.
    :param args: and other keyword arguments: passed to :func:`json.dumps` (``indent``,
        ``sort_keys``, ``separators``...).  A ``default=`` or ``cls=`` of your own is
        honoured and sees only the values this module does not know.

    :returns: a ``str``.  SON, Timestamp, Code, Binary and DBRef keep their key order.

    :raises: ``TypeError`` for a value that is neither JSON nor a BSON type (and that
        a ``default=`` you passed does not handle); ``RecursionError`` for a document
        that contains itself.

    .. versionchanged:: 3.4 (PyMongo) ``json_options`` added.
    """
    json_options = kwargs.pop("json_options", DEFAULT_JSON_OPTIONS)
    if not args and "default" not in kwargs and "cls" not in kwargs and \
            _json_encode.fast_mode(json_options):
        return _json_encode.dumps_fast(obj, json_options, kwargs)
    return json.dumps(_json_encode.convert(obj, json_options), *args, **kwargs)


def loads(s: Any, *args: Any, **kwargs: Any) -> Any:
    """Parse a MongoDB Extended JSON string into Python and BSON values.

    Works like :func:`json.loads`; every Extended JSON wrapper (``{"$oid": ...}``,
    ``{"$date": ...}``, ``{"$binary": ...}``, ``{"$numberLong": ...}``...) becomes the
    BSON value it stands for.  All three dialects are read: PyMongo 3.4's LEGACY
    forms, and Extended JSON v2 relaxed and canonical.

    :param s: the JSON text (``str``, ``bytes`` or ``bytearray``, as for
        :func:`json.loads`).
    :param json_options: (keyword only, a :class:`JSONOptions`) how results are
        built: ``document_class`` for objects, ``tz_aware`` and ``tzinfo`` for
        datetimes, ``uuid_representation`` for binary subtypes 3 and 4.  Default
        :data:`DEFAULT_JSON_OPTIONS` (dicts, timezone-aware UTC datetimes).
    :param args: and other keyword arguments: passed to :func:`json.loads`.  ``object_pairs_hook`` is
        set by this function and cannot be overridden.

    :returns: the parsed value (a ``document_class`` instance for a JSON object).

    :raises: ``ValueError`` (``json.JSONDecodeError``) for text that is not JSON, and
        ``ValueError`` or ``TypeError`` for a malformed wrapper (a wrapper with an
        extra field, a ``$numberLong`` that is not a number...);
        :class:`~bson.errors.InvalidId` for a ``$oid`` that is not 24 hex digits.

    .. versionchanged:: 3.4 (PyMongo) ``json_options`` added.
    """
    json_options = kwargs.pop("json_options", DEFAULT_JSON_OPTIONS)
    if not args and not kwargs and type(s) is str and json_options.document_class is dict:
        return _json_decode.loads_fast(s, json_options)
    kwargs["object_pairs_hook"] = lambda pairs: object_pairs_hook(pairs, json_options)
    return json.loads(s, *args, **kwargs)


def object_pairs_hook(pairs: Iterable[Tuple[str, Any]],
                      json_options: JSONOptions = DEFAULT_JSON_OPTIONS) -> Any:
    """The ``object_pairs_hook`` that :func:`loads` gives :func:`json.loads`.

    :param pairs: the ``(key, value)`` pairs of one JSON object, in document order.
    :param json_options: a :class:`JSONOptions` (default :data:`DEFAULT_JSON_OPTIONS`);
        its ``document_class`` is built from ``pairs``.

    :returns: what :func:`object_hook` makes of that document: the BSON value if the
        object is an Extended JSON wrapper, otherwise the document itself.

    :raises: as :func:`object_hook`.
    """
    return object_hook(json_options.document_class(pairs), json_options)


def object_hook(dct: Any, json_options: JSONOptions = DEFAULT_JSON_OPTIONS) -> Any:
    """Turn one decoded JSON object into the BSON value it wraps.

    Useful as ``json.loads(text, object_hook=object_hook)`` when you drive
    :mod:`json` yourself.

    :param dct: one decoded JSON object (a mapping).
    :param json_options: a :class:`JSONOptions` (default :data:`DEFAULT_JSON_OPTIONS`)
        that sets ``tz_aware``, ``tzinfo`` and ``uuid_representation`` of the result.

    :returns: the BSON value for a wrapper (``{"$oid": ...}`` gives an ObjectId), or
        ``dct`` unchanged when it is an ordinary object.

    :raises: ``ValueError``, ``TypeError`` or :class:`~bson.errors.InvalidId` for a
        malformed wrapper, as :func:`loads`.
    """
    return _json_decode.convert_object(dct, json_options)


def default(obj: Any, json_options: JSONOptions = DEFAULT_JSON_OPTIONS) -> Any:
    """The JSON-ready form of one BSON value.

    Usable as ``json.dumps(doc, default=default)``, which gives the LEGACY output of
    :func:`dumps` for the values :mod:`json` does not know itself.

    :param obj: one value: ObjectId, DBRef, datetime, Regex or compiled pattern, MinKey,
        MaxKey, Timestamp, Code, Binary, UUID, Int64, Decimal128...
    :param json_options: a :class:`JSONOptions` (default :data:`DEFAULT_JSON_OPTIONS`)
        choosing the form written (e.g. ``datetime_representation``).

    :returns: a ``dict`` (the Extended JSON wrapper) or plain JSON value.

    :raises: ``TypeError`` when ``obj`` is not a BSON type this module knows.
    """
    return _json_encode.legacy_default(obj, json_options)


__all__ = [
    "DatetimeRepresentation", "JSONMode", "JSONOptions", "DEFAULT_JSON_OPTIONS",
    "LEGACY_JSON_OPTIONS", "STRICT_JSON_OPTIONS", "RELAXED_JSON_OPTIONS",
    "CANONICAL_JSON_OPTIONS", "dumps", "loads", "object_hook", "object_pairs_hook", "default",
    "PYTHON_LEGACY", "ALL_UUID_SUBTYPES", "UUID_SUBTYPE",
]
