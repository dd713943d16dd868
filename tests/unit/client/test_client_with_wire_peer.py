"""Client behaviour against the scripted wire peer: roles, faults, limits, timeouts.

No real server: the peer answers the handshake as whatever role a test needs and
misbehaves on cue, which one FerretDB cannot show.
"""
from __future__ import annotations

import threading
import time

import pytest

from mongofw.errors import (
    AutoReconnect,
    ConfigurationError,
    ConnectionFailure,
    ExceededMaxWaiters,
    InvalidOperation,
    NetworkTimeout,
    OperationFailure,
    ProtocolError,
    ServerSelectionTimeoutError,
)
from pymongo import MongoClient, ReadPreference
from tests.support.wire_peer import CLOSE, GARBAGE, NO_REPLY, TRUNCATE, WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")


def _peer(role: str = "standalone", on_command=None, **hello_kw) -> WirePeer:
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply(role, **hello_kw)
        if on_command is not None:
            return on_command(name, command)
        return {"ok": 1.0}

    return WirePeer(handler)


def _client(peer: WirePeer, **kw) -> MongoClient:
    kw.setdefault("serverSelectionTimeoutMS", 2000)
    return MongoClient(peer.uri, **kw)


def test_a_command_reaches_the_peer_over_op_msg_with_db():
    with _peer() as peer, _client(peer) as client:
        assert client.admin.command("ping") == {"ok": 1.0}
    [ping] = peer.commands("ping")
    assert ping["$db"] == "admin"


def test_an_old_server_gets_commands_over_op_query():
    with _peer(max_wire_version=3) as peer, _client(peer) as client:
        client.admin.command("ping")
    assert [op for op, cmd in peer.received if "ping" in cmd] == [2004]


def test_an_incompatible_server_names_both_wire_version_ranges():
    with _peer(max_wire_version=1) as peer, _client(peer) as client:
        with pytest.raises(ConfigurationError, match=r"wire version.*1.*2 to 25|2 to 25"):
            client.admin.command("ping")


def test_a_truncated_reply_raises_and_the_next_operation_uses_a_new_socket():
    replies = iter([TRUNCATE, {"ok": 1.0}])
    with _peer(on_command=lambda n, c: next(replies)) as peer, _client(peer) as client:
        with pytest.raises(AutoReconnect):
            client.admin.command("ping")
        assert client.admin.command("ping") == {"ok": 1.0}


def test_a_reply_announcing_an_impossible_length_is_a_protocol_error():
    with _peer(on_command=lambda n, c: GARBAGE) as peer, _client(peer) as client:
        with pytest.raises(ProtocolError, match="message length"):
            client.admin.command("ping")


def test_a_closed_connection_gives_auto_reconnect_not_a_hang():
    with _peer(on_command=lambda n, c: CLOSE) as peer, _client(peer) as client:
        start = time.monotonic()
        with pytest.raises(AutoReconnect):
            client.admin.command("ping")
        assert time.monotonic() - start < 5


def test_socket_timeout_raises_network_timeout():
    with _peer(on_command=lambda n, c: NO_REPLY) as peer, \
            _client(peer, socketTimeoutMS=200) as client:
        start = time.monotonic()
        with pytest.raises(NetworkTimeout):
            client.admin.command("ping")
        assert time.monotonic() - start < 3


def test_a_handshake_that_never_answers_ends_in_server_selection_timeout():
    with WirePeer(lambda n, c: NO_REPLY) as peer, \
            MongoClient(peer.uri, connectTimeoutMS=200, serverSelectionTimeoutMS=800) as client:
        with pytest.raises(ServerSelectionTimeoutError, match="timed out"):
            client.admin.command("ping")


def test_server_selection_timeout_names_what_it_saw():
    with WirePeer(lambda n, c: {"ok": 1}) as peer:
        uri = peer.uri
    with MongoClient(uri, serverSelectionTimeoutMS=300) as client:
        with pytest.raises(ServerSelectionTimeoutError, match=r"127\.0\.0\.1:\d+: .*refused"):
            client.admin.command("ping")


def _slow(seconds: float):
    def answer(name, command):
        time.sleep(seconds)
        return {"ok": 1.0}
    return answer


