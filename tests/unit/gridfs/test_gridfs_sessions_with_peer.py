"""GridFS in an explicit session, against a scripted replica set: every command each
GridFS call sends (index checks, chunk and files writes, reads, getMores, deletes)
carries the session's lsid."""
from __future__ import annotations

import io
import uuid

import pytest

from bson.binary import Binary
from bson.objectid import ObjectId
from gridfs import GridFS, GridFSBucket
from gridfs.grid_file import GridIn, GridOut
from mongofw.gridfs.bucket import Bucket
from pymongo.errors import ConfigurationError, InvalidOperation
from tests.support.replica_set_peer import HANDSHAKES, ReplicaSetPeer

# What the peer is not asked by GridFS: the handshake and the close-time endSessions.
_NOT_GRIDFS = (*HANDSHAKES, "endSessions")
FILE_ID = ObjectId()
FILE = {"_id": FILE_ID, "filename": "f", "length": 6, "chunkSize": 4,
        "uploadDate": None, "md5": None}


def _batch(*documents):
    return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.fs.x", "firstBatch": list(documents)}}


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


def _gridfs_commands(rs):
    return [c for c in rs.peer.commands() if next(iter(c)) not in _NOT_GRIDFS]


def _assert_all_in(rs, session_id, names):
    commands = _gridfs_commands(rs)
    assert [next(iter(c)) for c in commands] == names
    expected = uuid.UUID(bytes=bytes(session_id["id"]))
    assert [c.get("lsid") for c in commands] == [{"id": expected}] * len(commands)


def test_a_bucket_upload_runs_every_command_in_the_session(rs):
    rs.script["find"] = [_batch()]                   # the files collection is empty
    rs.script["listIndexes"] = [_batch(), _batch()]  # no index yet on files, on chunks
    with rs.client() as client, client.start_session() as session:
        bucket = GridFSBucket(client.db, chunk_size_bytes=4)
        bucket.upload_from_stream("f", b"abcdef", session=session)
        session_id = session.session_id
    _assert_all_in(rs, session_id, ["find", "listIndexes", "createIndexes", "listIndexes",
                                    "createIndexes", "insert", "insert"])
    chunks, files = rs.sent("insert")
    assert [c["n"] for c in chunks["documents"]] == [0, 1]
    assert files["documents"][0]["length"] == 6


def test_a_download_and_its_chunk_getmores_run_in_the_session(rs):
    rs.script["find"] = [_batch(FILE),
                         {"ok": 1.0, "cursor": {"id": 42, "ns": "db.fs.chunks", "firstBatch": [
                             {"n": 0, "data": Binary(b"abcd")}]}}]
    rs.script["getMore"] = [{"ok": 1.0, "cursor": {"id": 0, "ns": "db.fs.chunks",
                                                   "nextBatch": [{"n": 1, "data": b"ef"}]}}]
    with rs.client() as client, client.start_session() as session:
        out = io.BytesIO()
        GridFSBucket(client.db).download_to_stream(FILE_ID, out, session=session)
        session_id = session.session_id
    assert out.getvalue() == b"abcdef"
    _assert_all_in(rs, session_id, ["find", "find", "getMore"])


def test_legacy_gridfs_calls_run_in_the_session(rs):
    rs.script["find"] = [_batch({"filename": "f"}), _batch(FILE), _batch(FILE),
                         _batch({"_id": FILE_ID})]
    with rs.client() as client, client.start_session() as session:
        fs = GridFS(client.db)
        assert fs.list(session=session) == ["f"]
        assert fs.get_last_version("f", session=session)._id == FILE_ID
        assert fs.find_one({"filename": "f"}, session=session).filename == "f"
        assert fs.exists(FILE_ID, session=session)
        fs.delete(FILE_ID, session=session)
        session_id = session.session_id
    _assert_all_in(rs, session_id, ["find", "find", "find", "find", "delete", "delete"])


def test_rename_and_delete_of_a_bucket_run_in_the_session(rs):
    with rs.client() as client, client.start_session() as session:
        bucket = GridFSBucket(client.db)
        bucket.rename(FILE_ID, "g", session=session)
        bucket.delete(FILE_ID, session=session)
        session_id = session.session_id
    _assert_all_in(rs, session_id, ["update", "delete", "delete"])


def test_grid_in_and_grid_out_take_the_session_directly(rs):
    rs.script["find"] = [_batch({"_id": 1}), _batch(FILE)]  # files not empty: no index work
    with rs.client() as client, client.start_session() as session:
        with GridIn(client.db.fs, session=session, filename="x") as grid_in:
            grid_in.write(b"xy")
        assert GridOut(client.db.fs, FILE_ID, session=session).length == 6
        session_id = session.session_id
    _assert_all_in(rs, session_id, ["find", "insert", "insert", "find"])


def test_a_session_is_checked_when_the_file_is_opened(rs):
    with rs.client() as client, rs.client() as other:
        session = other.start_session()
        with pytest.raises(InvalidOperation, match="MongoClient that started it"):
            GridIn(client.db.fs, session=session)
        with pytest.raises(TypeError, match="session must be an instance of ClientSession"):
            GridOut(client.db.fs, FILE_ID, session="not a session")
        session.end_session()


class _StorageWithoutSessions:
    """A chunk storage written before sessions: its methods take no ``session``."""

    def ensure_indexes(self):
        raise AssertionError("not reached")

    def write_chunks(self, files_id, first_n, chunks):
        raise AssertionError("not reached")

    def read_chunks(self, file_document, first_n, stop_n):
        raise AssertionError("not reached")

    def delete_chunks(self, files_id):
        raise AssertionError("not reached")

    def file_fields(self, files_id):
        return {}


def test_a_storage_without_sessions_is_refused_in_a_session_only(rs):
    with rs.client() as client, client.start_session() as session:
        bucket = Bucket(client.db.fs, storage=_StorageWithoutSessions())
        assert bucket.storage_in(None) is bucket.storage
        with pytest.raises(ConfigurationError, match="takes no session= argument"):
            bucket.upload({"filename": "x"}, session)
    assert _gridfs_commands(rs) == []
