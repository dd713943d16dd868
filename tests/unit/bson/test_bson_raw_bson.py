"""RawBSONDocument: lazy, read-only, raw bytes kept."""
from __future__ import annotations

import copy
import pickle

import pytest

from bson import BSON, decode_all, raw_bson
from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions, TypeRegistry
from bson.errors import InvalidBSON
from bson.raw_bson import RawBSONDocument
from bson.son import SON
from tests.support.type_codecs import FunctionDecoder


def test_raw_bytes_kept_and_lazily_decoded():
    data = bytes(BSON.encode({"a": 1, "b": {"c": [1, 2]}}))
    raw = RawBSONDocument(data)
    assert raw.raw == data
    assert raw["a"] == 1 and type(raw["b"]) is RawBSONDocument and raw["b"]["c"] == [1, 2]
    assert len(raw) == 2 and list(raw) == ["a", "b"]
    assert raw["b"].raw == bytes(BSON.encode({"c": [1, 2]}))


def test_read_only():
    raw = RawBSONDocument(bytes(BSON.encode({"a": 1})))
    with pytest.raises(TypeError):
        raw["a"] = 2  # type: ignore[index]


def test_malformed_content_raises_on_access_only():
    bad = bytes.fromhex("0E00000002610002000000E90000")  # invalid UTF-8 value
    raw = RawBSONDocument(bad)
    with pytest.raises(InvalidBSON):
        raw["a"]  # noqa: B018


@pytest.mark.parametrize("data", [b"", b"\x05\x00\x00\x00", b"\x06\x00\x00\x00\x00",
                                  b"\x05\x00\x00\x00\x01"])
def test_bad_envelope_raises_at_construction(data):
    with pytest.raises(InvalidBSON):
        RawBSONDocument(data)


def test_encoding_writes_raw_unchanged():
    data = bytes(BSON.encode({"b": 1, "a": 2}))
    raw = RawBSONDocument(data)
    assert BSON.encode(raw) == data
    assert BSON.encode({"x": raw}).decode() == {"x": {"b": 1, "a": 2}}


def test_as_document_class():
    options = CodecOptions(document_class=RawBSONDocument)
    data = bytes(BSON.encode({"a": {"b": 1}}))
    docs = decode_all(data + data, options)
    assert all(type(doc) is RawBSONDocument for doc in docs)
    assert docs[0].raw == data
    assert type(docs[0]["a"]) is RawBSONDocument and docs[0]["a"]["b"] == 1


def test_nested_documents_are_raw_whatever_the_document_class():
    """As in PyMongo 3.4: the other codec options apply, the document class does not."""
    raw = RawBSONDocument(bytes(BSON.encode({"a": {"b": 1}})),
                          CodecOptions(document_class=SON, tz_aware=True))
    assert type(raw["a"]) is RawBSONDocument
    assert raw["a"]["b"] == 1
    assert "tz_aware=True" in repr(raw["a"])


def test_equality_repr_pickle_copy():
    data = bytes(BSON.encode({"a": 1}))
    raw = RawBSONDocument(data)
    assert raw == RawBSONDocument(data)
    assert raw != RawBSONDocument(bytes(BSON.encode({"a": 2})))
    assert repr(raw).startswith("RawBSONDocument(b'\\x0c\\x00")
    for other in [pickle.loads(pickle.dumps(raw)), copy.copy(raw), copy.deepcopy(raw)]:
        assert other == raw and other["a"] == 1


def test_default_names_of_35():
    assert raw_bson.DEFAULT is DEFAULT_CODEC_OPTIONS
    assert raw_bson.DEFAULT_RAW_BSON_OPTIONS == CodecOptions(document_class=RawBSONDocument)
    raw = RawBSONDocument(bytes(BSON.encode({"a": {"b": 1}})), raw_bson.DEFAULT_RAW_BSON_OPTIONS)
    assert type(raw["a"]) is RawBSONDocument and raw["a"]["b"] == 1


def test_type_decoders_apply_when_the_document_is_read():
    options = CodecOptions(type_registry=TypeRegistry([FunctionDecoder(int, str)]))
    raw = RawBSONDocument(bytes(BSON.encode({"a": 1, "l": [2]})), options)
    assert dict(raw) == {"a": "1", "l": ["2"]}
