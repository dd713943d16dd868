"""Differential fuzzing of the compiled Extended JSON writer (bson/_cext/json_encode.c):
``json_util.dumps`` writes the same text, or raises the same exception, with and
without it, for random documents under every JSONOptions it takes and some it leaves
to the Python path."""
from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bson import _json_encode, json_util
from bson.binary import Binary
from bson.code import Code
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import FixedOffset, utc

pytest.importorskip("bson._cbson")
C_DUMPS = _json_encode._C_DUMPS
pytestmark = pytest.mark.skipif(C_DUMPS is None, reason="compares the compiled Extended JSON writer with the Python path; "
                                "the compiled codec is not built here or MONGOFW_NO_C is set")

SETTINGS = settings(max_examples=600, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DR = json_util.DatetimeRepresentation
OPTIONS = [
    json_util.RELAXED_JSON_OPTIONS, json_util.LEGACY_JSON_OPTIONS,
    json_util.JSONOptions(datetime_representation=DR.NUMBERLONG),
    json_util.JSONOptions(datetime_representation=DR.ISO8601),
    json_util.JSONOptions(strict_uuid=True), json_util.CANONICAL_JSON_OPTIONS,
    json_util.STRICT_JSON_OPTIONS,
]

MILLIS = st.integers(-62135596800000, 253402300799999)
ZONES = st.sampled_from([None, utc, FixedOffset(90, "p"), FixedOffset(-330, "m"),
                         datetime.timezone.utc])


def _datetime(millis: int, zone: Any, micros: int) -> datetime.datetime:
    value = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=millis,
                                                               microseconds=micros)
    if zone is None:
        return value
    try:
        return value.replace(tzinfo=utc).astimezone(zone)
    except OverflowError:
        return value


SCALARS = st.one_of(
    st.text(), st.text(alphabet=st.characters(max_codepoint=0x80)), st.integers(),
    st.integers(-(2 ** 70), 2 ** 70), st.floats(), st.booleans(), st.none(),
    st.binary(min_size=12, max_size=12).map(ObjectId),
    st.builds(_datetime, MILLIS, ZONES, st.integers(0, 999)),
    st.integers(-(2 ** 63), 2 ** 63 - 1).map(Int64), st.binary(max_size=20),
    st.tuples(st.text(max_size=5), st.integers(0, 127)).map(lambda t: Regex(*t)),
    st.just(Regex("a", re.I | re.M)), st.just(re.compile("x", re.S)),
    st.binary(max_size=10).map(lambda b: Binary(b, 5)), st.uuids(),
    st.text(max_size=10).map(Code), st.integers(0, 2 ** 32 - 1).map(lambda t: Timestamp(t, 3)),
    st.just(MinKey()), st.just(MaxKey()), st.just(Decimal128("-1.5E+3")),
    st.just(DatetimeMS(-5)), st.just(DBRef("c", 1)), st.just((1, "a")),
)
KEYS = st.one_of(st.text(max_size=6), st.sampled_from(["a", "$x", "é\u2028", "\U0001f600"]))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5),
        st.lists(st.tuples(KEYS, inner), max_size=4).map(SON),
        st.dictionaries(KEYS, inner, max_size=3).map(lambda d: Code("f()", d)),
        st.dictionaries(st.integers(0, 3), inner, max_size=2)),
    max_leaves=25,
)


def _outcome(doc: Any, options: Any, compiled: bool, **kwargs: Any) -> Any:
    saved = _json_encode._C_DUMPS
    _json_encode._C_DUMPS = C_DUMPS if compiled else None
    try:
        return ("ok", json_util.dumps(doc, json_options=options, **kwargs))
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return ("raised", type(exc), str(exc))
    finally:
        _json_encode._C_DUMPS = saved


@SETTINGS
@given(DOCUMENTS, st.sampled_from(OPTIONS))
def test_random_documents_are_written_the_same(doc: Any, options: Any) -> None:
    for value in (doc, {"v": doc, "n": [1, 2.5, None]}):
        assert _outcome(value, options, True) == _outcome(value, options, False)


@pytest.mark.parametrize("options", OPTIONS[:3])
@pytest.mark.parametrize("value", [
    float("nan"), float("inf"), -float("inf"), -0.0, 1e300, 5e-324, 2 ** 64, -(2 ** 63),
    Int64(-(2 ** 63)), "\x00\x1f\x7f\"\\/\b\f\n\r\t\u2028\ud800\U0010ffff", b"", b"a", b"ab",
    datetime.datetime(1969, 12, 31, 23, 59, 59, 999999), datetime.datetime(9999, 12, 31, 23, 59),
    datetime.datetime(1, 1, 1, tzinfo=FixedOffset(-60, "x")), Code("c", {}), Code("c", None),
    Regex("p", 0xFFFF), Regex(b"bytes", 2), Regex("p", "imx"), {1: 2}, {True: 1}, {None: 1},
    SON([("b", 1), ("a", [SON([("c", ObjectId("5a0b1c2d3e4f5a6b7c8d9e0f"))])])]),
    [[[[[]]]]], {"a": {"b": {"c": {}}}}, type("Sub", (dict,), {})(a=1), object(),
])
def test_edge_values(value: Any, options: Any) -> None:
    assert _outcome(value, options, True) == _outcome(value, options, False)
    assert _outcome([value], options, True) == _outcome([value], options, False)


def test_self_containing_and_deep_values_leave_it_to_the_python_path() -> None:
    loop: list = []
    loop.append(loop)
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    for value in (loop, deep, {"a": loop}):
        assert C_DUMPS(value, True, 2) is NotImplemented
        assert _outcome(value, json_util.RELAXED_JSON_OPTIONS, True) == _outcome(
            value, json_util.RELAXED_JSON_OPTIONS, False)


def test_extra_arguments_and_other_modes_use_the_python_path() -> None:
    doc = {"a": [1, 2], "b": ObjectId("5a0b1c2d3e4f5a6b7c8d9e0f")}
    for options in OPTIONS:
        for kwargs in ({}, {"indent": 2}, {"sort_keys": True}, {"separators": (",", ":")}):
            assert _outcome(doc, options, True, **kwargs) == _outcome(doc, options, False,
                                                                       **kwargs)
    assert C_DUMPS(doc, False, DR.ISO8601) is NotImplemented


def test_the_compiled_writer_takes_the_common_values() -> None:
    doc = {"_id": ObjectId("5a0b1c2d3e4f5a6b7c8d9e0f"), "s": "t\u00e9", "i": 1, "f": 2.5,
           "n": Int64(7), "b": True, "z": None, "d": datetime.datetime(2020, 1, 2, 3, 4, 5, 6000),
           "y": b"\x00\xff", "c": Code("f", {"a": [1]}), "t": Timestamp(1, 2), "m": MinKey(),
           "x": MaxKey(), "r": Regex("^a", "i"), "l": [SON([("k", 1)])], "inf": float("inf")}
    for options in OPTIONS[:3]:
        text = C_DUMPS(doc, options.json_mode == 1, options.datetime_representation)
        assert isinstance(text, str)
        assert _outcome(doc, options, False) == ("ok", text)
