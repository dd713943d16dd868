"""Property tests: every type round-trips, and any byte string fed to any decode entry
point either decodes or raises InvalidBSON - nothing else, no hang."""
from __future__ import annotations

import datetime
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bson
from bson import json_util
from bson.binary import JAVA_LEGACY, STANDARD, Binary
from bson.code import Code
from bson.codec_options import CodecOptions
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.decimal128 import Decimal128, create_decimal128_context
from bson.errors import InvalidBSON
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.raw_bson import RawBSONDocument
from bson.regex import Regex
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import FixedOffset

SETTINGS = settings(max_examples=2000, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_keys = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00$"),
                max_size=8)
_int64 = st.integers(-(2 ** 63), 2 ** 63 - 1)
_uint32 = st.integers(0, 2 ** 32 - 1)
_millis_datetime = st.datetimes(min_value=datetime.datetime(1, 1, 1),
                                max_value=datetime.datetime(9999, 12, 31, 23, 59, 59)).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
_out_of_range_ms = st.one_of(st.integers(-(2 ** 63), -62135596800001),
                             st.integers(253402300800000, 2 ** 63 - 1)).map(DatetimeMS)
# Subtypes 3 and 4 of 16 bytes decode to UUID, subtype 0 to bytes: keep those out here.
_binary = st.builds(Binary, st.binary(max_size=20), st.integers(1, 255)).filter(
    lambda b: not (b.subtype in (3, 4) and len(b) == 16))
_regex_flags = st.sampled_from([0, re.I, re.M, re.S | re.X, re.I | re.M | re.S | re.U | re.X])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2 ** 31), 2 ** 31 - 1), _int64,
    _int64.map(Int64), st.floats(allow_nan=False), _text, st.binary(max_size=20), _binary,
    st.uuids(), st.binary(min_size=12, max_size=12).map(ObjectId), _millis_datetime,
    _out_of_range_ms,
    st.builds(Regex, _text.filter(lambda s: "\x00" not in s), _regex_flags),
    st.builds(Code, _text), st.builds(Timestamp, _uint32, _uint32),
    st.binary(min_size=16, max_size=16).map(Decimal128.from_bid),
    st.just(MinKey()), st.just(MaxKey()),
    st.builds(DBRef, _keys, _int64, st.one_of(st.none(), _keys)),
)


def _documents(values):
    return st.dictionaries(_keys, values, max_size=6)


# Nesting three levels deep, spelled out: st.recursive is several times slower to draw.
_level1 = st.one_of(scalars, st.lists(scalars, max_size=4), _documents(scalars),
                    st.builds(Code, _text, _documents(scalars)))
values = st.one_of(scalars, _level1, st.lists(_level1, max_size=3), _documents(_level1))
documents = _documents(values)


@SETTINGS
@given(documents)
def test_decode_of_encode_is_identity(doc):
    """decode(encode(doc)) == doc as dict, SON and RawBSONDocument, bytes unchanged."""
    data = bson.BSON.encode(doc)
    assert data.decode() == doc
    as_son = data.decode(CodecOptions(document_class=SON))
    assert as_son == doc
    assert bson.BSON.encode(as_son) == data
    raw = RawBSONDocument(bytes(data))
    assert bson.BSON.encode(raw) == data
    # Sub-documents of a RawBSONDocument are RawBSONDocuments (3.4): compare as BSON.
    assert bson.BSON.encode(dict(raw.items())) == data


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, st.uuids(), max_size=4),
       st.sampled_from([STANDARD, JAVA_LEGACY, 6]))
def test_uuid_round_trips_under_every_representation(doc, representation):
    options = CodecOptions(uuid_representation=representation)
    assert bson.BSON.encode(doc, codec_options=options).decode(options) == doc


_DEC128_CONTEXT = create_decimal128_context()
# Canonical Decimal128 values only: a random BID may be non-canonical or carry a NaN
# payload, which the text form ($numberDecimal) cannot keep.
_json_scalars = scalars.filter(lambda v: not isinstance(v, Decimal128)) | st.decimals(
    allow_nan=False).map(lambda d: Decimal128(_DEC128_CONTEXT.create_decimal(d)))
_json_level1 = st.one_of(_json_scalars, st.lists(_json_scalars, max_size=4),
                         _documents(_json_scalars))
_json_documents = _documents(st.one_of(_json_scalars, _json_level1,
                                       st.lists(_json_level1, max_size=3)))


@settings(max_examples=1000, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_json_documents)
def test_canonical_extended_json_round_trips(doc):
    """dumps then loads in canonical mode gives a document with the same BSON bytes."""
    options = json_util.CANONICAL_JSON_OPTIONS
    back = json_util.loads(json_util.dumps(doc, json_options=options), json_options=options)
    assert bson.BSON.encode(back) == bson.BSON.encode(doc)


_OPTIONS = [
    CodecOptions(),
    CodecOptions(document_class=SON, tz_aware=True, tzinfo=FixedOffset(-300, "EST"),
                 unicode_decode_error_handler="replace", uuid_representation=JAVA_LEGACY),
    CodecOptions(document_class=RawBSONDocument),
]


def _try_every_entry_point(data: bytes) -> None:
    """Decode ``data`` every way there is; only InvalidBSON may escape."""
    for options in _OPTIONS:
        for decode in (
                lambda o: bson.BSON(data).decode(o),
                lambda o: bson.decode_all(data, o),
                lambda o: list(bson.decode_iter(data, o)),
                lambda o: list(bson.decode_file_iter(io.BytesIO(data), o)),
                lambda o: dict(RawBSONDocument(data, o).items())):
            try:
                docs = decode(options)
            except InvalidBSON:
                continue
            # A raw document decodes lazily: touching it must not raise anything else.
            for doc in docs if isinstance(docs, list) else [docs]:
                try:
                    dict(doc.items())
                except InvalidBSON:
                    pass
    assert bson.is_valid(data) in (True, False)


@SETTINGS
@given(st.binary(max_size=64))
def test_random_bytes_raise_only_invalid_bson(data):
    _try_every_entry_point(data)


# Flat-ish documents are enough to mutate and much cheaper to generate.
_small_documents = _documents(st.one_of(scalars, st.lists(scalars, max_size=3),
                                        _documents(scalars)))


@st.composite
def mutated_documents(draw):
    data = bytearray(bson.BSON.encode(draw(_small_documents)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "set", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "set" and data:
            data[at] = draw(st.sampled_from([0, 1, 0x7F, 0x80, 0xFF, draw(st.integers(0, 255))]))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif action == "delete" and data:
            del data[at]
    return bytes(data)


@SETTINGS
@given(mutated_documents())
def test_mutated_documents_raise_only_invalid_bson(data):
    _try_every_entry_point(data)
