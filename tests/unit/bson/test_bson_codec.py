"""The codec: bson.BSON encode/decode, decode_all/iter/file_iter, is_valid, keys, limits."""
from __future__ import annotations

import array
import collections
import datetime
import io
import re
import uuid
from collections.abc import Mapping

import pytest

import bson
from bson import BSON, decode_all, decode_file_iter, decode_iter, gen_list_name, has_c, is_valid
from bson.binary import JAVA_LEGACY, STANDARD, Binary
from bson.code import Code
from bson.codec_options import CodecOptions
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.errors import InvalidBSON, InvalidDocument, InvalidStringData
from bson.int64 import Int64
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.son import SON
from bson.tz_util import FixedOffset, utc


def test_documented_decode_example():
    data = BSON.encode({"a": 1})
    assert type(BSON.decode(data)) is dict
    options = CodecOptions(document_class=collections.OrderedDict)
    decoded = BSON.decode(data, codec_options=options)
    assert type(decoded) is collections.OrderedDict and decoded == {"a": 1}


def test_encode_returns_bson_bytes():
    data = BSON.encode({"a": 1})
    assert isinstance(data, BSON) and isinstance(data, bytes)
    assert data == b"\x0c\x00\x00\x00\x10a\x00\x01\x00\x00\x00\x00"


def test_non_mapping_is_a_type_error():
    with pytest.raises(TypeError, match="encoder expected a mapping type but got: \\[1\\]"):
        BSON.encode([1])


@pytest.mark.parametrize("key", [1, b"a", None, ("t",)])
def test_non_string_keys_are_invalid_documents(key):
    with pytest.raises(InvalidDocument, match="documents must have only string keys"):
        BSON.encode({key: 1})


def test_nul_in_key_is_rejected():
    with pytest.raises(InvalidDocument, match="must not contain null character"):
        BSON.encode({"a\x00b": 1})
    with pytest.raises(InvalidDocument, match="must not contain null character"):
        BSON.encode({"x": {"a\x00": 1}})


@pytest.mark.parametrize("doc,message", [
    ({"$a": 1}, "must not start with '\\$'"), ({"a.b": 1}, "must not contain '.'"),
    ({"x": {"$y": 1}}, "must not start"), ({"x": [{"a.b": 1}]}, "must not contain '.'")])
def test_check_keys(doc, message):
    assert BSON.encode(doc).decode() == doc
    with pytest.raises(InvalidDocument, match=message):
        BSON.encode(doc, check_keys=True)


def test_check_keys_does_not_apply_to_dbref_fields():
    doc = {"r": DBRef("c", 1, "db")}
    assert BSON.encode(doc, check_keys=True).decode() == doc


def test_integers_pick_int32_or_int64_and_overflow():
    assert BSON.encode({"i": 2 ** 31 - 1})[4] == 0x10
    assert BSON.encode({"i": 2 ** 31})[4] == 0x12
    assert BSON.encode({"i": Int64(1)})[4] == 0x12
    decoded = BSON.encode({"a": 2 ** 40, "b": 5}).decode()
    assert type(decoded["a"]) is Int64 and type(decoded["b"]) is int
    for big in (2 ** 63, -(2 ** 63) - 1, Int64(2 ** 64)):
        with pytest.raises(OverflowError, match="8-byte ints"):
            BSON.encode({"i": big})
    with pytest.raises(OverflowError):
        BSON.encode({"i": [2 ** 70]})


def test_invalid_utf8_strings():
    with pytest.raises(InvalidStringData, match="valid UTF-8"):
        BSON.encode({"s": "\ud800"})
    with pytest.raises(InvalidStringData, match="valid UTF-8"):
        BSON.encode({"\ud800": 1})


