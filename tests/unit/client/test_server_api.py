"""The versioned API (3.12): ServerApi values and what a client with one sends."""
from __future__ import annotations

import pytest

from pymongo import MongoClient
from pymongo.server_api import ServerApi, ServerApiVersion
from tests.support.wire_peer import OP_MSG, WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")


def test_server_api_values_are_checked():
    api = ServerApi(ServerApiVersion.V1, strict=True)
    assert (api.version, api.strict, api.deprecation_errors) == ("1", True, None)
    assert api == ServerApi("1", True) and api != ServerApi("1")
    with pytest.raises(ValueError, match="Unknown ServerApi version: '2'"):
        ServerApi("2")
    with pytest.raises(TypeError, match="ServerApi strict, value must be an instance of bool"):
        ServerApi("1", strict="yes")
    with pytest.raises(TypeError, match="server_api must be an instance of ServerApi"):
        MongoClient(server_api="1", connect=False)


def _peer():
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply()
        if name == "find":
            return {"ok": 1.0, "cursor": {"id": 42, "ns": "db.c", "firstBatch": [{"_id": 1}]}}
        if name == "getMore":
            return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.c", "nextBatch": [{"_id": 2}]}}
        return {"ok": 1.0}

    return WirePeer(handler)


def test_every_command_but_get_more_carries_the_declared_api():
    api = ServerApi("1", strict=True, deprecation_errors=False)
    with _peer() as peer, MongoClient(peer.uri, server_api=api,
                                      serverSelectionTimeoutMS=2000) as client:
        client.admin.command("ping")
        assert [d["_id"] for d in client.db.c.find(batch_size=1)] == [1, 2]
    handshake_ops = [op for op, cmd in peer.received if next(iter(cmd)) in HANDSHAKES]
    assert set(handshake_ops) == {OP_MSG}  # hello over OP_MSG, not a legacy OP_QUERY
    for name in ("hello", "ping", "find"):
        first = peer.commands(name)[0]
        assert (first["apiVersion"], first["apiStrict"], first["apiDeprecationErrors"]) == \
            ("1", True, False)
    [get_more] = peer.commands("getMore")
    assert "apiVersion" not in get_more and "apiStrict" not in get_more


def test_without_a_declared_api_nothing_is_added():
    with _peer() as peer, MongoClient(peer.uri, serverSelectionTimeoutMS=2000) as client:
        client.admin.command("ping")
    assert "apiVersion" not in peer.commands("ping")[0]
    assert "isMaster" in peer.received[0][1]
