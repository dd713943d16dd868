"""GridFS (legacy API), GridIn and GridOut against the real server."""
from __future__ import annotations

import hashlib
import io
import threading

import pytest

from bson.objectid import ObjectId
from gridfs import DEFAULT_CHUNK_SIZE, GridFS, GridIn, GridOut
from gridfs.errors import CorruptGridFile, FileExists, NoFile
from mongofw.errors import ConfigurationError
from mongofw.options.write_concern import WriteConcern


@pytest.fixture
def fs(db):
    return GridFS(db)


def _indexes(db, name):
    reply = db.command({"listIndexes": name, "cursor": {}})
    return {tuple(spec["key"].items()): spec.get("unique", False)
            for spec in reply["cursor"]["firstBatch"]}


@pytest.mark.parametrize("size", [0, 1, DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_SIZE + 1])
def test_round_trip_at_chunk_boundaries(fs, db, size):
    data = bytes(i % 251 for i in range(size))
    file_id = fs.put(data, filename="f")
    out = fs.get(file_id)
    assert out.read() == data
    assert out.length == size
    assert out.md5 == hashlib.md5(data).hexdigest()
    assert out.chunk_size == DEFAULT_CHUNK_SIZE == 255 * 1024
    chunks = list(db["fs.chunks"].find({"files_id": file_id}))
    assert len(chunks) == -(-size // DEFAULT_CHUNK_SIZE)


def test_first_write_creates_the_spec_indexes(fs, db):
    fs.put(b"x")
    assert _indexes(db, "fs.files")[(("filename", 1), ("uploadDate", 1))] is False
    assert _indexes(db, "fs.chunks")[(("files_id", 1), ("n", 1))] is True


def test_indexes_are_not_created_when_the_files_collection_has_documents(db):
    db["fs.files"].insert_one({"_id": 1, "length": 0, "chunkSize": 4})
    GridFS(db).put(b"x")
    assert list(_indexes(db, "fs.files")) == [(("_id", 1),)]


def test_existing_equivalent_index_is_kept(db):
    db.command({"createIndexes": "fs.chunks", "indexes": [
        {"key": {"files_id": 1.0, "n": 1.0}, "name": "mine", "unique": True}]})
    GridFS(db).put(b"x")
    reply = db.command({"listIndexes": "fs.chunks", "cursor": {}})
    assert sorted(spec["name"] for spec in reply["cursor"]["firstBatch"]) == ["_id_", "mine"]


def test_grid_in_attributes_and_extra_fields(fs, db):
    grid_in = fs.new_file(filename="a.txt", content_type="text/plain", chunk_size=5,
                          author="ann")
    assert grid_in.filename == grid_in.name == "a.txt"
    assert grid_in.content_type == "text/plain" and grid_in.chunk_size == 5
    assert grid_in.author == "ann" and not grid_in.closed
    for name in ("length", "md5", "upload_date"):
        with pytest.raises(AttributeError, match="can only get '.*' on a closed file"):
            getattr(grid_in, name)
    grid_in.write(b"hello ")
    grid_in.writelines([b"wor", b"ld"])
    grid_in.tags = ["x"]
    grid_in.close()
    grid_in.close()   # a second close is allowed
    assert grid_in.closed and grid_in.length == 11
    assert grid_in.md5 == hashlib.md5(b"hello world").hexdigest()
    grid_in.filename = "b.txt"          # after close: updated on the server too
    grid_in.reviewed = True
    stored = db["fs.files"].find_one({"_id": grid_in._id})
    assert stored["filename"] == "b.txt" and stored["tags"] == ["x"] and stored["reviewed"]
    assert stored["contentType"] == "text/plain" and stored["author"] == "ann"
    assert stored["uploadDate"] == grid_in.upload_date
    for name in ("_id", "chunk_size", "length", "md5", "upload_date"):
        with pytest.raises(AttributeError, match="read-only"):
            setattr(grid_in, name, 1)
    with pytest.raises(ValueError, match="closed file"):
        grid_in.write(b"more")


def test_grid_out_attributes(fs):
    file_id = fs.put(b"data", filename="n", contentType="a/b", aliases=["m"],
                     metadata={"k": 1}, custom=7)
    out = fs.get(file_id)
    assert (out._id, out.filename, out.name, out.content_type, out.length, out.chunk_size) \
        == (file_id, "n", "n", "a/b", 4, DEFAULT_CHUNK_SIZE)
    assert out.aliases == ["m"] and out.metadata == {"k": 1} and out.custom == 7
    assert out.md5 == hashlib.md5(b"data").hexdigest() and out.upload_date is not None
    with pytest.raises(AttributeError, match="read-only"):
        out.filename = "other"
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        out.missing  # noqa: B018


def test_grid_out_is_file_like(fs):
    file_id = fs.put(b"one\ntwo\nthree", chunk_size=3)
    out = fs.get(file_id)
    assert out.readline() == b"one\n" and out.tell() == 4
    assert out.readchunk() == b"tw"   # the rest of chunk 1 ("\ntw")
    out.seek(-5, io.SEEK_END)
    assert out.read() == b"three"
    out.seek(0)
    assert list(out) == [b"one", b"\ntw", b"o\nt", b"hre", b"e"]
    with out:
        assert out.read(3) == b"one"


def test_text_with_an_encoding(fs):
    file_id = fs.put("gr\u00fc\u00dfe", encoding="utf-8")
    out = fs.get(file_id)
    assert out.read().decode(out.encoding) == "gr\u00fc\u00dfe"
    with pytest.raises(TypeError, match="must specify an encoding"):
        fs.put("text")


def test_grid_in_and_grid_out_constructed_directly(db):
    root = db["files"]
    grid_in = GridIn(root, filename="d")
    grid_in.write(b"direct")
    grid_in.close()
    assert GridOut(root, grid_in._id).read() == b"direct"
    document = db["files.files"].find_one({"_id": grid_in._id})
    assert GridOut(root, file_document=document).filename == "d"
    with pytest.raises(TypeError, match="root_collection must be an instance of Collection"):
        GridIn(db, filename="x")


def test_grid_out_fetches_the_files_document_lazily(db):
    out = GridOut(db["fs"], file_id="missing")
    with pytest.raises(NoFile, match="'missing'"):
        out.read()


def test_versions_by_name_and_metadata(fs):
    ids = [fs.put(f"v{i}".encode(), filename="doc", lang="en" if i < 3 else "fr")
           for i in range(4)]
    assert fs.get_last_version("doc").read() == b"v3"
    assert [fs.get_version("doc", v).read() for v in (0, 1, -2, -4)] == \
        [b"v0", b"v1", b"v2", b"v0"]
    assert fs.get_last_version(lang="en")._id == ids[2]
    assert fs.get_version("doc", 0, lang="fr")._id == ids[3]
    with pytest.raises(NoFile, match="no version 4"):
        fs.get_version("doc", 4)
    with pytest.raises(NoFile, match="filename='nope'"):
        fs.get_last_version("nope")


def test_list_find_find_one_exists(fs):
    first = fs.put(b"1", filename="b", n=1)
    fs.put(b"2", filename="a", n=2)
    fs.put(b"3", filename="a", n=3)
    fs.put(b"4")
    assert fs.list() == ["a", "b"]
    # uploadDate has millisecond precision: two puts may tie, so _id (ascending per
    # process) breaks the tie.
    newest_first = fs.find({"filename": "a"}).sort([("uploadDate", -1), ("_id", -1)])
    assert [g.n for g in newest_first] == [3, 2]
    assert [g.read() for g in fs.find({"n": {"$gt": 0}}, sort=[("n", 1)], skip=1,
                                                limit=2)] == [b"2", b"3"]
    assert fs.find_one(first).filename == "b"
    assert fs.find_one({"n": 3}).read() == b"3"
    assert fs.find_one({"n": 99}) is None
    assert fs.exists(first) and fs.exists({"_id": first}) and fs.exists(_id=first)
    assert fs.exists(filename="a") and fs.exists({"n": {"$gt": 2}})
    assert not fs.exists(filename="zzz") and not fs.exists(ObjectId())


def test_delete_removes_file_and_chunks_and_ignores_missing(fs, db):
    file_id = fs.put(b"x" * 10, chunk_size=3)
    fs.delete(file_id)
    assert not fs.exists(file_id)
    assert list(db["fs.chunks"].find({"files_id": file_id})) == []
    fs.delete(file_id)   # deleting a missing file is not an error
    with pytest.raises(NoFile):
        fs.get(file_id)


def test_duplicate_id_raises_file_exists_and_keeps_the_original(fs):
    fs.put(b"original", _id="dup")
    with pytest.raises(FileExists, match="'dup' already exists"):
        fs.put(b"intruder", _id="dup")
    assert fs.get("dup").read() == b"original"


def test_abort_leaves_no_orphan_chunks(fs, db):
    grid_in = fs.new_file(chunk_size=256 * 1024)
    grid_in.write(b"x" * (3 * 1024 * 1024))   # a whole batch (2 MiB) is already stored
    assert list(db["fs.chunks"].find({"files_id": grid_in._id}, limit=1))
    grid_in.abort()
    assert list(db["fs.chunks"].find({"files_id": grid_in._id})) == []
    assert not fs.exists(grid_in._id) and grid_in.closed


def test_failed_upload_half_way_leaves_no_file_and_no_chunks(fs, db):
    class Failing(io.RawIOBase):
        def __init__(self):
            self.reads = 0

        def read(self, size=-1):
            self.reads += 1
            if self.reads > 40:
                raise OSError("disk read error")
            return b"y" * size

    with pytest.raises(OSError, match="disk read error"):
        fs.put(Failing(), _id="half", chunk_size=64 * 1024)
    assert not fs.exists("half")
    assert list(db["fs.chunks"].find({"files_id": "half"})) == []


def test_exception_in_with_block_aborts(fs, db):
    with pytest.raises(RuntimeError):
        with fs.new_file(_id="ctx", chunk_size=1024) as grid_in:
            grid_in.write(b"z" * 3 * 1024 * 1024)
            raise RuntimeError("stop")
    assert not fs.exists("ctx")
    assert list(db["fs.chunks"].find({"files_id": "ctx"})) == []


def test_corrupted_chunks_raise_corrupt_grid_file(fs, db):
    file_id = fs.put(b"abcdefghij", chunk_size=4)
    db["fs.chunks"].update_one({"files_id": file_id, "n": 1}, {"$set": {"data": b"ef"}})
    with pytest.raises(CorruptGridFile, match="chunk n=1 .* wrong size: 2 bytes, expected 4"):
        fs.get(file_id).read()
    other = fs.put(b"abcdefghij", chunk_size=4)
    db["fs.chunks"].delete_many({"files_id": other, "n": 1})
    out = fs.get(other)
    assert out.read(4) == b"abcd"
    with pytest.raises(CorruptGridFile, match="missing chunk: chunk n=1"):
        out.read()


def test_concurrent_uploads_from_threads(fs):
    results, errors = {}, []

    def upload(i):
        try:
            data = bytes([i]) * (100_000 + i)
            results[fs.put(data, filename=f"t{i}", chunk_size=16 * 1024)] = data
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(results) == 8
    for file_id, data in results.items():
        assert fs.get(file_id).read() == data


def test_unacknowledged_write_concern_is_refused(db):
    with pytest.raises(ConfigurationError, match="acknowledged"):
        GridFS(db.client.get_database(db.name, write_concern=WriteConcern(w=0)))
    with pytest.raises(TypeError, match="database must be an instance of Database"):
        GridFS("db")


def test_disable_md5_stores_no_checksum(db):
    """Eve creates every media store as GridFS(db, disable_md5=True) (PyMongo 3.6)."""
    import gridfs

    plain = gridfs.GridFS(db, "media")
    without = gridfs.GridFS(db, "media", disable_md5=True)
    kept = plain.put(b"abc")
    skipped = without.put(b"abc")
    assert db.media.files.find_one({"_id": kept})["md5"] == \
        "900150983cd24fb0d6963f7d28e17f72"
    assert "md5" not in db.media.files.find_one({"_id": skipped})
    assert without.get(skipped).read() == b"abc" and without.get(skipped).md5 is None
    bucket = gridfs.GridFSBucket(db, "other", disable_md5=True)
    file_id = bucket.upload_from_stream("f", b"xyz")
    assert "md5" not in db.other.files.find_one({"_id": file_id})
    grid_in = gridfs.GridIn(db.third, disable_md5=True, filename="g")
    grid_in.write(b"1")
    grid_in.close()
    assert "md5" not in db.third.files.find_one({"filename": "g"})
    with pytest.raises(TypeError, match="disable_md5 must be True or False"):
        gridfs.GridFS(db, "media", disable_md5="yes")
