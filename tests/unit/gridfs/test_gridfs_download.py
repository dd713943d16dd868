"""ChunkReader: file-like reading, seeking and chunk checks, against in-memory fakes."""
from __future__ import annotations

import io

import pytest

from mongofw.gridfs.download import ChunkReader
from mongofw.gridfs.errors import CorruptGridFile, NoFile
from mongofw.gridfs.upload import ChunkWriter
from tests.unit.gridfs.gridfs_fakes import MemoryBucket

CONTENT = b"line one\nline two\nend"


def _stored(content: bytes = CONTENT, chunk_size: int = 4) -> tuple:
    bucket = MemoryBucket(chunk_size=chunk_size)
    writer = ChunkWriter(bucket, {})
    writer.write(content)
    writer.close()
    return bucket, writer.document["_id"]


def _reader(content: bytes = CONTENT, chunk_size: int = 4) -> ChunkReader:
    bucket, file_id = _stored(content, chunk_size)
    return ChunkReader(bucket, file_id)


def test_read_all_and_in_pieces():
    assert _reader().read() == CONTENT
    reader = _reader()
    assert [reader.read(5), reader.read(5), reader.read(100), reader.read(1)] == [
        b"line ", b"one\nl", b"ine two\nend", b""]


def test_reads_across_chunks_return_bytes_and_keep_the_rest():
    reader = _reader()
    whole, rest = reader.read(6), reader.read()  # 6: one chunk and part of the next
    assert (whole, rest) == (b"line o", CONTENT[6:])
    assert type(whole) is bytes and type(rest) is bytes


def test_read_zero_bytes_returns_empty_without_moving():
    reader = _reader()
    assert reader.read(0) == b"" and reader.tell() == 0


def test_readline_with_and_without_size():
    reader = _reader()
    assert reader.readline() == b"line one\n"
    assert reader.readline(3) == b"lin"
    assert reader.readline() == b"e two\n"
    assert reader.readline() == b"end"
    assert reader.readline() == b""


def test_readchunk_returns_the_rest_of_the_current_chunk():
    reader = _reader()
    reader.read(1)
    assert reader.readchunk() == b"ine"
    assert reader.readchunk() == b" one"
    assert reader.tell() == 8


def test_seek_and_tell_in_every_mode():
    reader = _reader()
    assert reader.seek(5) == 5 and reader.read(3) == b"one"
    reader.seek(-3, io.SEEK_END)
    assert reader.read() == b"end"
    reader.seek(0)
    reader.seek(9, io.SEEK_CUR)
    assert reader.tell() == 9 and reader.read(4) == b"line"
    reader.seek(100)
    assert reader.read() == b""


def test_seek_rejects_negative_positions_and_unknown_whence():
    reader = _reader()
    with pytest.raises(OSError, match="before the start"):
        reader.seek(-1)
    with pytest.raises(OSError, match="whence"):
        reader.seek(0, 7)


def test_iteration_yields_every_chunk_from_the_start():
    reader = _reader()
    reader.read(6)
    assert list(reader) == [b"line", b" one", b"\nlin", b"e tw", b"o\nen", b"d"]


def test_empty_file_reads_nothing():
    reader = _reader(b"")
    assert reader.read() == b"" and list(reader) == [] and reader.readline() == b""


def test_missing_file_raises_no_file_when_first_needed():
    reader = ChunkReader(MemoryBucket(), "nope")
    with pytest.raises(NoFile, match="'nope'"):
        reader.read()


@pytest.mark.parametrize("n", [0, 2, 5])
def test_missing_chunk_raises_corrupt_grid_file(n):
    bucket, file_id = _stored()
    del bucket.storage.chunks[(file_id, n)]
    with pytest.raises(CorruptGridFile, match=f"missing chunk: chunk n={n}"):
        ChunkReader(bucket, file_id).read()


@pytest.mark.parametrize("n, data", [(1, b"abc"), (5, b"dd"), (0, b"abcde")])
def test_wrong_sized_chunk_raises_corrupt_grid_file(n, data):
    bucket, file_id = _stored()
    bucket.storage.chunks[(file_id, n)] = data
    with pytest.raises(CorruptGridFile, match=f"chunk n={n} .* wrong size: {len(data)} bytes"):
        ChunkReader(bucket, file_id).read()


