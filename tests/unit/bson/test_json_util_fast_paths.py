"""json_util's one-pass dumps (and fast loads) agree with the plain convert-then-json path.

``dumps`` writes through the standard library's C encoder for the LEGACY (without
strict_number_long) and RELAXED modes; these tests pin that it gives the very text of
``json.dumps(convert(obj))``, the pure path, on odd inputs and on the BSON corpus.
"""
from __future__ import annotations

import collections
import datetime
import enum
import json
import math
import re
import uuid
from collections.abc import Mapping

import pytest

import bson
from bson import _json_encode, json_util
from bson.binary import STANDARD, Binary
from bson.code import Code
from bson.codec_options import TypeEncoder, TypeRegistry
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
from bson.tz_util import utc
from tests.spec.loader import file_cases

JSONOptions, JSONMode = json_util.JSONOptions, json_util.JSONMode
FAST_OPTIONS = [
    json_util.DEFAULT_JSON_OPTIONS, json_util.RELAXED_JSON_OPTIONS,
    JSONOptions(json_mode=JSONMode.LEGACY, strict_uuid=True,
                datetime_representation=json_util.DatetimeRepresentation.ISO8601),
    JSONOptions(json_mode=JSONMode.LEGACY,
                datetime_representation=json_util.DatetimeRepresentation.NUMBERLONG),
    JSONOptions(json_mode=JSONMode.RELAXED, uuid_representation=STANDARD, tz_aware=True),
]
SLOW_OPTIONS = [json_util.CANONICAL_JSON_OPTIONS, json_util.STRICT_JSON_OPTIONS]


class Color(enum.IntEnum):
    RED = 1


class Text(str):
    pass


class Ordered(dict):
    def items(self):
        return reversed(list(super().items()))


class Look(Mapping):
    def __init__(self, data):
        self.data = data

    def __getitem__(self, key):
        return self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)


def _odd_values():
    oid = ObjectId("5a0b1c2d3e4f5a6b7c8d9e0f")
    when = datetime.datetime(2020, 5, 6, 7, 8, 9, 123000)
    return {
        "nan": math.nan, "inf": math.inf, "-inf": -math.inf, "float": 1.5, "neg0": -0.0,
        "int": 2 ** 40, "big": 2 ** 70, "int64": Int64(-5), "bool": True, "none": None,
        "enum": Color.RED, "text": Text("t"), "code": Code("f()"),
        "code_scope": Code("g()", {"x": Code("h()"), "y": [1, (2, Code("k"))]}),
        "code_son_scope": Code("s", SON([("b", 1), ("a", math.nan)])),
        "tuple": (1, Code("c"), [math.inf]), "set": {3}, "frozen": frozenset(),
        "son": SON([("z", 1), ("a", Code("q"))]), "ordered": Ordered(a=1, b=Code("x")),
        "look": Look({"k": Code("v"), "n": [oid]}), "odict": collections.OrderedDict(a=2),
        "raw": RawBSONDocument(bson.BSON.encode({"r": oid, "s": "x"})),
        "oid": oid, "bytes": b"\x00\x01", "binary": Binary(b"ab", 5), "binary0": Binary(b"z"),
        "uuid": uuid.UUID(int=7), "when": when, "aware": when.replace(tzinfo=utc),
        "before_epoch": datetime.datetime(1960, 1, 1), "far": datetime.datetime(9999, 12, 31),
        "ms": DatetimeMS(-5), "regex": Regex("^a", "im"), "bregex": Regex(b"b", 0),
        "re": re.compile("x+", re.I), "ts": Timestamp(3, 4), "min": MinKey(), "max": MaxKey(),
        "dec": Decimal128("1.5"), "dbref": DBRef("c", oid, "db", extra=Code("e")),
        "nested": {"a": [{"b": [math.nan, {"c": Code("d")}]}], "e": {"f": {}}},
        "list": [[], [[Int64(1)]], {}], "gen_like": range(3),
    }


