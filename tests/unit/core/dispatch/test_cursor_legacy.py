"""The OP_QUERY / OP_GET_MORE / OP_KILL_CURSORS cursor path, against a scripted wire-3 peer.

A MongoDB 3.0 server (wire version 3) has no find/getMore/killCursors commands; the
peer below understands the legacy opcodes and answers with OP_REPLY batches.
"""
from __future__ import annotations

import struct
import time

import pytest

import bson
from mongofw.errors import ConfigurationError, CursorNotFound, OperationFailure
from pymongo import MongoClient
from pymongo.collation import Collation
from pymongo.cursor import CursorType
from tests.support.listeners import RecordingListener
from tests.support.wire_peer import HEADER, WirePeer, hello_reply

OP_REPLY, OP_QUERY, OP_GET_MORE, OP_KILL_CURSORS = 1, 2004, 2005, 2007
HANDSHAKES = ("isMaster", "ismaster", "hello")


class Batch:
    """A legacy reply: documents, the cursor id left open, and OP_REPLY flags."""

    def __init__(self, docs, cursor_id=0, flags=0):
        self.docs, self.cursor_id, self.flags = docs, cursor_id, flags


class LegacyPeer(WirePeer):
    """A WirePeer that also speaks queries on collections, OP_GET_MORE and OP_KILL_CURSORS."""

    @staticmethod
    def _parse(opcode, body):
        if opcode == OP_QUERY:
            flags = struct.unpack_from("<i", body)[0]
            end = body.index(b"\x00", 4)
            namespace = body[4:end].decode()
            if not namespace.endswith(".$cmd"):
                skip, n = struct.unpack_from("<ii", body, end + 1)
                docs = bson.decode_all(body[end + 9:])
                return {"query": namespace, "flags": flags, "skip": skip, "n": n,
                        "spec": docs[0], "projection": docs[1] if len(docs) > 1 else None}, \
                    False
        if opcode == OP_GET_MORE:
            end = body.index(b"\x00", 4)
            n, cursor_id = struct.unpack_from("<iq", body, end + 1)
            return {"getmore": body[4:end].decode(), "n": n, "cursor_id": cursor_id}, False
        if opcode == OP_KILL_CURSORS:
            count = struct.unpack_from("<i", body, 4)[0]
            ids = list(struct.unpack_from(f"<{count}q", body, 8))
            return {"kill": ids}, True
        return WirePeer._parse(opcode, body)

    @staticmethod
    def _reply(opcode, request_id, reply):
        if isinstance(reply, Batch):
            docs = b"".join(bson.BSON.encode(d) for d in reply.docs)
            body = struct.pack("<iqii", reply.flags, reply.cursor_id, 0, len(reply.docs)) + docs
            return HEADER.pack(16 + len(body), 1, request_id, OP_REPLY) + body
        return WirePeer._reply(opcode, request_id, reply)


def _peer(on_query=None, on_getmore=None):
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply(max_wire_version=3)
        if name == "query":
            return on_query(command)
        if name == "getmore":
            return on_getmore(command)
        return {"ok": 1.0}

    return LegacyPeer(handler)


def _client(peer):
    return MongoClient(peer.uri, serverSelectionTimeoutMS=2000)


def _received(peer, key):
    return [c for _, c in peer.received if key in c]


def test_a_query_with_modifiers_and_its_get_mores_use_the_legacy_opcodes():
    queries = iter([Batch([{"_id": 1}, {"_id": 2}], cursor_id=77)])
    more = iter([Batch([{"_id": 3}, {"_id": 4}], cursor_id=77), Batch([{"_id": 5}])])
    with _peer(lambda c: next(queries), lambda c: next(more)) as peer, _client(peer) as client:
        cursor = client.db.c.find({"a": 1}, {"a": 1}, skip=3, oplog_replay=True) \
            .sort("_id", 1).max_time_ms(50).comment("hi").batch_size(2)
        assert [d["_id"] for d in cursor] == [1, 2, 3, 4, 5]
        assert cursor.cursor_id == 0 and not cursor.alive
    [query] = _received(peer, "query")
    assert query["query"] == "db.c" and (query["skip"], query["n"]) == (3, 2)
    assert list(query["spec"].items()) == [("$query", {"a": 1}), ("$orderby", {"_id": 1}),
                                           ("$comment", "hi"), ("$maxTimeMS", 50)]
    assert query["projection"] == {"a": 1}
    assert query["flags"] & 8 and query["flags"] & 4  # oplogReplay, slaveOk (single server)
    assert [(g["getmore"], g["n"], g["cursor_id"]) for g in _received(peer, "getmore")] == \
        [("db.c", 2, 77), ("db.c", 2, 77)]


