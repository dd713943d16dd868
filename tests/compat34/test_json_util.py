"""bson.json_util as PyMongo 3.4's: what dumps converts and writes, what loads reads
with the default (LEGACY) options."""
from __future__ import annotations

import binascii
import datetime
import json
import uuid

import pytest

from bson import json_util
from bson.binary import Binary
from bson.code import Code
from bson.dbref import DBRef
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.tz_util import utc

OID = ObjectId("0123456789ab0123456789ab")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=utc)


class QuerySetLike:
    """An iterable that is not a list, as MongoEngine's QuerySet.to_json hands dumps."""

    def __iter__(self):
        return iter([{"_id": OID}, {"n": 2}])


@pytest.mark.parametrize("value,expected", [
    ({1, 2}, "[1, 2]"), (frozenset([1]), "[1]"), (range(2), "[0, 1]"),
    ((i for i in range(2)), "[0, 1]"), ({"a": 1}.keys(), '["a"]'),
    (QuerySetLike(), '[{"_id": {"$oid": "0123456789ab0123456789ab"}}, {"n": 2}]'),
])
def test_dumps_converts_any_iterable_to_a_list(value, expected):
    assert json_util.dumps(value) == expected


def test_dumps_converts_an_object_with_items_to_a_document():
    class ItemsOnly:
        def items(self):
            return [("a", OID)]

    assert json_util.dumps(ItemsOnly()) == '{"a": {"$oid": "0123456789ab0123456789ab"}}'


def test_binary_subtype_0_round_trips_as_binary():
    assert json_util.loads(json_util.dumps(b"x")) == Binary(b"x", 0)
    assert json_util.loads(json_util.dumps(Binary(b"x", 0))) == Binary(b"x", 0)
    assert type(json_util.loads('{"$binary": "eA==", "$type": "00"}')) is Binary


@pytest.mark.parametrize("value", [datetime.datetime(1970, 1, 1), EPOCH])
def test_a_datetime_at_the_epoch_round_trips_in_legacy_mode(value):
    text = json_util.dumps(value)
    assert text == '{"$date": 0}'
    assert json_util.loads(text) == EPOCH


def test_iso8601_output_always_has_three_fraction_digits():
    strict = json_util.STRICT_JSON_OPTIONS
    assert json_util.dumps(EPOCH, json_options=strict) == '{"$date": "1970-01-01T00:00:00.000Z"}'
    assert json_util.loads(json_util.dumps(EPOCH, json_options=strict)) == EPOCH


@pytest.mark.parametrize("text,expected", [
    ('{"$date": 1.5}', EPOCH + datetime.timedelta(milliseconds=1)),
    ('{"$numberLong": 5}', Int64(5)),
    ('{"$numberLong": " 5 "}', Int64(5)),
    ('{"$numberLong": "99999999999999999999"}', Int64(99999999999999999999)),
    ('{"$minKey": true}', MinKey()), ('{"$maxKey": 0}', MaxKey()),
    ('{"$undefined": false}', None),
    ('{"$uuid": "{00000000-0000-0000-0000-000000000001}"}', uuid.UUID(int=1)),
    ('{"$uuid": "urn:uuid:00000000-0000-0000-0000-000000000001"}', uuid.UUID(int=1)),
    ('{"$binary": "eA==", "$type": 5}', Binary(b"x", 5)),
    ('{"$binary": "eA==", "$type": "ffffff80"}', Binary(b"x", 0x80)),
    ('{"$code": "f", "$scope": null}', Code("f")),
])
def test_legacy_loads_reads_wrapper_values_as_3_4_did(text, expected):
    result = json_util.loads(text)
    assert result == expected and type(result) is type(expected)


def test_regex_options_letters_unknown_to_3_4_are_ignored():
    assert repr(json_util.loads('{"$regex": "a", "$options": "igz"}')) == (
        "Regex('a', re.IGNORECASE)")


def test_a_bad_oid_value_is_invalid_id():
    from bson.errors import InvalidId
    with pytest.raises(InvalidId):
        json_util.loads('{"$oid": 42}')


def test_bad_base64_is_a_binascii_error():
    with pytest.raises(binascii.Error):
        json_util.loads('{"$binary": "e", "$type": "00"}')


def test_default_refuses_values_json_writes_itself():
    for value in (1, Int64(1), 1.5, True, None, "x"):
        with pytest.raises(TypeError, match="is not JSON serializable"):
            json_util.default(value)
    strict = json_util.JSONOptions(strict_number_long=True)
    assert json_util.default(Int64(1), strict) == {"$numberLong": "1"}


def test_default_gives_a_code_scope_as_it_is():
    result = json_util.default(Code("f", {"a": OID}))
    assert result == {"$code": "f", "$scope": {"a": OID}}
    assert json.loads(json.dumps({"o": OID}, default=json_util.default)) == {
        "o": {"$oid": "0123456789ab0123456789ab"}}


