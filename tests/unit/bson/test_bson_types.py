"""Equality, hashing, repr, pickling and copying of the small bson value types."""
from __future__ import annotations

import copy
import datetime
import pickle
import re
import uuid

import pytest

from bson.binary import (
    ALL_UUID_REPRESENTATIONS,
    BINARY_SUBTYPE,
    CSHARP_LEGACY,
    FUNCTION_SUBTYPE,
    JAVA_LEGACY,
    MD5_SUBTYPE,
    OLD_BINARY_SUBTYPE,
    OLD_UUID_SUBTYPE,
    PYTHON_LEGACY,
    STANDARD,
    USER_DEFINED_SUBTYPE,
    UUID_SUBTYPE,
    Binary,
    UUIDLegacy,
)
from bson.code import Code
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.regex import Regex
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import FixedOffset, utc

U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")


def _copies(value):
    """The value through every pickle protocol, copy.copy and copy.deepcopy."""
    out = [pickle.loads(pickle.dumps(value, protocol))
           for protocol in range(pickle.HIGHEST_PROTOCOL + 1)]
    return out + [copy.copy(value), copy.deepcopy(value)]


def test_binary_constants():
    assert (BINARY_SUBTYPE, FUNCTION_SUBTYPE, OLD_BINARY_SUBTYPE, OLD_UUID_SUBTYPE,
            UUID_SUBTYPE, MD5_SUBTYPE, USER_DEFINED_SUBTYPE) == (0, 1, 2, 3, 4, 5, 128)
    assert (STANDARD, PYTHON_LEGACY, JAVA_LEGACY, CSHARP_LEGACY) == (4, 3, 5, 6)
    # 3.11 added UNSPECIFIED (0); the tuple's order is 3.13's.
    assert ALL_UUID_REPRESENTATIONS == (0, 4, 3, 5, 6)


def test_binary_value_semantics():
    value = Binary(b"abc", 5)
    assert value.subtype == 5
    assert bytes(value) == b"abc"
    assert value == Binary(b"abc", 5)
    assert value != Binary(b"abc", 6)
    assert value != b"abc"
    assert hash(value) == hash(Binary(b"abc", 5))
    assert repr(value) == "Binary(b'abc', 5)"
    assert Binary(b"x").subtype == BINARY_SUBTYPE
    for other in _copies(value):
        assert other == value and type(other) is Binary


@pytest.mark.parametrize("args,error", [
    (("text",), TypeError), ((b"x", "5"), TypeError), ((b"x", 256), ValueError),
    ((b"x", -1), ValueError)])
def test_binary_rejects_bad_arguments(args, error):
    with pytest.raises(error, match="data|subtype"):
        Binary(*args)


def test_uuid_legacy():
    value = UUIDLegacy(U)
    assert value.uuid == U
    assert value.subtype == OLD_UUID_SUBTYPE
    assert bytes(value) == U.bytes
    assert value == Binary(U.bytes, 3)
    assert repr(value) == "UUIDLegacy('00112233-4455-6677-8899-aabbccddeeff')"
    for other in _copies(value):
        assert type(other) is UUIDLegacy and other.uuid == U
    with pytest.raises(TypeError, match="uuid.UUID"):
        UUIDLegacy("00112233-4455-6677-8899-aabbccddeeff")


def test_code_scope_rules():
    assert Code("f").scope is None
    assert Code("f", {"a": 1}).scope == {"a": 1}
    assert Code("f", {"a": 1}, a=2, b=3).scope == {"a": 2, "b": 3}
    inner = Code("g", {"x": 1})
    outer = Code(inner, {"y": 2})
    assert str(outer) == "g" and outer.scope == {"x": 1, "y": 2}
    assert inner.scope == {"x": 1}, "the inner Code's scope is not modified"
    assert Code("f", y=1).scope == {"y": 1}


def test_code_value_semantics():
    value = Code("return x", {"x": 1})
    assert value == Code("return x", {"x": 1})
    assert value != Code("return x")
    assert value != "return x"
    with pytest.raises(TypeError):
        hash(value)  # unhashable, as in PyMongo 3.4
    assert repr(value) == "Code('return x', {'x': 1})"
    assert repr(Code("f")) == "Code('f', None)"
    for other in _copies(value):
        assert other == value and type(other) is Code


def test_code_rejects_bad_arguments():
    with pytest.raises(TypeError, match="code must be an instance of str"):
        Code(b"f")
    with pytest.raises(TypeError, match="scope must be an instance of dict"):
        Code("f", [1])


def test_dbref_fields_and_document():
    ref = DBRef("coll", 5, "db", foo="bar", _extra={"n": 1})
    assert (ref.collection, ref.id, ref.database) == ("coll", 5, "db")
    assert ref.foo == "bar" and ref.n == 1
    assert list(ref.as_doc().items()) == [("$ref", "coll"), ("$id", 5), ("$db", "db"),
                                          ("foo", "bar"), ("n", 1)]
    assert isinstance(ref.as_doc(), SON)
    with pytest.raises(AttributeError):
        ref.missing  # noqa: B018


def test_dbref_value_semantics():
    ref = DBRef("coll", 5, "db", foo="bar")
    assert ref == DBRef("coll", 5, "db", foo="bar")
    assert ref != DBRef("coll", 5, "db")
    assert ref != DBRef("coll", 5, foo="bar")
    assert hash(ref) == hash(DBRef("coll", 5, "db", foo="bar"))
    assert repr(ref) == "DBRef('coll', 5, 'db', foo='bar')"
    assert repr(DBRef("c", 1)) == "DBRef('c', 1)"
    for other in _copies(ref):
        assert other == ref and other.foo == "bar"


