"""Differential fuzzing of the compiled Extended JSON reader (bson/_cext/json_decode.c):
``json_util.loads`` gives the same values (types included) with and without it, for the
text ``dumps`` writes in every mode, and the same result or the same exception for
edited, random and malformed text."""
from __future__ import annotations

import datetime
import functools
import json
import uuid
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bson import _json_decode, json_util
from bson.binary import Binary
from bson.code import Code
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.timestamp import Timestamp
from bson.tz_util import FixedOffset, utc

pytest.importorskip("bson._cbson")
C_LOADS = _json_decode._C_LOADS
pytestmark = pytest.mark.skipif(C_LOADS is None, reason="compares the compiled Extended JSON reader with the Python path; "
                                "the compiled codec is not built here or MONGOFW_NO_C is set")

SETTINGS = settings(max_examples=600, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

OPTIONS = [
    json_util.RELAXED_JSON_OPTIONS, json_util.CANONICAL_JSON_OPTIONS,
    json_util.LEGACY_JSON_OPTIONS, json_util.STRICT_JSON_OPTIONS,
    json_util.JSONOptions(json_mode=json_util.JSONMode.RELAXED, tz_aware=False),
    json_util.JSONOptions(json_mode=json_util.JSONMode.RELAXED, tzinfo=FixedOffset(-300, "x")),
    json_util.JSONOptions(json_mode=json_util.JSONMode.RELAXED, uuid_representation=4),
]

MILLIS = st.integers(-62135596800000, 253402300799999)
SCALARS = st.one_of(
    st.text(), st.integers(), st.floats(), st.booleans(), st.none(),
    st.binary(min_size=12, max_size=12).map(ObjectId),
    MILLIS.map(lambda ms: datetime.datetime(1970, 1, 1, tzinfo=utc)
               + datetime.timedelta(milliseconds=ms)),
    st.integers(-(2 ** 63), 2 ** 63 - 1).map(Int64),
    st.tuples(st.text(max_size=5), st.sampled_from(["", "i", "imsx", "u"])).map(
        lambda t: Regex(*t)),
    st.binary(max_size=20), st.binary(max_size=20).map(lambda b: Binary(b, 5)),
    st.uuids(), st.text(max_size=10).map(Code),
    st.integers(0, 2 ** 32 - 1).map(lambda t: Timestamp(t, 7)),
    st.just(MinKey()), st.just(MaxKey()), st.just(Decimal128("1.5")),
)
KEYS = st.one_of(st.text(max_size=6), st.sampled_from(["a", "_id", "$x", "$oid", "é", "k" * 40]))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(KEYS, inner, max_size=5),
                            st.dictionaries(KEYS, inner, max_size=3).map(
                                lambda d: Code("f()", d))),
    max_leaves=25,
)


def _outcome(text: str, options: Any, compiled: bool) -> Any:
    saved = _json_decode._C_LOADS
    _json_decode._C_LOADS = C_LOADS if compiled else None
    try:
        value = json_util.loads(text, json_options=options)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return ("raised", type(exc), str(exc))
    finally:
        _json_decode._C_LOADS = saved
    return ("ok", repr(value), list(_types(value)))


def _types(value: Any) -> Iterator[type]:
    yield type(value)
    if isinstance(value, dict):
        for key, item in value.items():
            yield type(key)
            yield from _types(item)
    elif isinstance(value, list):
        for item in value:
            yield from _types(item)


def _same(text: str, options: Any) -> None:
    assert _outcome(text, options, True) == _outcome(text, options, False), text


@SETTINGS
@given(DOCUMENTS, st.sampled_from(OPTIONS), st.sampled_from(OPTIONS))
def test_dumps_text_reads_the_same(doc: Any, write: Any, read: Any) -> None:
    _same(json_util.dumps({"v": doc}, json_options=write), read)
    _same(json_util.dumps(doc, json_options=write), read)


EDITS: list[Callable[[str, int], str]] = [
    lambda s, i: s[:i] + s[i + 1:],
    lambda s, i: s[:i] + s[i] * 2 + s[i:],
    lambda s, i: s[:i] + " " + s[i:],
    lambda s, i: s[:i],
    lambda s, i: s[:i] + '"$' + s[i:],
    lambda s, i: s[:i] + "\\u00e9\\ud800" + s[i:],
]


@SETTINGS
@given(DOCUMENTS, st.sampled_from(OPTIONS), st.data())
def test_edited_text_gives_the_same_value_or_exception(doc: Any, options: Any,
                                                       data: Any) -> None:
    text = json_util.dumps({"v": doc, "w": [1, 2.5]}, json_options=options)
    index = data.draw(st.integers(0, len(text) - 1))
    edit = data.draw(st.sampled_from(EDITS))
    _same(edit(text, index), options)


