"""GridFSBucket against the real server: uploads, downloads, revisions, rename, delete."""
from __future__ import annotations

import io

import pytest

from bson.objectid import ObjectId
from gridfs import GridFSBucket
from gridfs.errors import FileExists, NoFile
from mongofw.errors import ConfigurationError
from mongofw.options.read_preferences import ReadPreference
from mongofw.options.write_concern import WriteConcern


@pytest.fixture
def bucket(db):
    return GridFSBucket(db, bucket_name="photos", chunk_size_bytes=4)


def test_upload_and_download_by_id(bucket, db):
    file_id = bucket.upload_from_stream("a", io.BytesIO(b"123456789"),
                                        metadata={"contentType": "text/plain"})
    out = io.BytesIO()
    bucket.download_to_stream(file_id, out)
    assert out.getvalue() == b"123456789"
    stored = db["photos.files"].find_one({"_id": file_id})
    assert (stored["filename"], stored["chunkSize"], stored["length"], stored["metadata"]) \
        == ("a", 4, 9, {"contentType": "text/plain"})
    assert len(list(db["photos.chunks"].find({"files_id": file_id}))) == 3
    assert bucket.open_download_stream(file_id).read() == b"123456789"


def test_str_source_is_stored_as_utf8(bucket):
    file_id = bucket.upload_from_stream("s", "data I want to store!")
    assert bucket.open_download_stream(file_id).read() == b"data I want to store!"


def test_upload_with_id_and_chunk_size_override(bucket, db):
    bucket.upload_from_stream_with_id("my-id", "b", b"abcdef", chunk_size_bytes=5)
    assert db["photos.files"].find_one({"_id": "my-id"})["chunkSize"] == 5
    with pytest.raises(FileExists):
        bucket.upload_from_stream_with_id("my-id", "b", b"again")
    assert bucket.open_download_stream("my-id").read() == b"abcdef"


def test_open_upload_stream_stores_on_close(bucket):
    grid_in = bucket.open_upload_stream("streamed", metadata={"k": "v"})
    grid_in.write(b"part1-")
    grid_in.write(io.BytesIO(b"part2"))
    with pytest.raises(NoFile):
        bucket.open_download_stream(grid_in._id)
    grid_in.close()
    out = bucket.open_download_stream(grid_in._id)
    assert (out.read(), out.metadata, out.filename) == (b"part1-part2", {"k": "v"}, "streamed")
    with_id = bucket.open_upload_stream_with_id(ObjectId("0" * 24), "fixed")
    with_id.close()
    assert bucket.open_download_stream(ObjectId("0" * 24)).length == 0


def test_revisions_by_name(bucket):
    for i in range(3):
        bucket.upload_from_stream("rev", f"r{i}".encode())
    picks = {r: bucket.open_download_stream_by_name("rev", revision=r).read()
             for r in (0, 1, 2, -1, -2, -3)}
    assert picks == {0: b"r0", 1: b"r1", 2: b"r2", -1: b"r2", -2: b"r1", -3: b"r0"}
    out = io.BytesIO()
    bucket.download_to_stream_by_name("rev", out, revision=1)
    assert out.getvalue() == b"r1"
    with pytest.raises(NoFile, match="no version 3"):
        bucket.open_download_stream_by_name("rev", revision=3)
    with pytest.raises(NoFile, match="no version -4"):
        bucket.open_download_stream_by_name("rev", revision=-4)


def test_rename_and_delete(bucket, db):
    file_id = bucket.upload_from_stream("old", b"123456")
    bucket.rename(file_id, "new")
    assert bucket.open_download_stream_by_name("new").read() == b"123456"
    with pytest.raises(NoFile):
        bucket.open_download_stream_by_name("old")
    bucket.delete(file_id)
    assert db["photos.files"].find_one({"_id": file_id}) is None
    assert list(db["photos.chunks"].find({"files_id": file_id})) == []
    with pytest.raises(NoFile, match="no file with _id"):
        bucket.delete(file_id)
    with pytest.raises(NoFile, match="nothing renamed"):
        bucket.rename(file_id, "again")


def test_find_returns_grid_outs(bucket):
    for name in ("x", "y", "z"):
        bucket.upload_from_stream(name, name.encode())
    # _id breaks ties between uploads of the same millisecond.
    newest = bucket.find().sort([("uploadDate", -1), ("_id", -1)]).limit(2)
    assert [g.read() for g in newest] == [b"z", b"y"]
    assert [g.filename for g in bucket.find({"filename": {"$in": ["x", "z"]}},
                                            sort=[("filename", 1)], batch_size=1)] == ["x", "z"]


def test_argument_checks(db, bucket):
    with pytest.raises(ValueError, match="filename must be a str, not int"):
        bucket.upload_from_stream(5, b"")
    with pytest.raises(ValueError, match="filename must be a str"):
        bucket.open_download_stream_by_name(None)
    with pytest.raises(ValueError, match="chunk_size_bytes must be a positive integer, not -1"):
        GridFSBucket(db, chunk_size_bytes=-1)
    with pytest.raises(ConfigurationError, match="acknowledged"):
        GridFSBucket(db, write_concern=WriteConcern(w=0))
    with pytest.raises(TypeError, match="db must be an instance of Database"):
        GridFSBucket(None)
    with pytest.raises(TypeError, match="destination must be a file-like object"):
        bucket.download_to_stream(bucket.upload_from_stream("t", b"1"), "not a stream")
    with pytest.raises(NoFile):
        bucket.open_download_stream(ObjectId())


def test_read_preference_and_write_concern_reach_the_collections(db):
    bucket = GridFSBucket(db, write_concern=WriteConcern(w=1),
                          read_preference=ReadPreference.PRIMARY_PREFERRED)
    assert bucket._bucket.files.write_concern == WriteConcern(w=1)
    assert bucket._bucket.files.read_preference == ReadPreference.PRIMARY_PREFERRED
    assert bucket._bucket.storage.chunks.write_concern == WriteConcern(w=1)
    file_id = bucket.upload_from_stream("rp", b"ok")
    assert bucket.open_download_stream(file_id).read() == b"ok"