def test_wait_queue_timeout_raises_connection_failure():
    with _peer(on_command=_slow(1.0)) as peer, \
            _client(peer, maxPoolSize=1, waitQueueTimeoutMS=100) as client:
        holder = threading.Thread(target=client.admin.command, args=("ping",))
        holder.start()
        time.sleep(0.3)
        with pytest.raises(ConnectionFailure, match="waiting for a connection"):
            client.admin.command("ping")
        holder.join(5)


def test_wait_queue_multiple_raises_exceeded_max_waiters():
    with _peer(on_command=_slow(1.0)) as peer, \
            _client(peer, maxPoolSize=1, waitQueueMultiple=1) as client:
        threads = [threading.Thread(target=client.admin.command, args=("ping",))
                   for _ in range(2)]
        for t in threads:
            t.start()
            time.sleep(0.2)
        with pytest.raises(ExceededMaxWaiters):
            client.admin.command("ping")
        for t in threads:
            t.join(5)


def test_mongos_gets_the_read_preference_document():
    with _peer("mongos") as peer, _client(peer) as client:
        db = client.get_database("test", read_preference=ReadPreference.SECONDARY_PREFERRED)
        db.command("ping", read_preference=ReadPreference.SECONDARY_PREFERRED)
        assert client.is_mongos
    [ping] = peer.commands("ping")
    assert ping["$readPreference"] == {"mode": "secondaryPreferred"}


def test_replica_set_roles_are_discovered_from_the_seed():
    with _peer("secondary", set_name="rs") as secondary:
        host = f"127.0.0.1:{secondary.port}"
        with _peer("primary", set_name="rs", hosts=[host]) as primary:
            hosts = [f"127.0.0.1:{primary.port}", host]
            primary.handler = _role_handler("primary", hosts)
            secondary.handler = _role_handler("secondary", hosts)
            with MongoClient(f"mongodb://127.0.0.1:{primary.port}/?replicaSet=rs",
                             serverSelectionTimeoutMS=3000) as client:
                client.admin.command("ping")
                assert client.primary == ("127.0.0.1", primary.port)
                deadline = time.monotonic() + 5
                while not client.secondaries and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert client.secondaries == {("127.0.0.1", secondary.port)}
                client.admin.command("ping", read_preference=ReadPreference.SECONDARY)
            assert secondary.commands("ping")


def _role_handler(role, hosts):
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply(role, set_name="rs", hosts=hosts)
        return {"ok": 1.0}
    return handler


def test_a_wrong_replica_set_name_never_selects_the_server():
    with _peer("primary", set_name="other") as peer, \
            MongoClient(f"{peer.uri}?replicaSet=rs", serverSelectionTimeoutMS=500) as client:
        with pytest.raises(ServerSelectionTimeoutError):
            client.admin.command("ping")


def test_not_master_reply_raises_and_marks_the_server_for_a_recheck():
    answers = iter([{"ok": 0, "errmsg": "not master", "code": 10107}, {"ok": 1.0}])
    with _peer(on_command=lambda n, c: next(answers)) as peer, _client(peer) as client:
        with pytest.raises(AutoReconnect, match="not master"):
            client.admin.command("ping")
        assert client.admin.command("ping") == {"ok": 1.0}


def test_command_errors_carry_code_and_details():
    reply = {"ok": 0, "errmsg": "no such command: 'nope'", "code": 59}
    with _peer(on_command=lambda n, c: reply) as peer, _client(peer) as client:
        with pytest.raises(OperationFailure) as info:
            client.admin.command("nope")
    assert info.value.code == 59
    assert info.value.details == reply


def test_close_stops_every_monitor_thread_and_socket():
    with _peer() as peer:
        client = _client(peer)
        client.admin.command("ping")
        client.close()
        names = [t.name for t in threading.enumerate() if t.is_alive()]
        assert not [n for n in names if n.startswith("mongofw-")], names
        # A closed client reopens on use (3.x behaviour).
        assert client.admin.command("ping") == {"ok": 1.0}
        client.close()


def test_appname_is_sent_in_the_handshake():
    with _peer() as peer, _client(peer, appname="billing") as client:
        client.admin.command("ping")
    hellos = [c for c in peer.commands() if next(iter(c)) in HANDSHAKES and "client" in c]
    assert hellos and hellos[0]["client"]["application"] == {"name": "billing"}
    assert hellos[0]["client"]["driver"]["name"] == "mongofw"


