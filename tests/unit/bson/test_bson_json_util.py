"""json_util: the documented 3.4 (LEGACY) output, Strict mode, Extended JSON v2 modes,
and loads of every form."""
from __future__ import annotations

import copy
import datetime
import json
import pickle
import re
import uuid

import pytest

from bson.binary import STANDARD, Binary, UuidRepresentation
from bson.code import Code
from bson.codec_options import TypeRegistry
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.json_util import (
    CANONICAL_JSON_OPTIONS,
    DEFAULT_JSON_OPTIONS,
    LEGACY_JSON_OPTIONS,
    RELAXED_JSON_OPTIONS,
    STRICT_JSON_OPTIONS,
    DatetimeRepresentation,
    JSONMode,
    JSONOptions,
    default,
    dumps,
    loads,
    object_hook,
    object_pairs_hook,
)
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import FixedOffset, utc
from tests.support.type_codecs import FunctionCodec

OID = ObjectId("57e193d7a9cc81b4027498b5")
U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
WHEN = datetime.datetime(2012, 12, 24, 12, 15, 30, 501000, tzinfo=utc)


def test_documented_option_reprs():
    utc_repr = repr(utc)
    assert repr(DEFAULT_JSON_OPTIONS) == (
        "JSONOptions(strict_number_long=False, datetime_representation=0, strict_uuid=False, "
        "document_class=dict, tz_aware=True, uuid_representation=PYTHON_LEGACY, "
        f"unicode_decode_error_handler='strict', tzinfo={utc_repr})")
    assert repr(STRICT_JSON_OPTIONS).startswith(
        "JSONOptions(strict_number_long=True, datetime_representation=2, strict_uuid=True, ")
    assert DEFAULT_JSON_OPTIONS is LEGACY_JSON_OPTIONS
    assert "json_mode=CANONICAL" in repr(CANONICAL_JSON_OPTIONS)


def test_modes_set_their_fields():
    assert (JSONMode.LEGACY, JSONMode.RELAXED, JSONMode.CANONICAL) == (0, 1, 2)
    assert (DatetimeRepresentation.LEGACY, DatetimeRepresentation.NUMBERLONG,
            DatetimeRepresentation.ISO8601) == (0, 1, 2)
    assert (RELAXED_JSON_OPTIONS.strict_number_long, RELAXED_JSON_OPTIONS.datetime_representation,
            RELAXED_JSON_OPTIONS.strict_uuid) == (False, 2, True)
    assert (CANONICAL_JSON_OPTIONS.strict_number_long,
            CANONICAL_JSON_OPTIONS.datetime_representation) == (True, 1)
    with pytest.raises(ValueError, match="json_mode must be"):
        JSONOptions(json_mode=7)
    with pytest.raises(ValueError, match="datetime_representation must be"):
        JSONOptions(datetime_representation=9)


def test_options_replace_pickle_copy():
    options = JSONOptions(strict_uuid=True, uuid_representation=STANDARD)
    changed = options._replace(tz_aware=False)
    assert changed.strict_uuid is True and changed.tz_aware is False and changed.tzinfo is None
    assert options.with_options(json_mode=JSONMode.CANONICAL).json_mode == JSONMode.CANONICAL
    for other in (pickle.loads(pickle.dumps(options)), copy.copy(options),
                  copy.deepcopy(options)):
        assert other == options and other.strict_uuid is True
    # Equality is CodecOptions' (PyMongo 3.4): the JSON fields do not take part.
    assert options == JSONOptions(uuid_representation=STANDARD)


LEGACY_FORMS = [
    (OID, {"$oid": "57e193d7a9cc81b4027498b5"}),
    (WHEN, {"$date": 1356351330501}),
    (Regex("a+", "im"), {"$regex": "a+", "$options": "im"}),
    (MinKey(), {"$minKey": 1}), (MaxKey(), {"$maxKey": 1}),
    (Timestamp(5, 7), {"$timestamp": {"t": 5, "i": 7}}),
    (Code("f"), {"$code": "f"}), (Code("f", {"x": 1}), {"$code": "f", "$scope": {"x": 1}}),
    (Binary(b"\x01\x02", 5), {"$binary": "AQI=", "$type": "05"}),
    (b"\x01\x02", {"$binary": "AQI=", "$type": "00"}),
    (U, {"$uuid": "00112233445566778899aabbccddeeff"}),
    (Int64(9), 9), (Decimal128("1.5"), {"$numberDecimal": "1.5"}),
    (DBRef("c", OID, "db"), {"$ref": "c", "$id": {"$oid": "57e193d7a9cc81b4027498b5"},
                             "$db": "db"}),
]


@pytest.mark.parametrize("value,expected", LEGACY_FORMS)
def test_default_output_is_the_34_form(value, expected):
    assert json.loads(dumps({"v": value})) == {"v": expected}


@pytest.mark.parametrize("value,expected", LEGACY_FORMS)
def test_default_output_loads_back(value, expected):
    loaded = loads(dumps({"v": value}))["v"]
    if type(value) is bytes:
        value = Binary(value, 0)  # PyMongo 3.4's loads gave subtype 0 as Binary
    assert loaded == (int(value) if isinstance(value, Int64) else value)


