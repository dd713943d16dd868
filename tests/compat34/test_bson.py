"""The bson module's codec at the edges, as PyMongo 3.4 encoded and decoded."""
from __future__ import annotations

import datetime
import struct
import uuid

import pytest

import bson
from bson import BSON, decode_all, decode_iter, gen_list_name
from bson.binary import JAVA_LEGACY, STANDARD, Binary
from bson.code import Code
from bson.codec_options import CodecOptions
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.errors import InvalidBSON, InvalidDocument, InvalidStringData
from bson.regex import Regex
from bson.son import SON


def _round_trip(doc, **options):
    return BSON.encode(doc).decode(CodecOptions(**options))


def test_subdocument_with_ref_and_no_id_is_a_dbref_with_id_none():
    assert _round_trip({"a": SON([("$ref", "coll")])}) == {"a": DBRef("coll", None)}
    assert _round_trip({"a": [SON([("$ref", "coll")])]}) == {"a": [DBRef("coll", None)]}
    assert _round_trip({"a": SON([("$ref", "c"), ("x", 1)])}) == {"a": DBRef("c", None, x=1)}


def test_subtype_3_decodes_to_a_uuid_under_standard():
    """3.4 (and this driver) read a 16-byte subtype 3 as a UUID in Python's byte order
    whatever the representation; the newer UUID specification would give a Binary."""
    value = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    data = BSON.encode({"a": Binary(value.bytes, 3)})
    assert data.decode(CodecOptions(uuid_representation=STANDARD)) == {"a": value}


def test_code_scope_is_decoded_with_the_document_class():
    decoded = _round_trip({"a": Code("x", {"b": 1})}, document_class=SON)
    assert type(decoded["a"].scope) is SON and decoded["a"].scope == {"b": 1}


def test_regex_options_decode_to_re_flags_and_unknown_letters_are_dropped():
    data = b"\x0e\x00\x00\x00\x0ba\x00x\x00imq\x00\x00"
    assert repr(BSON(data).decode()) == "{'a': Regex('x', re.IGNORECASE|re.MULTILINE)}"


def test_unknown_error_handler_fails_only_on_bad_utf8_with_invalid_bson():
    options = CodecOptions(unicode_decode_error_handler="bogus")
    assert BSON.encode({"a": "x"}).decode(options) == {"a": "x"}
    bad = b"\x0e\x00\x00\x00\x02a\x00\x02\x00\x00\x00\xff\x00\x00"
    with pytest.raises(InvalidBSON, match="bogus"):
        BSON(bad).decode(options)
    with pytest.raises(InvalidBSON):
        decode_all(bad, options)


def test_gen_list_name_yields_keys_with_their_nul():
    names = gen_list_name()
    assert [next(names) for _ in range(2)] == [b"0\x00", b"1\x00"]


def test_a_generator_is_not_encoded():
    with pytest.raises(InvalidDocument, match="generator"):
        BSON.encode({"a": (i for i in range(2))})


def test_a_bytes_regex_pattern_must_be_utf8():
    with pytest.raises(InvalidStringData, match="must be valid UTF-8"):
        BSON.encode({"a": Regex(b"\xff")})


def test_top_level_id_is_written_first():
    assert BSON.encode({"a": 1, "_id": 2}) == BSON.encode(SON([("_id", 2), ("a", 1)]))


def test_decode_all_of_a_str_is_a_type_error():
    """3.4's compiled decode_all raised TypeError for a str (its pure code InvalidBSON)."""
    with pytest.raises(TypeError):
        decode_all("abc")


def test_difference_subdocument_with_a_non_string_ref_stays_a_document():
    """3.4 could not decode these (DBRef raised TypeError, turned into InvalidBSON);
    ours keeps the document, as the DBRef specification says."""
    assert _round_trip({"a": SON([("$ref", 1), ("$id", 2)])}) == {"a": {"$ref": 1, "$id": 2}}
    decoded = _round_trip({"a": SON([("$ref", "c"), ("$id", 2), ("$db", 1)])})
    assert BSON.encode(decoded) == BSON.encode({"a": SON([("$ref", "c"), ("$id", 2),
                                                          ("$db", 1)])})


def test_difference_binary_subtype_3_and_4_that_is_not_16_bytes_stays_binary():
    """3.4 raised InvalidBSON ("bytes is not a 16-char string") on these valid values."""
    assert _round_trip({"a": Binary(b"x", 3)}) == {"a": Binary(b"x", 3)}
    assert _round_trip({"a": Binary(b"x", 4)}) == {"a": Binary(b"x", 4)}


def test_difference_subtype_4_is_always_rfc_4122_order():
    """3.4 applied JAVA_LEGACY/CSHARP_LEGACY byte orders to subtype 4 too, decoding a
    STANDARD UUID to a different UUID.  Those orders belong to subtype 3 only."""
    value = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    data = BSON.encode({"a": Binary(value.bytes, 4)})
    assert data.decode(CodecOptions(uuid_representation=JAVA_LEGACY)) == {"a": value}


def test_difference_dates_outside_datetime_range_decode_to_datetime_ms():
    """3.4 raised InvalidBSON for a valid BSON date beyond year 9999 or before year 1."""
    data = b"\x10\x00\x00\x00\x09a\x00" + struct.pack("<q", 2 ** 62) + b"\x00"
    assert BSON(data).decode() == {"a": DatetimeMS(2 ** 62)}


def test_difference_pre_epoch_sub_millisecond_datetimes_truncate_toward_the_past():
    """3.4 truncated toward zero, moving 1969-12-31 23:59:59.999999 to 1970-01-01."""
    moment = datetime.datetime(1969, 12, 31, 23, 59, 59, 999999)
    assert _round_trip({"a": moment}) == {"a": datetime.datetime(1969, 12, 31, 23, 59, 59,
                                                                 999000)}


def test_difference_decoders_take_bytes_like_data():
    """3.4's decode_all and decode_iter refused a bytearray or memoryview (TypeError from
    the compiled codec); ours decode them as bytes."""
    data = BSON.encode({"a": 1})
    assert decode_all(bytearray(data)) == [{"a": 1}]
    assert list(decode_iter(memoryview(data))) == [{"a": 1}]


def test_difference_trailing_bytes_after_the_last_document_are_an_error():
    """3.4's decode_all and decode_iter ignored one trailing byte silently."""
    data = BSON.encode({"a": 1}) + b"x"
    with pytest.raises(InvalidBSON):
        decode_all(data)
    with pytest.raises(InvalidBSON):
        list(decode_iter(data))


def test_difference_a_self_containing_document_is_invalid_document():
    """3.4 let RecursionError escape."""
    doc: dict = {}
    doc["a"] = doc
    with pytest.raises(InvalidDocument, match="nested too deeply"):
        BSON.encode(doc)


def test_difference_a_lone_surrogate_is_invalid_string_data():
    """3.4 (pure Python) let UnicodeEncodeError escape; the documented error is
    InvalidStringData."""
    with pytest.raises(InvalidStringData):
        BSON.encode({"a": "\ud800"})


def test_difference_encoding_is_by_type_not_by_a_foreign_type_marker():
    """3.4 encoded any object whose _type_marker named a BSON type, reading its
    attributes unchecked.  Ours needs an instance of the bson class."""
    class Impostor:
        _type_marker = 7
        binary = b"x" * 12

    with pytest.raises(InvalidDocument, match="cannot encode object"):
        BSON.encode({"a": Impostor()})


def test_bson_module_keeps_c_and_pure_codecs_in_step():
    assert bson.has_c() in (True, False)
