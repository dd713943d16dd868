"""Sessions against the real server (FerretDB 1.24 takes lsids; transactions are a gap)."""
from __future__ import annotations

import uuid

import pytest

from pymongo import MongoClient
from pymongo.errors import InvalidOperation
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import requires


@pytest.fixture
def recorded(server_uri, db):
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    yield client, client[db.name], listener
    client.close()


def _lsid(cmd):
    return uuid.UUID(bytes=bytes(cmd["lsid"]["id"])) if not isinstance(
        cmd["lsid"]["id"], uuid.UUID) else cmd["lsid"]["id"]


def test_an_explicit_session_s_id_goes_with_every_operation(recorded):
    client, db, listener = recorded
    with client.start_session() as session:
        db.c.insert_many([{"i": i} for i in range(10)], session=session)
        assert [d["i"] for d in db.c.find({}, session=session, batch_size=3)] == list(range(10))
        assert db.c.count_documents({}, session=session) == 10
        db.c.delete_many({"i": {"$gte": 5}}, session=session)
        expected = session.session_id
    commands = [*listener.started_commands("insert"), *listener.started_commands("find"),
                *listener.started_commands("getMore"), *listener.started_commands("delete"),
                *listener.started_commands("aggregate")]
    assert len(listener.started_commands("getMore")) >= 3
    assert {_lsid(cmd) for cmd in commands} == {uuid.UUID(bytes=bytes(expected["id"]))}
    assert db.c.count_documents({}) == 5


def test_implicit_sessions_reuse_pooled_ids(recorded):
    client, db, listener = recorded
    for i in range(5):
        db.c.insert_one({"i": i})
    ids = {_lsid(cmd) for cmd in listener.started_commands("insert")}
    assert len(ids) == 1  # one operation at a time: one pooled server session


def test_a_cursor_keeps_its_session_until_exhausted(recorded):
    client, db, listener = recorded
    db.c.insert_many([{"i": i} for i in range(7)])
    cursor = db.c.find(batch_size=2)
    assert next(cursor)["i"] == 0
    db.c.insert_one({"other": True})  # another operation meanwhile: another id
    assert len(list(cursor)) == 6  # the rest, after the first
    find_id = _lsid(listener.started_commands("find")[-1])
    assert {_lsid(cmd) for cmd in listener.started_commands("getMore")} == {find_id}
    assert _lsid(listener.started_commands("insert")[-1]) != find_id


def test_an_ended_session_cannot_be_used(recorded):
    client, db, _ = recorded
    session = client.start_session()
    session.end_session()
    with pytest.raises(InvalidOperation, match="Cannot use ended session"):
        db.c.find_one({}, session=session)


@requires("transactions")
def test_with_transaction_commits_on_the_server(recorded):
    client, db, _ = recorded
    db.create_collection("orders")
    with client.start_session() as session:
        session.with_transaction(lambda s: db.orders.insert_one({"sku": "a"}, session=s))
    assert db.orders.count_documents({}) == 1