TOKENS = st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"$oid"', '"$date"', '"$numberLong"',
                          '"$binary"', '"base64"', '"subType"', '"00"', '"QQ=="', '"$code"',
                          '"$scope"', '"$timestamp"', '"t"', '"i"', '"$minKey"', '"$regex"',
                          '"$regularExpression"', '"pattern"', '"options"', '"$numberInt"',
                          '"5a0b1c2d3e4f5a6b7c8d9e0f"', '"1970-01-01T00:00:00Z"', '"12"',
                          '1', '-0', '1.5e3', '1e999', '12345678901234567890', 'true',
                          'null', 'NaN', '-Infinity', ' ', '\n', '"\\n\\"\\u0041"', '"\x01"',
                          '"é"', '"\U0001f600"', '-', '01', '1.', '"$undefined"', '"$ref"'])


@SETTINGS
@given(st.lists(TOKENS, max_size=30), st.sampled_from(OPTIONS))
def test_token_soup_gives_the_same_value_or_exception(tokens: list, options: Any) -> None:
    _same("".join(tokens), options)


@pytest.mark.parametrize("text", [
    '{"$oid": "5a0b1c2d3e4f5a6b7c8d9e0f"}', '{"$oid": "5A0B1C2D3E4F5A6B7C8D9E0F"}',
    '{"$oid": "5a0b1c2d3e4f5a6b7c8d9e0g"}', '{"$oid": 42}', '{"$numberLong": "-9223372036854775808"}',
    '{"$numberLong": "9223372036854775808"}', '{"$numberLong": " 5"}', '{"$numberLong": 5}',
    '{"$numberInt": "2147483648"}', '{"$numberInt": "-123456789"}',
    '{"$date": {"$numberLong": "253402300800000"}}', '{"$date": "2020-02-29T23:59:59.123456789Z"}',
    '{"$date": "2019-02-29T00:00:00Z"}', '{"$date": "0000-01-01T00:00:00Z"}',
    '{"$date": "2020-01-01T00:00:00+01:00"}', '{"$date": "2020-01-01T00:00:00.Z"}',
    '{"$date": 5}', '{"$binary": {"base64": "QQ==", "subType": "00"}}',
    '{"$binary": {"subType": "0", "base64": "QR=="}}', '{"$binary": {"base64": "Q===", "subType": "00"}}',
    '{"$binary": {"base64": "QQ", "subType": "00"}}', '{"$binary": {"base64": "QQ==", "subType": "04"}}',
    '{"$code": "f", "$scope": {"a": 1}}', '{"$scope": {}, "$code": "f"}', '{"$code": "f", "$scope": null}',
    '{"$timestamp": {"t": 1, "i": 2}}', '{"$timestamp": {"t": -1, "i": 2}}',
    '{"$timestamp": {"t": true, "i": 2}}', '{"$minKey": 1}', '{"$minKey": 2}',
    '{"$maxKey": 100000000000000000000}', '{"$regularExpression": {"pattern": "a", "options": "iq"}}',
    '{"$set": {"a": 1}}', '{"a": 1, "$oid": "x"}', '["\\ud83d\\ude00", "\\udc00"]', '\ufeff{}', '',
    '  [1, 2] ', '[1,]', '{"a" 1}', "1" * 5000, '[' * 3000 + ']' * 3000, '{"a": NaN}',
    '"\\u0024oid"', '{"\\u0024oid": "5a0b1c2d3e4f5a6b7c8d9e0f"}', '[-0.0, 1E+2, 3e-2]',
])
@pytest.mark.parametrize("options", OPTIONS[:4])
def test_edge_texts(text: str, options: Any) -> None:
    _same(text, options)


def test_the_compiled_reader_takes_the_common_forms() -> None:
    doc = {"_id": ObjectId(), "n": Int64(5), "d": datetime.datetime(2020, 1, 2, tzinfo=utc),
           "b": b"xy", "c": Code("f", {"a": 1}), "t": Timestamp(1, 2), "m": MinKey(),
           "r": Regex("a", "i"), "l": [1, 2.5, "s", None, True], "u": uuid.uuid4()}
    for options in OPTIONS[:2]:
        text = json_util.dumps(doc, json_options=options)
        value = C_LOADS(text, options, False, _json_decode.convert_object,
                        _json_decode._PARSERS)
        assert value is not NotImplemented
        hook = functools.partial(json_util.object_pairs_hook, json_options=options)
        assert value == json.loads(text, object_pairs_hook=hook)