def test_address_is_refused_when_load_balancing_among_mongoses():
    with _peer("mongos") as one, _peer("mongos") as two, \
            MongoClient(f"mongodb://127.0.0.1:{one.port},127.0.0.1:{two.port}/",
                        serverSelectionTimeoutMS=3000) as client:
        client.admin.command("ping")
        deadline = time.monotonic() + 5
        while len(client.nodes) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.nodes == {("127.0.0.1", one.port), ("127.0.0.1", two.port)}
        assert client.is_mongos
        with pytest.raises(InvalidOperation, match="load balancing among mongoses"):
            client.address  # noqa: B018 - the property access is the behaviour under test


def test_a_replica_set_without_primary_has_no_address_and_no_primary():
    with _peer("secondary", set_name="rs") as secondary:
        hosts = [f"127.0.0.1:{secondary.port}"]
        secondary.handler = _role_handler("secondary", hosts)
        with MongoClient(f"{secondary.uri}?replicaSet=rs", serverSelectionTimeoutMS=1000,
                         readPreference="secondary") as client:
            client.admin.command("ping", read_preference=ReadPreference.SECONDARY)
            assert client.address is None and client.primary is None
            assert client.secondaries == {("127.0.0.1", secondary.port)}
            assert client.arbiters == set()
            # Documented: is_primary waits for a server that accepts writes.
            with pytest.raises(ServerSelectionTimeoutError):
                client.is_primary  # noqa: B018 - the property access is the behaviour


def test_command_cursor_documents_follow_get_more():
    """listCollections results beyond the first batch come through getMore."""
    def on_command(name, command):
        if name == "listCollections":
            return {"ok": 1.0, "cursor": {"id": 5, "ns": "db.$cmd.listCollections",
                                          "firstBatch": [{"name": "a"}]}}
        if name == "getMore":
            return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.$cmd.listCollections",
                                          "nextBatch": [{"name": "b"}]}}
        return {"ok": 1.0}

    with _peer(on_command=on_command) as peer, _client(peer) as client:
        assert client.db.collection_names() == ["a", "b"]
    [get_more] = peer.commands("getMore")
    assert get_more["collection"] == "$cmd.listCollections" and get_more["getMore"] == 5


def test_a_client_is_not_iterable():
    with MongoClient("mongodb://127.0.0.1:1/", connect=False) as client:
        with pytest.raises(TypeError, match="'MongoClient' object is not iterable"):
            for _ in client:
                pass


def test_mongo_replica_set_client_is_a_deprecated_mongo_client():
    from pymongo import MongoReplicaSetClient

    with pytest.warns(DeprecationWarning, match="MongoReplicaSetClient is deprecated"):
        client = MongoReplicaSetClient("mongodb://127.0.0.1:1/?replicaSet=rs", connect=False)
    with client:
        assert isinstance(client, MongoClient)
        assert repr(client) == ("MongoReplicaSetClient(host=['127.0.0.1:1'], "
                                "document_class=dict, tz_aware=False, connect=False)")


def _cursor_handler(role, hosts):
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply(role, set_name="rs", hosts=hosts)
        return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.c", "firstBatch": []}}
    return handler


@pytest.mark.parametrize("stage", ["$out", "$merge"])
def test_an_aggregation_that_writes_goes_to_the_primary(stage):
    """PyMongo 3.9 fixed $out following a secondary read preference; $merge too."""
    with _peer("secondary", set_name="rs") as secondary:
        host = f"127.0.0.1:{secondary.port}"
        with _peer("primary", set_name="rs", hosts=[host]) as primary:
            hosts = [f"127.0.0.1:{primary.port}", host]
            primary.handler = _cursor_handler("primary", hosts)
            secondary.handler = _cursor_handler("secondary", hosts)
            with MongoClient(f"mongodb://127.0.0.1:{primary.port}/?replicaSet=rs",
                             serverSelectionTimeoutMS=3000) as client:
                coll = client.db.get_collection("c", read_preference=ReadPreference.SECONDARY)
                deadline = time.monotonic() + 5
                while not client.secondaries and time.monotonic() < deadline:
                    time.sleep(0.05)
                list(coll.aggregate([{"$match": {}}]))
                list(coll.aggregate([{"$match": {}}, {stage: "other"}]))
            assert [c["pipeline"] for c in secondary.commands("aggregate")] == [[{"$match": {}}]]
            [written] = primary.commands("aggregate")
            assert written["pipeline"][-1] == {stage: "other"} and "readConcern" not in written
