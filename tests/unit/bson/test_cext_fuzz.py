"""Differential fuzzing: the compiled codec (``bson._cbson``) and the pure-Python one give
the same bytes, the same documents (types included) and the same exceptions for any
input - valid documents, unencodable values, random and mutated bytes."""
from __future__ import annotations

import collections
import datetime
import math
import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bson
from bson import _encode
from bson.binary import (
    CSHARP_LEGACY,
    JAVA_LEGACY,
    PYTHON_LEGACY,
    STANDARD,
    Binary,
    UuidRepresentation,
)
from bson.code import Code
from bson.codec_options import CodecOptions, TypeCodec, TypeDecoder, TypeRegistry
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.raw_bson import RawBSONDocument
from bson.regex import Regex
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import FixedOffset, utc

cbson = pytest.importorskip("bson._cbson")

SETTINGS = settings(max_examples=1500, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pure-Python decoding as bson/__init__.py does it (kept there when C is selected).
PURE_DECODE_ONE = getattr(bson, "_pure_decode_one", bson._decode_one)
PURE_ENCODE = _encode.encode_document


class Point:
    """A type only a custom codec knows."""

    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Point) and other.x == self.x


class PointCodec(TypeCodec):
    """Point as Binary subtype 0x90 holding digits; other Binary values pass through."""

    python_type = Point
    bson_type = Binary

    def transform_python(self, value: Point) -> Binary:
        return Binary(str(value.x).encode(), 0x90)

    def transform_bson(self, value: Binary) -> Any:
        if value.subtype == 0x90 and value.isdigit():
            return Point(int(value))
        return value


class ComplexCodec(TypeCodec):
    """complex as {"$complex": [real, imag]}; every decoded dict goes through it."""

    python_type = complex
    bson_type = dict

    def transform_python(self, value: complex) -> dict:
        return {"$complex": [value.real, value.imag]}

    def transform_bson(self, value: dict) -> Any:
        parts = value.get("$complex")
        if len(value) == 1 and isinstance(parts, list) and len(parts) == 2 and all(
                type(part) is float for part in parts):
            return complex(*parts)
        return value


class Int64AsInt(TypeDecoder):
    """A decoder for a type decoded inline by both codecs."""

    bson_type = Int64

    def transform_bson(self, value: Int64) -> int:
        return int(value)


def _fallback(value: Any) -> Any:
    """Sets become sorted lists; anything else comes back unchanged (still unencodable)."""
    return sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value


_REGISTRY = TypeRegistry([PointCodec(), ComplexCodec()], fallback_encoder=_fallback)
_DECODING_REGISTRY = TypeRegistry([Int64AsInt(), PointCodec()])

class Document(collections.abc.MutableMapping):
    """A document_class that is not a dict: filled and read through the mapping API."""

    def __init__(self) -> None:
        self._data: dict = {}

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._data[key]

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


OPTIONS = [
    CodecOptions(),
    CodecOptions(uuid_representation=STANDARD),
    CodecOptions(uuid_representation=JAVA_LEGACY, document_class=SON),
    CodecOptions(uuid_representation=CSHARP_LEGACY, tz_aware=True),
    CodecOptions(tz_aware=True, tzinfo=FixedOffset(-300, "EST"),
                 unicode_decode_error_handler="replace"),
    CodecOptions(document_class=RawBSONDocument),
    CodecOptions(type_registry=_REGISTRY, unicode_decode_error_handler="ignore"),
    CodecOptions(document_class=collections.OrderedDict),
    CodecOptions(document_class=Document, type_registry=_REGISTRY),
    CodecOptions(document_class=SON, type_registry=_DECODING_REGISTRY),
    CodecOptions(uuid_representation=UuidRepresentation.UNSPECIFIED,
                 type_registry=_DECODING_REGISTRY),
]

_clean_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_any_text = st.text(max_size=12)  # lone surrogates included: these cannot be encoded
_clean_keys = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                      max_size=6)
_bad_keys = st.one_of(st.text(max_size=4), st.sampled_from(["$ref", "$id", "a.b", "$x", "\x00",
                                                            5, None, b"k"]))
_datetimes = st.datetimes(min_value=datetime.datetime(1, 1, 2),
                          max_value=datetime.datetime(9999, 12, 30),
                          timezones=st.sampled_from([None, utc, FixedOffset(330, "IST"),
                                                     datetime.timezone.utc]))
_clean_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2 ** 63), 2 ** 63 - 1),
    st.integers(-(2 ** 63), 2 ** 63 - 1).map(Int64), st.floats(), _clean_text,
    st.binary(max_size=20), st.builds(Binary, st.binary(max_size=20), st.integers(0, 255)),
    st.uuids(), st.binary(min_size=12, max_size=12).map(ObjectId), _datetimes,
    st.integers(-(2 ** 63), 2 ** 63 - 1).map(DatetimeMS),
    st.builds(Regex, _clean_text.filter(lambda s: "\x00" not in s), st.integers(0, 127)),
    st.sampled_from([re.compile("a+b", re.I | re.M), re.compile(b"x", re.S)]),
    st.builds(Code, _clean_text), st.builds(Timestamp, st.integers(0, 2 ** 32 - 1),
                                            st.integers(0, 2 ** 32 - 1)),
    st.binary(min_size=16, max_size=16).map(Decimal128.from_bid),
    st.just(MinKey()), st.just(MaxKey()), st.integers(0, 9).map(Point),
    st.complex_numbers(allow_nan=False, allow_infinity=False),
    st.builds(DBRef, _clean_keys, st.integers(0, 9), st.one_of(st.none(), _clean_keys)),
)
# Values at least one of the two codecs must reject (or that test an edge of a type).
_bad_scalars = st.one_of(
    st.integers(2 ** 63, 2 ** 65), st.integers(-(2 ** 65), -(2 ** 63) - 1),
    st.integers(2 ** 63, 2 ** 64).map(Int64), _any_text,
    st.builds(Regex, _any_text, st.integers(-(2 ** 70), 2 ** 70)),
    st.builds(Regex, st.binary(max_size=6), st.integers(0, 127)),
    st.builds(Code, _any_text), st.just(object()), st.just({1, 2}), st.just(1j),
)