def test_json_options_compare_as_codec_options():
    assert json_util.JSONOptions() == json_util.JSONOptions(strict_uuid=True)
    assert hash(json_util.JSONOptions()) == hash(json_util.JSONOptions(strict_uuid=True))


def test_json_options_repr():
    assert repr(json_util.STRICT_JSON_OPTIONS) == (
        "JSONOptions(strict_number_long=True, datetime_representation=2, strict_uuid=True, "
        "document_class=dict, tz_aware=True, uuid_representation=PYTHON_LEGACY, "
        "unicode_decode_error_handler='strict', tzinfo=FixedOffset(datetime.timedelta(0), "
        "'UTC'))")


def test_difference_dumps_converts_bson_values_inside_a_code_scope():
    """3.4's dumps left the scope unconverted, so json.dumps raised TypeError on an
    ObjectId in it."""
    assert json_util.dumps(Code("f", {"a": OID})) == (
        '{"$code": "f", "$scope": {"a": {"$oid": "0123456789ab0123456789ab"}}}')


@pytest.mark.parametrize("text", [
    '{"$oid": "0123456789ab0123456789ab", "x": 1}', '{"$date": 0, "x": 1}',
    '{"$minKey": 1, "x": 1}', '{"$binary": "eA==", "$type": "00", "x": 1}',
    '{"$code": "f", "y": 1}', '{"$timestamp": {"t": 1, "i": 2, "x": 3}}',
    '{"$date": 0, "$oid": "0123456789ab0123456789ab"}',
])
def test_difference_a_wrapper_with_other_fields_is_a_value_error(text):
    """3.4 converted the wrapper and dropped the other fields without a word."""
    with pytest.raises(ValueError, match="unexpected field"):
        json_util.loads(text)


def test_difference_a_regex_with_other_fields_stays_a_document():
    """3.4 made a Regex and dropped the rest; a $regex that is not a string (the query
    operator around $regularExpression) raised TypeError in 3.4."""
    assert json_util.loads('{"$regex": "a", "$options": "i", "x": 1}') == {
        "$regex": "a", "$options": "i", "x": 1}
    assert json_util.loads('{"$regex": 1}') == {"$regex": 1}


def test_difference_dbref_extra_fields_are_kept():
    """3.4's loads dropped a DBRef's extra fields."""
    assert json_util.loads('{"$ref": "c", "$id": 1, "foo": "bar"}') == DBRef("c", 1, foo="bar")


def test_difference_dbref_without_id_or_with_a_non_string_ref_stays_a_document():
    """3.4's loads raised KeyError (no $id) or TypeError (non-string $ref)."""
    assert json_util.loads('{"$ref": "c"}') == {"$ref": "c"}
    assert json_util.loads('{"$ref": 1, "$id": 1}') == {"$ref": 1, "$id": 1}


def test_difference_malformed_wrappers_raise_value_errors_that_say_why():
    """3.4 failed with an incidental KeyError (a $binary without $type)."""
    with pytest.raises(ValueError, match="missing field"):
        json_util.loads('{"$binary": "eA=="}')


def test_difference_binary_subtype_3_or_4_not_16_bytes_stays_binary():
    """3.4 raised ValueError ("bytes is not a 16-char string")."""
    assert json_util.loads('{"$binary": "eA==", "$type": "03"}') == Binary(b"x", 3)


def test_difference_iso_dates_without_fraction_and_dates_beyond_datetime_are_read():
    """3.4 required fractional seconds (ValueError) and raised OverflowError past 9999."""
    assert json_util.loads('{"$date": "2000-01-01T00:00:00Z"}') == datetime.datetime(
        2000, 1, 1, tzinfo=utc)
    from bson.datetime_ms import DatetimeMS
    assert json_util.loads('{"$date": 253402300800000}') == DatetimeMS(253402300800000)


@pytest.mark.parametrize("text,expected", [
    ('{"$numberInt": "5"}', 5), ('{"$numberDouble": "5.5"}', 5.5), ('{"$symbol": "x"}', "x"),
])
def test_difference_extended_json_v2_wrappers_are_read(text, expected):
    """3.4 left these (newer) wrappers as documents with $-prefixed keys."""
    assert json_util.loads(text) == expected


def test_difference_json_options_replace_pickle_and_copy_work():
    """3.4's _replace returned a JSONOptions without its JSON fields, and pickling or
    copying one raised TypeError."""
    import copy
    import pickle
    strict = json_util.STRICT_JSON_OPTIONS
    assert strict._replace(tz_aware=False).strict_uuid is True
    assert pickle.loads(pickle.dumps(strict)).strict_uuid is True
    assert copy.copy(strict).strict_number_long is True


def test_difference_a_bad_datetime_representation_is_a_value_error():
    """3.4 raised pymongo.errors.ConfigurationError, which bson (standing alone, under
    pymongo) cannot raise."""
    with pytest.raises(ValueError, match="datetime_representation must be"):
        json_util.JSONOptions(datetime_representation=5)