def test_close_releases_the_storage_iterator_and_reading_resumes():
    bucket, file_id = _stored()
    reader = ChunkReader(bucket, file_id)
    assert reader.read(6) == b"line o"
    reader.close()
    assert bucket.storage.closed_readers == 1
    assert reader.read() == CONTENT[6:]


class _CountingDocument(dict):
    """A files document that counts how often each field is read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads = {}

    def get(self, key, default=None):
        self.reads[key] = self.reads.get(key, 0) + 1
        return super().get(key, default)

    def __getitem__(self, key):
        self.reads[key] = self.reads.get(key, 0) + 1
        return super().__getitem__(key)


def test_length_and_chunk_size_are_read_from_the_files_document_once():
    content = bytes(range(256)) * 4
    bucket, file_id = _stored(content, chunk_size=16)  # 64 chunks
    document = _CountingDocument(bucket.file_document(file_id))
    reader = ChunkReader(bucket, file_document=document)
    assert reader.read() == content
    assert reader.num_chunks == 64 and reader.length == len(content)
    assert document.reads.get("length") == 1 and document.reads.get("chunkSize") == 1


def test_an_invalid_chunk_size_still_raises_at_every_read():
    bucket, file_id = _stored()
    document = dict(bucket.file_document(file_id), chunkSize=0)
    reader = ChunkReader(bucket, file_document=document)
    for _ in range(2):
        with pytest.raises(CorruptGridFile, match="invalid chunkSize 0"):
            reader.read()


@pytest.fixture(params=["compiled", "bytesio"])
def result_buffer(request, monkeypatch):
    """Each read across chunks, with the compiled codec's sized buffer and with BytesIO."""
    from mongofw.gridfs import download

    if request.param == "bytesio":
        monkeypatch.setattr(download, "_SizedBytes", None)
    elif download._SizedBytes is None:
        pytest.skip("the compiled codec (bson._cbson) is not in use: MONGOFW_NO_C or not built")
    return request.param


def test_reads_across_chunks_fill_a_buffer_of_exactly_what_is_left(result_buffer):
    reader = _reader()
    assert reader.read(2) == b"li"
    assert reader.read(1000) == CONTENT[2:]  # more than is left: sized to the rest
    assert reader.read(1000) == b""
    reader.seek(13)
    assert reader.read(7) == CONTENT[13:20] and reader.read() == CONTENT[20:]


def test_a_large_read_across_many_chunks_is_whole(result_buffer):
    content = bytes(range(256)) * (3 * 4096 + 7)  # about 3 MB: the pages-committed path
    reader = _reader(content, chunk_size=255 * 1024)
    assert reader.read(100) == content[:100]
    rest = reader.read()
    assert type(rest) is bytes and len(rest) == len(content) - 100
    assert rest == content[100:]


def test_a_corrupt_chunk_mid_read_raises(result_buffer):
    bucket, file_id = _stored()
    bucket.storage.chunks[(file_id, 3)] = b"xx"
    reader = ChunkReader(bucket, file_id)
    with pytest.raises(CorruptGridFile, match="chunk n=3"):
        reader.read()


@pytest.mark.parametrize("claimed", [64 * 1024 * 1024, 2 ** 40, 2 ** 63 - 1])
def test_a_length_the_chunks_do_not_back_ends_in_corrupt_grid_file(result_buffer, claimed):
    """The files document's length sizes the result before any chunk arrives: a false
    claim (more than memory, more than any bytes object) must still end as a missing
    chunk, without committing memory for bytes that never come."""
    bucket, file_id = _stored(CONTENT[:20], chunk_size=4)  # five whole chunks stored
    bucket.files.documents[file_id]["length"] = claimed
    reader = ChunkReader(bucket, file_id)
    with pytest.raises(CorruptGridFile, match="missing chunk: chunk n=5 "):
        reader.read()