@pytest.mark.parametrize("opts", FAST_OPTIONS + SLOW_OPTIONS,
                         ids=lambda o: f"{o.json_mode}-{o.strict_number_long}")
@pytest.mark.parametrize("key", sorted(_odd_values()))
def test_dumps_matches_the_plain_path_on_odd_values(key, opts):
    value = _odd_values()[key]
    for obj in ({key: value}, [value], {"outer": {"inner": [value, {key: value}]}}):
        expected = json.dumps(_json_encode.convert(obj, opts))
        assert json_util.dumps(obj, json_options=opts) == expected


@pytest.mark.parametrize("opts", FAST_OPTIONS)
def test_dumps_top_level_values_and_keyword_arguments(opts):
    doc = _odd_values()
    for top in (doc, list(doc.values()), SON(doc), Code("x"), ObjectId(), 5, "s", None,
                (1, 2), math.nan):
        assert json_util.dumps(top, json_options=opts) == \
            json.dumps(_json_encode.convert(top, opts))
    for kwargs in ({"indent": 2}, {"sort_keys": True}, {"separators": (",", ":")},
                   {"ensure_ascii": False}, {"allow_nan": True}):
        obj = {"b": doc["nested"], "a": "é", "c": doc["code_scope"], "d": doc["oid"]}
        assert json_util.dumps(obj, json_options=opts, **kwargs) == \
            json.dumps(_json_encode.convert(obj, opts), **kwargs)


def test_dumps_errors_are_the_plain_paths():
    class Unknown:
        pass

    for opts in FAST_OPTIONS:
        with pytest.raises(TypeError, match="Object of type Unknown is not JSON serializable"):
            json_util.dumps({"a": [Unknown()]}, json_options=opts)
        with pytest.raises(ValueError):
            json_util.dumps({"a": math.nan}, json_options=opts, allow_nan=False) \
                if opts.json_mode == JSONMode.LEGACY else \
                json.dumps(math.nan, allow_nan=False)
    cyclic: dict = {}
    cyclic["self"] = cyclic
    with pytest.raises(RecursionError):
        json_util.dumps(cyclic)


def test_dumps_uses_the_type_registry_like_the_plain_path():
    class Money:
        def __init__(self, cents):
            self.cents = cents

    class MoneyEncoder(TypeEncoder):
        python_type = Money

        def transform_python(self, value):
            return {"cents": Int64(value.cents), "code": Code("m")}

    for mode in (JSONMode.LEGACY, JSONMode.RELAXED):
        opts = JSONOptions(json_mode=mode, type_registry=TypeRegistry(
            [MoneyEncoder()], fallback_encoder=lambda v: str(v) if isinstance(v, complex)
            else v))
        obj = {"m": Money(5), "c": 1j, "l": [Money(1)]}
        assert json_util.dumps(obj, json_options=opts) == \
            json.dumps(_json_encode.convert(obj, opts))


def test_the_fast_path_does_not_change_the_callers_document():
    doc = {"a": Code("x"), "b": [math.nan, {"c": (1,)}]}
    before = repr(doc)
    json_util.dumps(doc, json_options=json_util.RELAXED_JSON_OPTIONS)
    assert repr(doc) == before and type(doc["b"][1]["c"]) is tuple


def _corpus_documents():
    for _id, (_path, _file, case) in file_cases(("bson-corpus",), key="valid"):
        yield bson.BSON(bytes.fromhex(case["canonical_bson"])).decode(
            json_util.JSONOptions(uuid_representation=STANDARD)
            if "subtype 0x04" in case["description"] else json_util.DEFAULT_JSON_OPTIONS)


def test_dumps_matches_the_plain_path_on_the_bson_corpus():
    docs = list(_corpus_documents())
    if not docs:
        pytest.skip("the BSON corpus (../shared/specs) is not here")
    for doc in docs:
        for opts in FAST_OPTIONS + SLOW_OPTIONS:
            try:
                expected = json.dumps(_json_encode.convert(doc, opts))
            except (TypeError, ValueError, OverflowError) as exc:
                with pytest.raises(type(exc)):
                    json_util.dumps(doc, json_options=opts)
                continue
            assert json_util.dumps(doc, json_options=opts) == expected