def test_strict_mode():
    text = dumps({"n": Int64(5), "d": WHEN, "u": U}, json_options=STRICT_JSON_OPTIONS)
    assert json.loads(text) == {"n": {"$numberLong": "5"},
                                "d": {"$date": "2012-12-24T12:15:30.501Z"},
                                "u": {"$binary": "ABEiM0RVZneImaq7zN3u/w==", "$type": "03"}}


def test_datetime_representations():
    numberlong = JSONOptions(datetime_representation=DatetimeRepresentation.NUMBERLONG)
    assert json.loads(dumps(WHEN, json_options=numberlong)) == {
        "$date": {"$numberLong": "1356351330501"}}
    iso = JSONOptions(datetime_representation=DatetimeRepresentation.ISO8601)
    before_epoch = datetime.datetime(1960, 1, 1, tzinfo=utc)
    assert json.loads(dumps(before_epoch, json_options=iso)) == {
        "$date": {"$numberLong": "-315619200000"}}
    plus_one = datetime.datetime(2012, 1, 1, 1, tzinfo=FixedOffset(60, "+1"))
    # Three fraction digits always, as PyMongo 3.4 wrote them.
    assert json.loads(dumps(plus_one, json_options=iso)) == {
        "$date": "2012-01-01T01:00:00.000+0100"}
    naive = datetime.datetime(2012, 1, 1)
    assert json.loads(dumps(naive, json_options=iso)) == {"$date": "2012-01-01T00:00:00.000Z"}


def test_canonical_and_relaxed_forms():
    doc = SON([("i", 1), ("l", Int64(2)), ("big", 2 ** 40), ("f", 1.5), ("inf", float("inf")),
               ("d", WHEN), ("r", Regex("a", "i")), ("b", Binary(b"\x01", 0x80))])
    assert json.loads(dumps(doc, json_options=CANONICAL_JSON_OPTIONS)) == {
        "i": {"$numberInt": "1"}, "l": {"$numberLong": "2"}, "big": {"$numberLong": "1099511627776"},
        "f": {"$numberDouble": "1.5"}, "inf": {"$numberDouble": "Infinity"},
        "d": {"$date": {"$numberLong": "1356351330501"}},
        "r": {"$regularExpression": {"pattern": "a", "options": "i"}},
        "b": {"$binary": {"base64": "AQ==", "subType": "80"}}}
    assert json.loads(dumps(doc, json_options=RELAXED_JSON_OPTIONS)) == {
        "i": 1, "l": 2, "big": 2 ** 40, "f": 1.5, "inf": {"$numberDouble": "Infinity"},
        "d": {"$date": "2012-12-24T12:15:30.501Z"},
        "r": {"$regularExpression": {"pattern": "a", "options": "i"}},
        "b": {"$binary": {"base64": "AQ==", "subType": "80"}}}


def test_canonical_double_text():
    assert dumps(1e16, json_options=CANONICAL_JSON_OPTIONS) == '{"$numberDouble": "1.0E+16"}'
    assert dumps(-1e-7, json_options=CANONICAL_JSON_OPTIONS) == '{"$numberDouble": "-1.0E-7"}'
    assert dumps(-0.0, json_options=CANONICAL_JSON_OPTIONS) == '{"$numberDouble": "-0.0"}'


def test_relaxed_dates_outside_iso_range_use_number_long():
    assert json.loads(dumps(DatetimeMS(253402300800000), json_options=RELAXED_JSON_OPTIONS)) == {
        "$date": {"$numberLong": "253402300800000"}}
    assert loads('{"$date": {"$numberLong": "253402300800000"}}') == DatetimeMS(253402300800000)


def test_loads_legacy_and_v2_forms():
    assert loads('{"$date": 1356351330501}') == WHEN
    assert loads('{"$date": "2012-12-24T12:15:30.501Z"}') == WHEN
    assert loads('{"$date": "2012-12-24T13:15:30.501+01:00"}') == WHEN
    assert loads('{"$date": "2012-12-24T13:15:30.501+0100"}') == WHEN
    assert loads('{"$binary": "AQI=", "$type": "05"}') == Binary(b"\x01\x02", 5)
    assert loads('{"$binary": {"base64": "AQI=", "subType": "5"}}') == Binary(b"\x01\x02", 5)
    assert loads('{"$uuid": "00112233445566778899aabbccddeeff"}') == U
    assert loads('{"$uuid": "00112233-4455-6677-8899-aabbccddeeff"}') == U
    assert loads('{"$regex": "a", "$options": "i"}') == Regex("a", "i")
    assert loads('{"$numberLong": "5"}') == Int64(5) and type(loads('{"$numberLong": "5"}')) is Int64
    assert loads('{"$symbol": "s"}') == "s"
    assert loads('{"$undefined": true}') is None
    assert loads('{"$regex": {"$gt": 1}}') == {"$regex": {"$gt": 1}}
    assert loads('{"$type": "string"}') == {"$type": "string"}