def _documents(keys: Any, values: Any) -> Any:
    pairs = st.lists(st.tuples(keys, values), max_size=5)
    return st.one_of(pairs.map(dict), pairs.map(SON))


def _nested(keys: Any, scalars: Any) -> Any:
    level1 = st.one_of(scalars, st.lists(scalars, max_size=4), st.tuples(scalars, scalars),
                       _documents(keys, scalars),
                       st.builds(Code, st.text(max_size=5), _documents(keys, scalars)))
    return _documents(keys, st.one_of(level1, st.lists(level1, max_size=3),
                                      _documents(keys, level1)))


# Mostly encodable documents; some with one bad key or value somewhere.
documents = st.one_of(
    _nested(_clean_keys, _clean_scalars), _nested(_clean_keys, _clean_scalars),
    _nested(st.one_of(_clean_keys, _bad_keys), st.one_of(_clean_scalars, _bad_scalars)))


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return "ok", function(*args)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return "error", type(exc), str(exc)


def _typed(value: Any) -> Any:
    """A comparable form that keeps types, key order and float bit patterns."""
    if isinstance(value, float):
        return float, "nan" if math.isnan(value) else repr(value)
    if isinstance(value, RawBSONDocument):
        return RawBSONDocument, value.raw
    if isinstance(value, (dict, Document)):
        return type(value), [(k, _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return list, [_typed(v) for v in value]
    if isinstance(value, Code):
        return Code, str(value), _typed(value.scope)
    if isinstance(value, DBRef):
        return DBRef, value.collection, _typed(value.id), value.database, _typed(
            value.as_doc())
    if isinstance(value, datetime.datetime):
        return datetime.datetime, value, value.tzinfo
    if isinstance(value, Binary):
        return Binary, bytes(value), value.subtype
    return type(value), value


@SETTINGS
@given(documents, st.booleans(), st.sampled_from(OPTIONS))
def test_encode_matches_pure(doc, check_keys, options):
    state = options._codec_state
    pure = _outcome(PURE_ENCODE, doc, check_keys, state)
    compiled = _outcome(cbson._encode_document, doc, check_keys, state)
    if pure[0] == "ok":
        assert compiled == ("ok", bytes(pure[1]))
    else:
        assert compiled == pure


def _decode_both(data: bytes, options: CodecOptions) -> None:
    state = options._codec_state
    pure = _outcome(PURE_DECODE_ONE, data, 0, state)
    compiled = _outcome(cbson._decode_one, data, 0, state)
    assert compiled[0] == pure[0], (pure, compiled)
    if pure[0] == "ok":
        assert _typed(compiled[1][0]) == _typed(pure[1][0])
        assert compiled[1][1] == pure[1][1]
    else:
        # Both raise the same type; messages differ only where the pure decoder reports
        # a low-level struct/index error the C decoder prevents by checking bounds first.
        assert compiled[1] is pure[1], (pure, compiled)


@SETTINGS
@given(documents, st.sampled_from(OPTIONS))
def test_decode_of_valid_documents_matches_pure(doc, options):
    try:
        data = bytes(PURE_ENCODE(doc, False, options._codec_state))
    except Exception:  # noqa: BLE001 - unencodable documents are test_encode's business
        return
    _decode_both(data, options)


@st.composite
def mutated(draw: Any) -> bytes:
    try:
        data = bytearray(PURE_ENCODE(draw(documents), False, OPTIONS[0]._codec_state))
    except Exception:  # noqa: BLE001
        data = bytearray(b"\x05\x00\x00\x00\x00")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "set", "cut", "insert", "delete"]))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "set" and data:
            data[at] = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 0x7F, 0x80, 0xFF]))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif action == "delete" and data:
            del data[at]
    return bytes(data)


@SETTINGS
@given(mutated(), st.sampled_from(OPTIONS))
def test_decode_of_mutated_bytes_matches_pure(data, options):
    _decode_both(data, options)


@SETTINGS
@given(st.binary(max_size=48), st.sampled_from(OPTIONS))
def test_decode_of_random_bytes_matches_pure(data, options):
    _decode_both(data, options)


def test_uuid_of_every_representation_matches_pure():
    value = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    for rep in (PYTHON_LEGACY, STANDARD, JAVA_LEGACY, CSHARP_LEGACY):
        state = CodecOptions(uuid_representation=rep)._codec_state
        data = cbson._encode_document({"u": value}, False, state)
        assert data == bytes(PURE_ENCODE({"u": value}, False, state))
        assert cbson._decode_one(data, 0, state)[0] == {"u": value}
