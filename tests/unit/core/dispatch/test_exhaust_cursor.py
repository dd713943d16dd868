"""Exhaust cursors against a scripted peer that streams (FerretDB declines to stream).

The peer answers the find with a first batch and the exhaust getMore with a stream of
OP_MSG replies, moreToCome set on all but the last.
"""
from __future__ import annotations

import time

import pytest

from bson.int64 import Int64
from mongofw.errors import OperationFailure
from pymongo import MongoClient
from pymongo.cursor import CursorType
from tests.support.listeners import RecordingListener
from tests.support.wire_peer import Stream, WirePeer, hello_reply

EXHAUST_ALLOWED = 1 << 16
CURSOR_ID = 77


def _batch(ids, cursor_id=CURSOR_ID, first=False):
    key = "firstBatch" if first else "nextBatch"
    return {"ok": 1.0, "cursor": {"id": Int64(cursor_id), "ns": "db.c",
                                  key: [{"_id": i} for i in ids]}}


def _peer(on_get_more, max_wire_version=21):
    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply(max_wire_version=max_wire_version)
        if name == "find":
            return _batch([1, 2], first=True)
        if name == "getMore":
            return on_get_more(command)
        return {"ok": 1.0}

    return WirePeer(handler)


def _flags_of(peer, name):
    return [flags for (_, command), flags in zip(peer.received, peer.flags)
            if next(iter(command)) == name]


def _wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.02)
    return predicate()


def test_the_server_streams_every_batch_after_one_get_more():
    stream = Stream([_batch([3, 4]), _batch([5, 6]), _batch([7], cursor_id=0)])
    listener = RecordingListener()
    with _peer(lambda c: stream) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000, maxPoolSize=1,
                        event_listeners=[listener]) as client:
        cursor = client.db.c.find(cursor_type=CursorType.EXHAUST)
        assert [doc["_id"] for doc in cursor] == [1, 2, 3, 4, 5, 6, 7]
        assert not cursor.alive
        # The pinned connection went back to the pool in a clean state: it serves the
        # next command (maxPoolSize=1 makes it the same connection).
        assert client.db.command("ping")["ok"] == 1.0
        assert peer.connections <= 2  # the monitor's and the one pooled connection
    assert len(peer.commands("getMore")) == 1
    assert _flags_of(peer, "getMore") == [EXHAUST_ALLOWED]
    assert _flags_of(peer, "find") == [0]
    get_mores = [(type(e).__name__, e.command_name) for e in listener.events
                 if e.command_name == "getMore"]
    assert get_mores == [("CommandStartedEvent", "getMore"),
                         ("CommandSucceededEvent", "getMore")] * 3
    assert peer.commands("killCursors") == []


def test_a_server_that_declines_to_stream_gets_a_get_more_per_batch():
    replies = iter([_batch([3]), _batch([4], cursor_id=0)])
    with _peer(lambda c: next(replies)) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000) as client:
        cursor = client.db.c.find(cursor_type=CursorType.EXHAUST)
        assert [doc["_id"] for doc in cursor] == [1, 2, 3, 4]
    assert _flags_of(peer, "getMore") == [EXHAUST_ALLOWED, EXHAUST_ALLOWED]


def test_closing_mid_stream_discards_the_connection_and_kills_the_cursor():
    stream = Stream([_batch([3]), _batch([4]), _batch([5], cursor_id=0)])
    with _peer(lambda c: stream) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000, maxPoolSize=1) as client:
        cursor = client.db.c.find(cursor_type=CursorType.EXHAUST)
        assert [next(cursor)["_id"] for _ in range(3)] == [1, 2, 3]
        before = peer.connections
        cursor.close()
        # Unread replies were still coming on that connection: a reused one would answer
        # the next command with a stray batch.  A fresh connection answers instead.
        assert client.db.command("ping")["ok"] == 1.0
        assert peer.connections == before + 1
        assert _wait_for(lambda: peer.commands("killCursors"))
    assert peer.commands("killCursors")[0]["cursors"] == [CURSOR_ID]


def test_an_abandoned_mid_stream_cursor_gives_its_connection_back():
    stream = Stream([_batch([3]), _batch([4], cursor_id=0)])
    with _peer(lambda c: stream) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000, maxPoolSize=1,
                        waitQueueTimeoutMS=5000) as client:
        cursor = client.db.c.find(cursor_type=CursorType.EXHAUST)
        assert [next(cursor)["_id"] for _ in range(3)] == [1, 2, 3]
        del cursor  # garbage collected while pinned: the killer thread releases it
        # With maxPoolSize=1 this waits for the released slot rather than timing out.
        assert client.db.command("ping")["ok"] == 1.0


def test_an_error_in_the_stream_raises_and_frees_the_connection():
    error = {"ok": 0.0, "errmsg": "interrupted", "code": 11601}
    stream = Stream([_batch([3]), error])
    with _peer(lambda c: stream) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000, maxPoolSize=1,
                        waitQueueTimeoutMS=5000) as client:
        cursor = client.db.c.find(cursor_type=CursorType.EXHAUST)
        with pytest.raises(OperationFailure, match="interrupted"):
            list(cursor)
        assert client.db.command("ping")["ok"] == 1.0


def test_servers_before_op_msg_use_plain_get_more():
    replies = iter([_batch([3], cursor_id=0)])
    with _peer(lambda c: next(replies), max_wire_version=5) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000) as client:
        assert [d["_id"] for d in client.db.c.find(cursor_type=CursorType.EXHAUST)] == [1, 2, 3]
    assert len(peer.commands("getMore")) == 1