def test_dbref_rejects_non_string_names():
    with pytest.raises(TypeError, match="collection must be an instance of str"):
        DBRef(1, 1)
    with pytest.raises(TypeError, match="database must be an instance of str"):
        DBRef("c", 1, 5)


def test_int64():
    value = Int64(7)
    assert value == 7 and isinstance(value, int)
    assert repr(value) == "7"  # PyMongo 3.4's Int64 printed as the int it is
    assert hash(value) == hash(7)
    for other in _copies(value):
        assert type(other) is Int64 and other == 7


def test_min_and_max_key_ordering():
    assert MinKey() == MinKey() and MaxKey() == MaxKey()
    assert MinKey() != MaxKey()
    for other in (0, "a", None, MaxKey()):
        assert MinKey() < other and other > MinKey()
    for other in (0, "a", None, MinKey()):
        assert MaxKey() > other and other < MaxKey()
    assert MinKey() <= MinKey() and MaxKey() >= MaxKey()
    assert not MinKey() < MinKey() and not MaxKey() > MaxKey()
    assert hash(MinKey()) == hash(MinKey()) and hash(MaxKey()) == hash(MaxKey())
    assert (repr(MinKey()), repr(MaxKey())) == ("MinKey()", "MaxKey()")
    for key in (MinKey(), MaxKey()):
        for other in _copies(key):
            assert other == key


def test_timestamp():
    ts = Timestamp(123456789, 42)
    assert (ts.time, ts.inc) == (123456789, 42)
    assert ts == Timestamp(123456789, 42) and ts != Timestamp(123456789, 43)
    assert Timestamp(1, 5) < Timestamp(2, 0) < Timestamp(2, 1)
    assert Timestamp(2, 1) >= Timestamp(2, 1) > Timestamp(2, 0)
    assert hash(ts) == hash(Timestamp(123456789, 42))
    assert repr(ts) == "Timestamp(123456789, 42)"
    assert ts.as_datetime() == datetime.datetime(1973, 11, 29, 21, 33, 9, tzinfo=utc)
    for other in _copies(ts):
        assert other == ts


def test_timestamp_from_datetimes():
    naive = datetime.datetime(1970, 1, 2)
    aware = datetime.datetime(1970, 1, 2, 1, tzinfo=FixedOffset(60, "+1"))
    assert Timestamp(naive, 0).time == 86400
    assert Timestamp(aware, 0).time == 86400


@pytest.mark.parametrize("args,error,message", [
    (("1", 0), TypeError, "time must be"), ((1, 1.5), TypeError, "inc must be"),
    ((-1, 0), ValueError, "time must be contained"), ((0, 2 ** 32), ValueError, "inc must be")])
def test_timestamp_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        Timestamp(*args)


def test_regex():
    regex = Regex("^a.*", "im")
    assert regex.flags == re.I | re.M
    assert regex == Regex("^a.*", re.I | re.M)
    assert regex != Regex("^a.*", "i")
    assert repr(regex) == "Regex('^a.*', re.IGNORECASE|re.MULTILINE)"
    assert regex.try_compile().match("ABC")
    for other in _copies(regex):
        assert other == regex
    with pytest.raises(TypeError):
        hash(regex)


def test_regex_from_native_documented_example():
    pattern = re.compile(".*")
    regex = Regex.from_native(pattern)
    assert regex.flags & re.UNICODE
    regex.flags ^= re.UNICODE
    assert regex == Regex(".*", 0)
    with pytest.raises(TypeError, match="compiled regular expression"):
        Regex.from_native(".*")


def test_regex_ignores_unknown_flag_letters_and_rejects_other_flag_types():
    assert Regex("a", "iq").flags == re.I  # PyMongo 3.4 ignored letters it did not know
    with pytest.raises(TypeError, match="flags must be"):
        Regex("a", 1.5)


def test_fixed_offset_and_utc():
    est = FixedOffset(-300, "EST")
    moment = datetime.datetime(2020, 1, 1)
    assert est.utcoffset(moment) == datetime.timedelta(hours=-5)
    assert est.tzname(moment) == "EST"
    assert est.dst(moment) == datetime.timedelta(0)
    assert FixedOffset(datetime.timedelta(minutes=90), "x").utcoffset(None) == (
        datetime.timedelta(minutes=90))
    assert utc.utcoffset(None) == datetime.timedelta(0) and utc.tzname(None) == "UTC"
    for other in _copies(est):
        assert other.utcoffset(None) == est.utcoffset(None) and other.tzname(None) == "EST"


def test_datetime_ms():
    value = DatetimeMS(253402300800000)
    assert int(value) == 253402300800000
    assert value == DatetimeMS(253402300800000) and value != DatetimeMS(0)
    assert DatetimeMS(0) < value
    assert repr(value) == "DatetimeMS(253402300800000)"
    assert DatetimeMS(1000).as_datetime() == datetime.datetime(1970, 1, 1, 0, 0, 1, tzinfo=utc)
    with pytest.raises(OverflowError):
        value.as_datetime()
    with pytest.raises(OverflowError, match="signed 64-bit"):
        DatetimeMS(2 ** 63)
    with pytest.raises(TypeError, match="must be an int"):
        DatetimeMS(1.5)
    for other in _copies(value):
        assert other == value
