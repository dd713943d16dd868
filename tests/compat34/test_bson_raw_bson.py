"""bson.raw_bson.RawBSONDocument: sub-documents stay raw, as in 3.4."""
from __future__ import annotations

import pytest

from bson import BSON
from bson.codec_options import CodecOptions
from bson.errors import InvalidBSON
from bson.raw_bson import RawBSONDocument
from bson.son import SON


def test_subdocuments_are_raw_documents():
    raw = RawBSONDocument(BSON.encode({"a": {"b": 1}}))
    assert type(raw["a"]) is RawBSONDocument and raw["a"].raw == BSON.encode({"b": 1})


def test_a_raw_subdocument_is_not_turned_into_a_dbref():
    raw = RawBSONDocument(BSON.encode({"a": SON([("$ref", "c"), ("$id", 1)])}))
    assert type(raw["a"]) is RawBSONDocument


def test_codec_options_are_kept_with_the_raw_document_class():
    raw = RawBSONDocument(BSON.encode({"a": 1}), CodecOptions(tz_aware=True))
    assert repr(raw) == (
        "RawBSONDocument(b'\\x0c\\x00\\x00\\x00\\x10a\\x00\\x01\\x00\\x00\\x00\\x00', "
        "codec_options=CodecOptions(document_class=<class 'bson.raw_bson.RawBSONDocument'>, "
        "tz_aware=True, uuid_representation=PYTHON_LEGACY, "
        "unicode_decode_error_handler='strict', tzinfo=None))")


def test_difference_the_bytes_are_checked_at_construction():
    """3.4 accepted any object and failed on first access, or wrote the bytes to the
    server as they were when the document was inserted unread.  Ours refuses a non-bytes
    argument and bytes that are not exactly one document's envelope."""
    with pytest.raises(TypeError, match="bson_bytes must be an instance of bytes"):
        RawBSONDocument("abc")
    with pytest.raises(InvalidBSON):
        RawBSONDocument(b"xx")
    with pytest.raises(InvalidBSON):
        RawBSONDocument(BSON.encode({"a": 1}) + b"x")
    assert RawBSONDocument(bytearray(BSON.encode({"a": 1})))["a"] == 1  # 3.4: TypeError
