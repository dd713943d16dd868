"""The default storage's direct chunk encoding matches the codec's encoding of the SON."""
from __future__ import annotations

import uuid

import pytest

import bson
from bson.binary import STANDARD, Binary
from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.objectid import ObjectId
from bson.son import SON
from mongofw.gridfs import storage


def _expected(raw: bytes, files_id, n, data, opts) -> bytes:
    oid = bson.BSON(raw).decode()["_id"]  # the generated _id, read back
    return bson._dict_to_bson(SON([("_id", oid), ("files_id", files_id), ("n", n),
                                   ("data", bytes(data))]), False, opts)


@pytest.mark.parametrize("files_id", [ObjectId(), "name", 7, 2 ** 40, {"a": [1, 2]},
                                      uuid.UUID(int=5), Binary(b"\x01", 4)])
@pytest.mark.parametrize("n", [0, 1, 2 ** 31 - 1, 2 ** 31])
@pytest.mark.parametrize("data", [b"", b"x", bytearray(b"ab\x00c"),
                                  memoryview(b"0123456789")[2:7]])
def test_chunk_bson_is_the_codecs_encoding(files_id, n, data):
    opts = CodecOptions(uuid_representation=STANDARD)
    element = bson._dict_to_bson({"files_id": files_id}, False, opts)[4:-1]
    raw = storage.chunk_bson(element, n, data)
    assert raw == _expected(raw, files_id, n, data, opts)


def test_takes_buffers_only_for_the_default_write_chunks():
    class Subclass(storage.CollectionChunkStorage):
        pass

    class Overriding(storage.CollectionChunkStorage):
        def write_chunks(self, files_id, first_n, chunks, session=None):
            pass

    class Wrapper:
        def __init__(self, inner):
            self.wrapped_storage = inner

    assert storage.takes_buffers(storage.CollectionChunkStorage(None))
    assert storage.takes_buffers(Subclass(None))
    assert not storage.takes_buffers(Overriding(None))
    assert storage.takes_buffers(Wrapper(Subclass(None)))
    assert not storage.takes_buffers(Wrapper(Overriding(None)))
    assert not storage.takes_buffers(object())
    assert DEFAULT_CODEC_OPTIONS is not None