def _plain_loads(text, opts):
    return json.loads(text, object_pairs_hook=lambda pairs: json_util.object_pairs_hook(
        pairs, opts))


def _same(a, b):
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a.items()) == list(b.items()) or (list(a) == list(b) and all(
            _same(a[k], b[k]) is None for k in a))
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


LOADS_TEXTS = [
    '{"a": 1}', '[1, 2.5, "x", null, true]', '"$oid"', '{"a": "$notakey"}',
    '{"\\u0024oid": "5a0b1c2d3e4f5a6b7c8d9e0f"}', '{"a": {"$oid": "5a0b1c2d3e4f5a6b7c8d9e0f"}}',
    '{"a": 1, "a": 2}', '{"$oid": "5a0b1c2d3e4f5a6b7c8d9e0f", "$oid": "5a0b1c2d3e4f5a6b7c8d9e0e"}',
    '{"x": {"$numberLong": "7"}, "y": [{"$date": {"$numberLong": "5"}}]}',
    '{"$unknown": 1, "b": 2}', '{"b": 2, "$regex": "a", "$options": "i"}',
    '{"d": {"$date": "2020-01-02T03:04:05.678Z"}, "c": {"$code": "f", "$scope": {"s": 1}}}',
    '{"n": NaN, "i": Infinity, "e": 1e400}', '{"t": {"$timestamp": {"t": 1, "i": 2}}}',
    '{"u": {"$uuid": "00000000000000000000000000000007"}}',
    '{"b": {"$binary": {"base64": "AAE=", "subType": "04"}}}',
]
# Refused in some modes or by json itself.
LOADS_ERRORS = ['{"$oid": "5a0b1c2d3e4f5a6b7c8d9e0f", "extra": 1}', '{"$numberLong": 5}',
                '\ufeff{"a": 1}', '{"a": ', '{"$date": []}']


@pytest.mark.parametrize("opts", FAST_OPTIONS + SLOW_OPTIONS,
                         ids=lambda o: f"{o.json_mode}-{o.strict_number_long}")
def test_loads_matches_the_plain_path(opts):
    for text in LOADS_TEXTS + LOADS_ERRORS:
        try:
            expected = _plain_loads(text, opts)
        except Exception as exc:  # noqa: BLE001 - the same error either way
            with pytest.raises(type(exc)):
                json_util.loads(text, json_options=opts)
            continue
        _same(json_util.loads(text, json_options=opts), expected)


def test_loads_other_inputs_and_document_classes_take_the_plain_path():
    opts = JSONOptions(document_class=SON)
    doc = json_util.loads('{"b": 1, "a": {"$oid": "5a0b1c2d3e4f5a6b7c8d9e0f"}}',
                          json_options=opts)
    assert type(doc) is SON and list(doc) == ["b", "a"]
    assert json_util.loads(b'{"a": {"$numberLong": "3"}}') == {"a": Int64(3)}
    assert json_util.loads('{"a": 1}', parse_int=float) == {"a": 1.0}


def test_loads_matches_the_plain_path_on_the_corpus_extended_json():
    found = False
    for _id, (_path, _file, case) in file_cases(("bson-corpus",), key="valid"):
        for field in ("canonical_extjson", "relaxed_extjson", "degenerate_extjson"):
            if field not in case:
                continue
            found = True
            for opts in FAST_OPTIONS + SLOW_OPTIONS:
                try:
                    expected = _plain_loads(case[field], opts)
                except Exception as exc:  # noqa: BLE001
                    with pytest.raises(type(exc)):
                        json_util.loads(case[field], json_options=opts)
                    continue
                _same(json_util.loads(case[field], json_options=opts), expected)
    if not found:
        pytest.skip("the BSON corpus (../shared/specs) is not here")