def test_a_plain_query_is_sent_unwrapped_and_negative_limit_means_one_batch():
    with _peer(lambda c: Batch([{"_id": 1}])) as peer, _client(peer) as client:
        assert client.db.c.find_one({"a": 2}) == {"_id": 1}
    [query] = _received(peer, "query")
    assert query["spec"] == {"a": 2} and query["n"] == -1


def test_tailable_await_flags():
    with _peer(lambda c: Batch([])) as peer, _client(peer) as client:
        list(client.db.c.find(cursor_type=CursorType.TAILABLE_AWAIT, no_cursor_timeout=True))
    [query] = _received(peer, "query")
    assert query["flags"] & (2 | 16 | 32) == 2 | 16 | 32


def test_close_sends_op_kill_cursors():
    with _peer(lambda c: Batch([{"_id": 1}], cursor_id=99)) as peer, _client(peer) as client:
        cursor = client.db.c.find()
        next(cursor)
        cursor.close()
        deadline = time.monotonic() + 5
        while not _received(peer, "kill") and time.monotonic() < deadline:
            time.sleep(0.02)
    assert _received(peer, "kill") == [{"kill": [99]}]


def test_the_cursor_not_found_flag_raises_cursor_not_found():
    queries = iter([Batch([{"_id": 1}], cursor_id=5)])
    with _peer(lambda c: next(queries), lambda c: Batch([], flags=1)) as peer, \
            _client(peer) as client:
        cursor = client.db.c.find()
        next(cursor)
        with pytest.raises(CursorNotFound, match="cursor id 5 not found"):
            next(cursor)
        assert not cursor.alive


def test_the_query_failure_flag_raises_the_servers_error():
    failure = Batch([{"$err": "bad query", "code": 2}], flags=2)
    with _peer(lambda c: failure) as peer, _client(peer) as client:
        with pytest.raises(OperationFailure, match="bad query") as info:
            list(client.db.c.find({"$bad": 1}))
    assert info.value.code == 2


def test_collation_needs_a_newer_server():
    with _peer(lambda c: Batch([])) as peer, _client(peer) as client:
        with pytest.raises(ConfigurationError, match="collation requires wire version 5"):
            list(client.db.c.find(collation=Collation("en")))
    assert _received(peer, "query") == []


def test_explain_uses_the_explain_modifier():
    with _peer(lambda c: Batch([{"cursor": "BasicCursor"}])) as peer, _client(peer) as client:
        assert client.db.c.find({"a": 1}).explain() == {"cursor": "BasicCursor"}
    [query] = _received(peer, "query")
    assert query["spec"] == {"$query": {"a": 1}, "$explain": True} and query["n"] == 0


def _command_events(listener):
    """(kind, command_name, command or reply or failure) for each recorded event."""
    kinds = {"CommandStartedEvent": ("started", "command"),
             "CommandSucceededEvent": ("succeeded", "reply"),
             "CommandFailedEvent": ("failed", "failure")}
    rows = []
    for event in listener.events:
        kind, field = kinds[type(event).__name__]
        rows.append((kind, event.command_name, getattr(event, field)))
    return rows


