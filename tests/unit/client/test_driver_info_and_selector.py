"""DriverInfo in the handshake and the application's server_selector (no real server)."""
from __future__ import annotations

import pytest

from pymongo import MongoClient
from pymongo.driver_info import DriverInfo
from pymongo.errors import ServerSelectionTimeoutError
from tests.support.wire_peer import WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")


def _peer(role="standalone"):
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply(role)
        return {"ok": 1.0}

    return WirePeer(handler)


def test_driver_info_is_a_named_triple_of_strings():
    info = DriverInfo("MyODM", "1.2", "linux")
    assert (info.name, info.version, info.platform) == ("MyODM", "1.2", "linux")
    assert DriverInfo() == (None, None, None)
    with pytest.raises(TypeError, match="DriverInfo version option, value must be an "
                                        "instance of str, not int"):
        DriverInfo("x", 1)


def test_driver_info_joins_the_handshake_client_document():
    with _peer() as peer, MongoClient(peer.uri, driver=DriverInfo("MyODM", "1.2", "plat"),
                                      serverSelectionTimeoutMS=2000) as client:
        client.admin.command("ping")
    hello = next(cmd for name, cmd in ((next(iter(c)), c) for _, c in peer.received)
                 if name in HANDSHAKES and "client" in cmd)
    assert hello["client"]["driver"]["name"] == "mongofw|MyODM"
    assert hello["client"]["driver"]["version"].endswith("|1.2")
    assert hello["client"]["platform"].endswith("|plat")


def test_driver_must_be_a_driver_info():
    with pytest.raises(TypeError, match="driver must be an instance of DriverInfo, not dict"):
        MongoClient(driver={"name": "x"}, connect=False)


def test_server_selector_narrows_the_servers_a_read_may_use():
    """Applied to mongoses and replica-set members; a direct connection ignores it (3.8)."""
    seen = []

    def nobody(servers):
        seen.append([sd.address for sd in servers])
        return []

    with _peer("mongos") as peer, MongoClient(peer.uri, server_selector=nobody,
                                              directConnection=False,
                                              serverSelectionTimeoutMS=300) as client:
        with pytest.raises(ServerSelectionTimeoutError):
            client.admin.command("ping")
    assert ("127.0.0.1", peer.port) in [address for call in seen for address in call]
    with pytest.raises(TypeError, match="server_selector must be a callable or None"):
        MongoClient(server_selector=5, connect=False)


def test_server_selector_that_accepts_lets_commands_through():
    with _peer("mongos") as peer, MongoClient(peer.uri, server_selector=lambda sds: sds[:1],
                                              directConnection=False,
                                              serverSelectionTimeoutMS=2000) as client:
        assert client.admin.command("ping") == {"ok": 1.0}


def test_a_direct_connection_ignores_the_server_selector():
    with _peer() as peer, MongoClient(peer.uri, server_selector=lambda sds: [],
                                      serverSelectionTimeoutMS=2000) as client:
        assert client.admin.command("ping") == {"ok": 1.0}
