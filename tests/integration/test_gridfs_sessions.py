"""GridFS in an explicit session against the real server (FerretDB takes lsids): every
command a GridFS call sends carries the session's id, and the files come back intact."""
from __future__ import annotations

import io
import uuid

import pytest

from gridfs import GridFS, GridFSBucket
from gridfs.grid_file import GridIn, GridOut, GridOutCursor
from pymongo import MongoClient
from tests.support.listeners import RecordingListener


@pytest.fixture
def recorded(server_uri, db):
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    yield client[db.name], listener
    client.close()


def _lsid(command):
    value = command["lsid"]["id"]
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))


def _in_session(listener, session_id):
    """The names of the commands recorded so far; each must carry ``session_id``."""
    commands = listener.started_commands()
    assert commands, "nothing was sent"
    expected = uuid.UUID(bytes=bytes(session_id["id"]))
    assert [(next(iter(c)), _lsid(c)) for c in commands] == \
        [(next(iter(c)), expected) for c in commands]
    return {next(iter(c)) for c in commands}


def test_a_bucket_round_trip_runs_in_the_session(recorded):
    db, listener = recorded
    with db.client.start_session() as session:
        bucket = GridFSBucket(db, chunk_size_bytes=3)
        file_id = bucket.upload_from_stream("a", io.BytesIO(b"0123456789"), session=session)
        bucket.upload_from_stream_with_id("b-id", "b", b"bee", session=session)
        with bucket.open_upload_stream("c", session=session) as grid_in:
            grid_in.write(b"sea")
        assert bucket.open_download_stream(file_id, session=session).read() == b"0123456789"
        out = io.BytesIO()
        bucket.download_to_stream_by_name("b", out, session=session)
        assert out.getvalue() == b"bee"
        assert [f.filename for f in bucket.find({}, sort=[("filename", 1)], batch_size=1,
                                                session=session)] == ["a", "b", "c"]
        bucket.rename("b-id", "bb", session=session)
        bucket.delete(file_id, session=session)
        names = _in_session(listener, session.session_id)
    # Index checks and creation, chunk and files writes, reads with getMores, the rest.
    assert names >= {"find", "listIndexes", "createIndexes", "insert", "getMore", "update",
                     "delete"}
    assert sorted(f.filename for f in GridFSBucket(db).find()) == ["bb", "c"]


def test_legacy_gridfs_and_the_file_classes_run_in_the_session(recorded):
    db, listener = recorded
    with db.client.start_session() as session:
        fs = GridFS(db)
        first = fs.put(b"one", filename="f", session=session)
        with fs.new_file(filename="f", session=session) as grid_in:
            grid_in.write(b"two")
        assert "session" not in db.fs.files.find_one({"_id": grid_in._id}, session=session)
        assert fs.get(first, session=session).read() == b"one"
        assert fs.get_version("f", 0, session=session).read() == b"one"
        assert fs.get_last_version("f", session=session).read() == b"two"
        assert fs.list(session=session) == ["f"]
        assert fs.exists(first, session=session) and fs.exists(filename="f", session=session)
        assert fs.find_one({"_id": first}, session=session).read() == b"one"
        with GridIn(db.fs, session=session, filename="g") as direct:
            direct.write(b"three")
        assert GridOut(db.fs, direct._id, session=session).read() == b"three"
        cursor = GridOutCursor(db.fs, {"filename": "g"}, session=session)
        assert cursor.session is session
        assert [f.read() for f in cursor] == [b"three"]
        fs.delete(first, session=session)
        names = _in_session(listener, session.session_id)
    assert names >= {"find", "insert", "delete"}
    assert not GridFS(db).exists(first)


def test_find_one_keeps_3_4_s_positional_arguments(recorded):
    """3.6 put ``session`` second in GridFS.find_one; 3.4 passed further positional
    arguments on to find (skip, ...), and that order is kept: session is keyword-only."""
    db, _listener = recorded
    fs = GridFS(db)
    for data in (b"first", b"second"):
        fs.put(data, filename="f", n=len(data))
    assert fs.find_one({"filename": "f"}, 1, sort=[("n", 1)]).read() == b"second"
    with db.client.start_session() as session:
        assert fs.find_one({"filename": "f"}, 1, session=session, sort=[("n", 1)]).n == 6
