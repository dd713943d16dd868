"""The documented SocketInfo methods that take prepared messages, against a scripted peer."""
from __future__ import annotations

import pytest

from bson.codec_options import DEFAULT_CODEC_OPTIONS
from mongofw.core.wire import message as core_message
from mongofw.errors import NotMasterError
from pymongo import MongoClient, message
from tests.support.wire_peer import WirePeer, hello_reply

OPTS = DEFAULT_CODEC_OPTIONS


def _peer(role="standalone", max_wire_version=21):
    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply(role, max_wire_version=max_wire_version)
        if name == "getlasterror":
            return {"ok": 1.0, "err": None, "n": 0}
        if name == "insert":
            return {"ok": 1.0, "n": len(command["documents"])}
        return {"ok": 1.0}

    return WirePeer(handler)


def _socket(client):
    client.admin.command("ping")
    return client._socket_for_writes()


def test_legacy_write_with_last_error_returns_the_getlasterror_reply():
    with _peer(max_wire_version=2) as peer, MongoClient(peer.uri) as client, \
            _socket(client) as sock:
        rid, msg, size = message.insert("db.c", [{"_id": 1}], False, True, {"w": 1}, False,
                                        OPTS)
        assert sock.legacy_write(rid, msg, size, True) == {"ok": 1.0, "err": None, "n": 0}
    [insert] = [c for c in peer.commands() if "legacy_insert" in c]
    assert insert == {"legacy_insert": "db.c", "documents": [{"_id": 1}]}
    assert peer.commands("getlasterror") == [{"getlasterror": 1, "w": 1}]


def test_legacy_write_without_last_error_returns_none():
    with _peer(max_wire_version=2) as peer, MongoClient(peer.uri) as client, \
            _socket(client) as sock:
        rid, msg, size = message.insert("db.c", [{"_id": 2}], False, False, {}, False, OPTS)
        assert sock.legacy_write(rid, msg, size, False) is None
        client.admin.command("ping")  # the socket is still in step with the peer
    assert [c["documents"] for c in peer.commands() if "legacy_insert" in c] == [[{"_id": 2}]]
    assert peer.commands("getlasterror") == []


def test_an_unacknowledged_legacy_write_to_a_secondary_is_refused():
    with _peer("secondary") as peer, MongoClient(peer.uri, connect=True) as client:
        client.admin.command("ping")
        server = client._topology.select_server(lambda servers: servers)
        with server.get_socket({}) as sock:
            rid, msg, size = message.insert("db.c", [{}], False, False, {}, False, OPTS)
            with pytest.raises(NotMasterError):
                sock.legacy_write(rid, msg, size, False)


def test_write_command_sends_a_prepared_command_and_returns_the_reply():
    with _peer() as peer, MongoClient(peer.uri) as client, _socket(client) as sock:
        rid, data, _ = core_message.op_msg({"insert": "c", "documents": [{"_id": 3}],
                                            "$db": "db"}, OPTS)
        assert sock.write_command(rid, data) == {"ok": 1.0, "n": 1}
    assert peer.commands("insert")[0]["documents"] == [{"_id": 3}]