def test_regex_nul_and_compiled_patterns():
    with pytest.raises(InvalidDocument, match="must not contain the NULL byte"):
        BSON.encode({"r": Regex("a\x00")})
    decoded = BSON.encode({"r": re.compile("^a", re.I)}).decode()
    assert decoded["r"] == Regex("^a", re.I | re.U)
    assert BSON.encode({"r": Regex("x", "mi")}).endswith(b"x\x00im\x00\x00")


def test_unknown_types_are_invalid_documents():
    with pytest.raises(InvalidDocument, match="cannot encode object: .*of type"):
        BSON.encode({"x": object()})
    with pytest.raises(InvalidDocument, match="cannot encode object"):
        BSON.encode({"x": datetime.date(2020, 1, 1)})


def test_id_goes_first_at_top_level_only():
    data = BSON.encode({"a": 1, "_id": 2, "sub": {"b": 1, "_id": 3}})
    assert list(data.decode()) == ["_id", "a", "sub"]
    assert list(data.decode()["sub"]) == ["b", "_id"]


def test_sequences_mappings_and_subclasses():
    class MyMapping(Mapping):
        def __getitem__(self, key):
            return {"k": 1}[key]

        def __iter__(self):
            return iter(["k"])

        def __len__(self):
            return 1

    class MyStr(str):
        pass

    doc = {"t": (1, 2), "m": MyMapping(), "s": MyStr("v"),
           "o": collections.OrderedDict(a=1), "son": SON([("z", 1)])}
    assert BSON.encode(doc).decode() == {"t": [1, 2], "m": {"k": 1}, "s": "v",
                                         "o": {"a": 1}, "son": {"z": 1}}
    # Only lists and tuples are arrays: a generator is refused, as PyMongo 3.4 did.
    with pytest.raises(InvalidDocument, match="cannot encode object"):
        BSON.encode({"g": (i for i in range(2))})


def test_binary_forms():
    assert BSON.encode({"b": b"ab"}).decode() == {"b": b"ab"}
    old = BSON.encode({"b": Binary(b"ab", 2)})
    assert old == bytes.fromhex("130000000562000600000002020000006162" + "00")
    assert old.decode() == {"b": Binary(b"ab", 2)}
    assert BSON.encode({"b": Binary(b"ab", 0x80)}).decode() == {"b": Binary(b"ab", 0x80)}


def test_uuid_representations():
    value = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    legacy = BSON.encode({"u": value})
    assert legacy[-18] == 3 and legacy.decode() == {"u": value}
    standard = BSON.encode({"u": value}, codec_options=CodecOptions(uuid_representation=STANDARD))
    assert standard[-18] == 4
    # Subtype 4 always decodes in RFC 4122 order and re-encodes per the options.
    assert standard.decode() == {"u": value}
    assert BSON.encode(standard.decode()) == legacy
    java = CodecOptions(uuid_representation=JAVA_LEGACY)
    assert BSON.encode({"u": value}, codec_options=java).decode(java) == {"u": value}
    assert BSON.encode({"u": value}, codec_options=java).decode() != {"u": value}


def test_datetimes():
    naive = datetime.datetime(2012, 12, 24, 12, 15, 30, 501999)
    decoded = BSON.encode({"d": naive}).decode()["d"]
    assert decoded == naive.replace(microsecond=501000), "truncated to the millisecond"
    assert decoded.tzinfo is None
    aware = datetime.datetime(2012, 12, 24, 13, 15, 30, 501000, tzinfo=FixedOffset(60, "+1"))
    assert BSON.encode({"d": aware}) == BSON.encode({"d": naive})
    tz_aware = BSON.encode({"d": aware}).decode(CodecOptions(tz_aware=True))["d"]
    assert tz_aware.tzinfo is utc and tz_aware == aware
    est = FixedOffset(-300, "EST")
    in_est = BSON.encode({"d": aware}).decode(CodecOptions(tz_aware=True, tzinfo=est))["d"]
    assert in_est.tzinfo is est and in_est == aware and in_est.hour == 7


