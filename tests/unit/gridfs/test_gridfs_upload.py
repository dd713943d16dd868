"""ChunkWriter: chunking, md5, batching, and clean failure, against in-memory fakes."""
from __future__ import annotations

import hashlib
import io

import pytest

from mongofw.gridfs.errors import FileExists
from mongofw.gridfs.storage import chunks_per_batch
from mongofw.gridfs.upload import ChunkWriter
from tests.unit.gridfs.gridfs_fakes import MemoryBucket, MemoryStorage

BIG = 1024 * 1024   # four chunks make a batch: tests stay small and fast


def _upload(bucket: MemoryBucket, data: bytes, **fields) -> ChunkWriter:
    writer = ChunkWriter(bucket, dict(fields))
    writer.write(data)
    writer.close()
    return writer


@pytest.mark.parametrize("data, chunks", [
    (b"", []), (b"a", [b"a"]), (b"abcd", [b"abcd"]), (b"abcde", [b"abcd", b"e"]),
    (b"abcdefgh", [b"abcd", b"efgh"]),
])
def test_content_is_cut_into_chunk_size_pieces(data, chunks):
    bucket = MemoryBucket(chunk_size=4)
    writer = _upload(bucket, data)
    file_id = writer.document["_id"]
    assert [bucket.storage.chunks[(file_id, n)] for n in range(len(chunks))] == chunks
    assert len(bucket.storage.chunks) == len(chunks)
    stored = bucket.files.documents[file_id]
    assert stored["length"] == len(data)
    assert stored["md5"] == hashlib.md5(data).hexdigest()
    assert stored["chunkSize"] == 4


def test_many_small_writes_make_the_same_chunks_as_one_write():
    bucket = MemoryBucket(chunk_size=4)
    writer = ChunkWriter(bucket, {})
    for byte in b"0123456789":
        writer.write(bytes([byte]))
    writer.close()
    file_id = writer.document["_id"]
    assert [bucket.storage.chunks[(file_id, n)] for n in range(3)] == [b"0123", b"4567", b"89"]


def test_file_like_source_is_read_a_chunk_at_a_time():
    reads = []

    class Source(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

    bucket = MemoryBucket(chunk_size=4)
    _upload(bucket, Source(b"0123456789"))
    assert reads == [4, 4, 4, 4]


def test_chunks_are_sent_in_bounded_batches():
    chunk_size = BIG
    per_batch = chunks_per_batch(chunk_size)
    bucket = MemoryBucket(chunk_size=chunk_size)
    writer = _upload(bucket, b"x" * (chunk_size * (per_batch + 1) + 1))
    assert [(n, count) for _id, n, count in bucket.storage.writes] == [
        (0, per_batch), (per_batch, 2)]
    assert writer.document["length"] == chunk_size * (per_batch + 1) + 1


def test_files_document_is_written_last_and_only_on_close():
    bucket = MemoryBucket(chunk_size=BIG)
    writer = ChunkWriter(bucket, {"filename": "f"})
    writer.write(b"x" * BIG * chunks_per_batch(BIG))   # one whole batch: chunks are stored now
    assert bucket.storage.chunks
    assert bucket.files.documents == {}
    writer.close()
    assert list(bucket.files.documents.values())[0]["filename"] == "f"


def test_str_needs_an_encoding():
    writer = ChunkWriter(MemoryBucket(), {})
    with pytest.raises(TypeError, match="must specify an encoding"):
        writer.write("text")


def test_str_is_encoded_with_the_file_encoding():
    bucket = MemoryBucket(chunk_size=16)
    writer = _upload(bucket, "h\u00e9", encoding="utf-8")
    assert bucket.storage.chunks[(writer.document["_id"], 0)] == "h\u00e9".encode()


def test_writing_a_closed_file_raises_value_error():
    writer = _upload(MemoryBucket(), b"a")
    with pytest.raises(ValueError, match="closed file"):
        writer.write(b"b")


def test_non_bytes_data_raises_type_error():
    writer = ChunkWriter(MemoryBucket(), {})
    with pytest.raises(TypeError, match="int"):
        writer.write(12)


def test_abort_removes_every_stored_chunk():
    bucket = MemoryBucket(chunk_size=BIG)
    writer = ChunkWriter(bucket, {})
    writer.write(b"x" * (BIG * chunks_per_batch(BIG) + 3))
    assert bucket.storage.chunks
    writer.abort()
    assert bucket.storage.chunks == {}
    assert bucket.files.documents == {}
    assert writer.closed


def test_abort_after_close_removes_the_file_too():
    bucket = MemoryBucket(chunk_size=4)
    writer = _upload(bucket, b"abcdef")
    writer.abort()
    assert bucket.storage.chunks == {} and bucket.files.documents == {}


def test_a_failed_chunk_write_leaves_neither_file_nor_chunks():
    bucket = MemoryBucket(chunk_size=BIG, storage=MemoryStorage(fail_on_write=1))
    writer = ChunkWriter(bucket, {})
    with pytest.raises(ConnectionError):
        writer.write(b"x" * (BIG * chunks_per_batch(BIG) * 3))
    assert bucket.storage.chunks == {}
    assert bucket.files.documents == {}
    assert writer.closed


def test_explicit_id_of_an_existing_file_raises_file_exists_and_keeps_it():
    bucket = MemoryBucket(chunk_size=4)
    first = _upload(bucket, b"original", _id="same")
    writer = ChunkWriter(bucket, {"_id": "same"})
    writer.write(b"other")
    with pytest.raises(FileExists, match="'same' already exists"):
        writer.close()
    assert bucket.files.documents["same"]["md5"] == first.document["md5"]
    assert bucket.storage.chunks[("same", 0)] == b"orig"
    writer.abort()   # aborting the refused upload must not touch the existing file
    assert bucket.storage.chunks[("same", 1)] == b"inal"


def test_chunk_size_must_be_positive():
    with pytest.raises(ValueError, match="chunk_size must be a positive integer, not 0"):
        ChunkWriter(MemoryBucket(), {"chunk_size": 0})


def test_keyword_aliases_become_spec_field_names():
    writer = ChunkWriter(MemoryBucket(), {"content_type": "text/plain", "chunk_size": 8})
    assert writer.document["contentType"] == "text/plain"
    assert writer.document["chunkSize"] == 8
    assert "content_type" not in writer.document


def test_indexes_are_ensured_before_the_first_chunk():
    bucket = MemoryBucket()
    _upload(bucket, b"abc")
    assert bucket.storage.indexes_ensured == 1