def test_loads_time_zone_options():
    naive = loads('{"$date": 0}', json_options=JSONOptions(tz_aware=False))
    assert naive == datetime.datetime(1970, 1, 1) and naive.tzinfo is None
    est = FixedOffset(-300, "EST")
    local = loads('{"$date": 0}', json_options=JSONOptions(tzinfo=est))
    assert local.tzinfo is est and local.hour == 19


def test_loads_document_class_keeps_order():
    loaded = loads('{"b": 1, "a": {"d": 2, "c": 3}}', json_options=JSONOptions(document_class=SON))
    assert type(loaded) is SON and list(loaded) == ["b", "a"] and list(loaded["a"]) == ["d", "c"]


@pytest.mark.parametrize("text,error,message", [
    ('{"$oid": "57e193d7a9cc81b4027498b5", "x": 1}', ValueError, "unexpected field"),
    ('{"$numberInt": "2147483648"}', ValueError, "does not fit in 32 bits"),
    ('{"$numberLong": "1.5"}', ValueError, "not a base-10 integer"),
    ('{"$numberDouble": "1,5"}', ValueError, "not a number"),
    ('{"$binary": "!!", "$type": "00"}', ValueError, "not valid base64"),
    ('{"$binary": {"base64": "", "subType": "100"}}', ValueError, "1 or 2 hex digits"),
    ('{"$uuid": "0011"}', ValueError, "8-4-4-4-12"),
    ('{"$timestamp": {"t": true, "i": 1}}', TypeError, "must be an integer"),
    ('{"$minKey": true}', ValueError, "integer 1"),
    ('{"$regularExpression": {"pattern": "a", "options": "q"}}', ValueError, "option 'q'"),
])
def test_bad_wrappers_raise(text, error, message):
    """Extended JSON v2 reads wrapper values strictly (LEGACY reads them as 3.4 did)."""
    with pytest.raises(error, match=message):
        loads(text, json_options=CANONICAL_JSON_OPTIONS)


def test_numeric_date_only_in_legacy_mode():
    assert loads('{"$date": 0}').year == 1970
    for options in (RELAXED_JSON_OPTIONS, CANONICAL_JSON_OPTIONS):
        with pytest.raises(TypeError, match="Bad \\$date"):
            loads('{"$date": 0}', json_options=options)


def test_hooks_and_default_directly():
    assert object_hook({"$oid": str(OID)}) == OID
    assert object_pairs_hook([("$numberLong", "3")]) == Int64(3)
    assert default(OID) == {"$oid": str(OID)}
    assert json.loads(json.dumps({"o": OID}, default=default)) == {"o": {"$oid": str(OID)}}
    with pytest.raises(TypeError, match="is not JSON serializable"):
        default(object())


def test_dumps_passes_json_arguments_and_keeps_son_order():
    text = dumps(SON([("b", 1), ("a", re.compile("x"))]), sort_keys=False, indent=None)
    assert text == '{"b": 1, "a": {"$regex": "x", "$options": "u"}}'


def test_dumps_applies_type_encoders_and_the_fallback_as_bson_encoding_does():
    codec = FunctionCodec(complex, lambda c: Binary(repr(c).encode(), 0x85), Binary,
                          lambda b: complex(b.decode()))
    options = JSONOptions(json_mode=JSONMode.RELAXED, type_registry=TypeRegistry(
        [codec], fallback_encoder=lambda v: sorted(v) if isinstance(v, set) else v))
    text = dumps({"c": 1 + 2j, "s": {2, 1}}, json_options=options)
    assert json.loads(text) == {"c": {"$binary": {"base64": "KDErMmop", "subType": "85"}},
                                "s": [1, 2]}
    # The fallback's result is not given to it again: json.dumps then refuses the value.
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"o": object()}, json_options=options)


def test_loads_does_not_apply_type_decoders():
    """Type decoders are for decoded BSON; loads returns Extended JSON's own types."""
    codec = FunctionCodec(complex, lambda c: Binary(repr(c).encode(), 0x85), Binary,
                          lambda b: complex(b.decode()))
    options = JSONOptions(type_registry=TypeRegistry([codec]))
    text = '{"c": {"$binary": "KDErMmop", "$type": "85"}}'
    assert loads(text, json_options=options) == {"c": Binary(b"(1+2j)", 0x85)}


def test_uuids_with_the_unspecified_representation():
    options = JSONOptions(uuid_representation=UuidRepresentation.UNSPECIFIED)
    legacy = '{"u": {"$binary": "ABEiM0RVZneImaq7zN3u/w==", "$type": "03"}}'
    assert loads(legacy, json_options=options) == {"u": Binary(U.bytes, 3)}
    legacy_uuid = '{"u": {"$uuid": "' + U.hex + '"}}'
    assert loads(legacy_uuid, json_options=options) == {"u": Binary(U.bytes, 4)}
    assert dumps({"u": U}, json_options=options) == legacy_uuid
    with pytest.raises(ValueError, match="UNSPECIFIED"):
        dumps({"u": U}, json_options=options.with_options(strict_uuid=True))


def test_uuid_subtype_names_of_313():
    from bson import json_util

    assert (json_util.ALL_UUID_SUBTYPES, json_util.UUID_SUBTYPE) == ((3, 4), 4)