@pytest.mark.parametrize("millis", [253402300800000, -62135596800001, 2 ** 63 - 1, -(2 ** 63)])
def test_dates_outside_datetime_range_decode_to_datetime_ms(millis):
    data = BSON.encode({"d": DatetimeMS(millis)})
    assert data.decode() == {"d": DatetimeMS(millis)}
    assert data.decode(CodecOptions(tz_aware=True)) == {"d": DatetimeMS(millis)}
    assert BSON.encode(data.decode()) == data


def test_tz_conversion_past_the_edge_gives_datetime_ms():
    data = BSON.encode({"d": datetime.datetime(1, 1, 1)})
    options = CodecOptions(tz_aware=True, tzinfo=FixedOffset(-300, "EST"))
    assert data.decode(options) == {"d": DatetimeMS(-62135596800000)}


def test_deprecated_types_decode_to_replacements():
    oid = "56e1fc72e0c917e9c4714161"
    pointer = bytes.fromhex("1A0000000C610002000000620056E1FC72E0C917E9C471416100")
    assert BSON(pointer).decode() == {"a": DBRef("b", ObjectId(oid))}
    assert BSON(bytes.fromhex("0E0000000E610002000000620000")).decode() == {"a": "b"}
    assert BSON(bytes.fromhex("0800000006610000")).decode() == {"a": None}


def test_dbref_only_for_string_ref():
    assert BSON.encode({"r": {"$ref": "c", "$id": 1}}).decode() == {"r": DBRef("c", 1)}
    assert BSON.encode({"r": {"$ref": 1, "$id": 1}}).decode() == {"r": {"$ref": 1, "$id": 1}}
    # A missing $id is None, as PyMongo 3.4 decoded it.
    assert BSON.encode({"r": {"$ref": "c"}}).decode() == {"r": DBRef("c", None)}
    with_db = BSON.encode({"r": DBRef("c", 1, "db", x=2)}).decode()["r"]
    assert with_db == DBRef("c", 1, "db", x=2)


def test_code_with_scope_round_trip():
    doc = {"c": Code("f", {"x": 1, "nested": {"y": [1]}}), "plain": Code("g")}
    assert BSON.encode(doc).decode() == doc


def test_unicode_decode_error_handler():
    bad = bytes.fromhex("0E00000002610002000000E90000")
    with pytest.raises(InvalidBSON):
        BSON(bad).decode()
    options = CodecOptions(unicode_decode_error_handler="replace")
    assert BSON(bad).decode(options) == {"a": "\ufffd"}
    ignore = CodecOptions(unicode_decode_error_handler="ignore")
    assert BSON(bad).decode(ignore) == {"a": ""}


def test_bool_must_be_zero_or_one():
    with pytest.raises(InvalidBSON, match="invalid boolean value 2"):
        BSON(bytes.fromhex("090000000862000200")).decode()


def test_decode_rejects_trailing_data_and_bad_envelopes():
    data = BSON.encode({"a": 1})
    with pytest.raises(InvalidBSON, match="trailing data"):
        BSON(data + b"\x00").decode()
    with pytest.raises(InvalidBSON, match="not enough data"):
        BSON(b"\x05\x00").decode()
    with pytest.raises(InvalidBSON, match="unknown BSON type 0x20"):
        BSON(bytes.fromhex("0800000020610000")).decode()


def test_decode_all_and_decode_iter():
    docs = [{"a": 1}, {"b": "x"}, {}]
    data = b"".join(BSON.encode(d) for d in docs)
    assert decode_all(data) == docs
    assert decode_all(bytearray(data)) == docs
    assert decode_all(b"") == []
    assert list(decode_iter(data)) == docs
    with pytest.raises(InvalidBSON):
        decode_all(data[:-1])
    with pytest.raises(TypeError, match="must be an instance of bytes"):
        decode_all("text")
    with pytest.raises(TypeError, match="codec_options must be an instance of CodecOptions"):
        decode_all(data, {})