def test_legacy_messages_publish_the_commands_they_stand_for():
    listener = RecordingListener()
    queries = iter([Batch([{"_id": 1}, {"_id": 2}], cursor_id=42)])
    more = iter([Batch([{"_id": 3}], cursor_id=42)])
    with _peer(lambda c: next(queries), lambda c: next(more)) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000,
                        event_listeners=[listener]) as client:
        cursor = client.db.c.find({"x": 1}).batch_size(2)
        assert [next(cursor)["_id"] for _ in range(3)] == [1, 2, 3]
        cursor.close()
        deadline = time.monotonic() + 5
        while len(listener.events) < 6 and time.monotonic() < deadline:
            time.sleep(0.02)
    rows = _command_events(listener)
    assert [(kind, name) for kind, name, _ in rows] == [
        ("started", "find"), ("succeeded", "find"), ("started", "getMore"),
        ("succeeded", "getMore"), ("started", "killCursors"), ("succeeded", "killCursors")]
    assert rows[0][2] == {"find": "c", "filter": {"x": 1}, "batchSize": 2}
    assert rows[1][2] == {"cursor": {"id": 42, "ns": "db.c",
                                     "firstBatch": [{"_id": 1}, {"_id": 2}]}, "ok": 1}
    assert rows[2][2] == {"getMore": 42, "collection": "c", "batchSize": 2}
    assert isinstance(rows[2][2]["getMore"], bson.int64.Int64)
    assert rows[3][2] == {"cursor": {"id": 42, "ns": "db.c", "nextBatch": [{"_id": 3}]},
                          "ok": 1}
    assert rows[4][2] == {"killCursors": "c", "cursors": [42]}
    assert rows[5][2] == {"cursorsUnknown": [42], "ok": 1}
    started = [e for e in listener.events if type(e).__name__ == "CommandStartedEvent"]
    assert {e.database_name for e in started} == {"db"}


def test_legacy_failures_publish_failed_events():
    listener = RecordingListener()
    failure = Batch([{"$err": "bad query", "code": 2}], flags=2)
    with _peer(lambda c: failure) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000,
                        event_listeners=[listener]) as client:
        with pytest.raises(OperationFailure):
            list(client.db.c.find({"$bad": 1}))
    [started, failed] = _command_events(listener)
    assert started[:2] == ("started", "find")
    assert failed[:2] == ("failed", "find")
    assert failed[2]["$err"] == "bad query" and failed[2]["code"] == 2


def test_a_lost_legacy_cursor_publishes_a_failed_get_more():
    listener = RecordingListener()
    queries = iter([Batch([{"_id": 1}], cursor_id=5)])
    with _peer(lambda c: next(queries), lambda c: Batch([], flags=1)) as peer, \
            MongoClient(peer.uri, serverSelectionTimeoutMS=2000,
                        event_listeners=[listener]) as client:
        cursor = client.db.c.find()
        next(cursor)
        with pytest.raises(CursorNotFound):
            next(cursor)
    assert [(kind, name) for kind, name, _ in _command_events(listener)] == [
        ("started", "find"), ("succeeded", "find"), ("started", "getMore"),
        ("failed", "getMore")]
    assert _command_events(listener)[-1][2]["code"] == 43


@pytest.mark.parametrize("wire, expected", [(13, [{"kill": [55]}]), (21, [])])
def test_a_kill_that_names_no_collection(wire, expected):
    """A plain (host, port) names no collection: OP_KILL_CURSORS while servers take it
    (before MongoDB 5.1), else nothing - a killCursors needs the collection."""
    def handler(name, command):
        return hello_reply(max_wire_version=wire) if name in HANDSHAKES else {"ok": 1.0}

    with LegacyPeer(handler) as peer, _client(peer) as client:
        client.admin.command("ping")
        client.close_cursor(55, ("127.0.0.1", peer.port))
        client.close()  # sends the pending kill before returning
        # The peer's thread records what it reads; OP_KILL_CURSORS has no reply to wait on.
        deadline = time.monotonic() + 5
        while len(_received(peer, "kill")) < len(expected) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _received(peer, "kill") == expected
        assert peer.commands("killCursors") == []


def test_a_read_concern_level_needs_a_newer_server():
    """A 3.0 server has no read concern: asking for one must fail, not be dropped."""
    from pymongo.read_concern import ReadConcern

    with _peer(lambda c: Batch([])) as peer, _client(peer) as client:
        coll = client.db.get_collection("c", read_concern=ReadConcern("majority"))
        with pytest.raises(ConfigurationError, match="read concern level of majority"):
            list(coll.find())
    assert _received(peer, "query") == []