def test_decode_file_iter_streams_and_rejects_truncation():
    docs = [{"big": "x" * 200_000}, {"a": 1}]
    data = b"".join(BSON.encode(d) for d in docs)
    assert list(decode_file_iter(io.BytesIO(data))) == docs
    for cut in (1, 3, 10, len(data) - 1):
        stream = decode_file_iter(io.BytesIO(data[:cut] if cut < 4 else data[:-cut]))
        with pytest.raises(InvalidBSON, match="cut off"):
            list(stream)
    with pytest.raises(InvalidBSON, match="invalid document size 2"):
        list(decode_file_iter(io.BytesIO(b"\x02\x00\x00\x00")))


def test_is_valid():
    assert is_valid(BSON.encode({"a": 1})) is True
    assert is_valid(b"\x05\x00\x00\x00\x00") is True
    assert is_valid(b"\x05\x00\x00\x00\x01") is False
    assert is_valid(BSON.encode({"a": 1}) + b"\x00") is False
    with pytest.raises(TypeError, match="must be an instance of bytes"):
        is_valid("text")


def test_gen_list_name_and_has_c():
    names = gen_list_name()
    first = [next(names) for _ in range(1002)]
    assert first[:3] == [b"0\x00", b"1\x00", b"2\x00"]  # documented, with the NUL
    assert first[999:] == [b"999\x00", b"1000\x00", b"1001\x00"]
    # True exactly when the compiled codec was built and selected (tests/unit/bson/test_cext.py).
    assert has_c() is (bson._c_codec is not None)


def test_internal_dict_to_bson():
    assert bson._dict_to_bson({"a": 1}, False) == bytes(BSON.encode({"a": 1}))


def test_self_referencing_document_is_invalid():
    doc: dict = {}
    doc["self"] = doc
    with pytest.raises(InvalidDocument, match="nested too deeply or contains itself"):
        BSON.encode(doc)


def test_deeply_nested_bson_raises_invalid_bson():
    depth = 5000
    data = b"\x00"
    for _ in range(depth):
        inner = data if data != b"\x00" else b""
        body = (b"\x03a\x00" + inner) if inner else b""
        data = (len(body) + 5).to_bytes(4, "little") + body + b"\x00"
    with pytest.raises(InvalidBSON, match="nested too deeply"):
        BSON(data).decode()


def test_module_level_encode_and_decode():
    """3.9's bson.encode returns plain bytes; bson.decode takes any bytes-like object."""
    son = SON([("b", 1), ("a", [1.5, "x"])])
    data = bson.encode(son)
    assert type(data) is bytes and data == bytes(BSON.encode(son))
    assert bson.decode(data) == {"b": 1, "a": [1.5, "x"]}
    for view in (bytearray(data), memoryview(data), array.array("B", data)):
        assert bson.decode(view) == {"b": 1, "a": [1.5, "x"]}
    assert type(bson.decode(data, codec_options=CodecOptions(document_class=SON))) is SON
    with pytest.raises(InvalidDocument, match="must not start with '\\$'"):
        bson.encode({"$x": 1}, check_keys=True)
    with pytest.raises(InvalidBSON, match="trailing data"):
        bson.decode(data + data)
    with pytest.raises(TypeError, match="must be an instance of bytes or another bytes-like"):
        bson.decode("text")


def test_decode_all_takes_any_bytes_like_object():
    data = bson.encode({"a": 1}) * 2
    assert decode_all(array.array("B", data)) == [{"a": 1}, {"a": 1}]


def test_re_type_and_get_data_and_view():
    assert bson.RE_TYPE is type(re.compile("x"))
    data = bson.encode({"a": 1})
    same, view = bson.get_data_and_view(data)
    assert same is data and view.tobytes() == data
    copied, view = bson.get_data_and_view(array.array("B", data))
    assert copied == data and type(copied) is bytes and view.nbytes == len(data)
