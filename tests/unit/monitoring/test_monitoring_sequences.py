"""Event sequences against the scripted wire peer: what one real server cannot show.

SDAM events for a standalone that fails and recovers, a replica set of two peers (the
primary announces the secondary) and ``close()``; command events for batched,
unacknowledged, failed and cursor commands, with ``duration_micros`` around the wire
round trip only.
"""
from __future__ import annotations

import time
from typing import Any, Callable, List, Tuple

import pytest

from mongofw.errors import AutoReconnect
from mongofw.monitoring import events as ev
from pymongo import MongoClient
from pymongo.write_concern import WriteConcern
from tests.support.listeners import EventLog, RecordingListener
from tests.support.wire_peer import CLOSE, WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")
HEARTBEAT_MS = 500


def _changes(log: EventLog, start: int = 0) -> List[Tuple[Any, str, str]]:
    return [(e.server_address, e.previous_description.server_type_name,
             e.new_description.server_type_name)
            for e in log.snapshot()[start:] if isinstance(e, ev.ServerDescriptionChangedEvent)]


def _topology(description: Any) -> Tuple[str, List[Tuple[Any, str]]]:
    return description.topology_type_name, sorted(
        (address, sd.server_type_name)
        for address, sd in description.server_descriptions().items())


# ---------------------------------------------------------------- SDAM sequences


def test_standalone_fails_and_recovers():
    state = {"down": False}

    def handler(name, command):
        if name in HANDSHAKES:
            return CLOSE if state["down"] else hello_reply("standalone")
        return {"ok": 1.0}

    log = EventLog()
    with WirePeer(handler) as peer:
        client = MongoClient(peer.uri, event_listeners=[log],
                             heartbeatFrequencyMS=HEARTBEAT_MS, serverSelectionTimeoutMS=3000)
        try:
            client.admin.command("ping")
            log.wait_for(lambda evs: len(_changes(log)) == 1)
            assert _changes(log) == [(peer.address, "Unknown", "Standalone")]

            mark = len(log.snapshot())
            state["down"] = True
            log.wait_for(lambda evs: len(_changes(log, mark)) == 1)
            down = log.snapshot()[mark:]
            assert _changes(log, mark) == [(peer.address, "Standalone", "Unknown")]
            failed = [e for e in down if isinstance(e, ev.ServerHeartbeatFailedEvent)]
            assert failed and isinstance(failed[0].reply, AutoReconnect)
            [topology] = [e for e in down if isinstance(e, ev.TopologyDescriptionChangedEvent)]
            assert _topology(topology.new_description) == ("Single",
                                                           [(peer.address, "Unknown")])

            mark = len(log.snapshot())
            state["down"] = False
            log.wait_for(lambda evs: len(_changes(log, mark)) == 1)
            assert _changes(log, mark) == [(peer.address, "Unknown", "Standalone")]
            up = log.snapshot()[mark:]
            first_success = next(e for e in up if isinstance(e, ev.ServerHeartbeatSucceededEvent))
            changed = next(e for e in up if isinstance(e, ev.ServerDescriptionChangedEvent))
            assert up.index(first_success) < up.index(changed)
        finally:
            client.close()
    assert [type(e).__name__ for e in log.snapshot()[-2:]] == ["ServerClosedEvent",
                                                               "TopologyClosedEvent"]


def _role_handler(role: str, hosts: List[str]):
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply(role, set_name="rs", hosts=hosts)
        return {"ok": 1.0}
    return handler


def test_replica_set_of_two_peers_is_discovered_and_closed():
    log = EventLog()
    with WirePeer(lambda n, c: CLOSE) as primary, WirePeer(lambda n, c: CLOSE) as secondary:
        hosts = [f"127.0.0.1:{primary.port}", f"127.0.0.1:{secondary.port}"]
        primary.handler = _role_handler("primary", hosts)
        secondary.handler = _role_handler("secondary", hosts)
        client = MongoClient(f"mongodb://127.0.0.1:{primary.port}/?replicaSet=rs",
                             event_listeners=[log], heartbeatFrequencyMS=HEARTBEAT_MS,
                             serverSelectionTimeoutMS=3000)
        try:
            client.admin.command("ping")
            log.wait_for(lambda evs: len(_changes(log)) == 2)
            events = log.snapshot()
            opened = [e.server_address for e in events if isinstance(e, ev.ServerOpeningEvent)]
            assert opened == [primary.address, secondary.address]
            assert _changes(log) == [(primary.address, "Unknown", "RSPrimary"),
                                     (secondary.address, "Unknown", "RSSecondary")]
            topologies = [_topology(e.new_description) for e in events
                          if isinstance(e, ev.TopologyDescriptionChangedEvent)]
            assert topologies == [
                ("ReplicaSetNoPrimary", [(primary.address, "Unknown")]),
                ("ReplicaSetWithPrimary", sorted([(primary.address, "RSPrimary"),
                                                  (secondary.address, "Unknown")])),
                ("ReplicaSetWithPrimary", sorted([(primary.address, "RSPrimary"),
                                                  (secondary.address, "RSSecondary")])),
            ]
            # The secondary is announced when the primary's reply names it, not before.
            second_opening = next(e for e in events if isinstance(e, ev.ServerOpeningEvent)
                                  and e.server_address == secondary.address)
            primary_changed = next(e for e in events
                                   if isinstance(e, ev.ServerDescriptionChangedEvent))
            assert events.index(primary_changed) < events.index(second_opening)
        finally:
            mark = len(log.snapshot())
            client.close()
        closing = log.snapshot()[mark:]
        assert [type(e).__name__ for e in closing] == [
            "ServerClosedEvent", "ServerClosedEvent", "TopologyClosedEvent"]
        assert {e.server_address for e in closing[:2]} == {primary.address, secondary.address}


# ---------------------------------------------------------------- command events


def _peer(on_command: Callable[[str, Any], Any], **hello: Any) -> WirePeer:
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply("standalone", **hello)
        return on_command(name, command)
    return WirePeer(handler)


def _pairs(listener: RecordingListener) -> List[Tuple[str, str]]:
    return [(type(e).__name__.replace("Command", "").replace("Event", ""), e.command_name)
            for e in listener.events]


def test_a_batched_insert_publishes_one_event_pair_per_batch():
    listener = RecordingListener()
    with _peer(lambda n, c: {"ok": 1.0, "n": len(c.get("documents", []))},
               maxWriteBatchSize=2) as peer, \
            MongoClient(peer.uri, event_listeners=[listener]) as client:
        client.db.coll.insert_many([{"_id": i} for i in range(5)])
    assert _pairs(listener) == [("Started", "insert"), ("Succeeded", "insert")] * 3
    started = listener.started_commands("insert")
    assert [[d["_id"] for d in cmd["documents"]] for cmd in started] == [[0, 1], [2, 3], [4]]
    assert all(cmd["insert"] == "coll" and cmd["ordered"] is True for cmd in started)
    replies = [e.reply for e in listener.events if isinstance(e, ev.CommandSucceededEvent)]
    assert [r["n"] for r in replies] == [2, 2, 1]
    # Each event pair shares its request id; the three batches have distinct ones.
    ids = [e.request_id for e in listener.events]
    assert ids[0::2] == ids[1::2] and len(set(ids)) == 3


def test_an_unacknowledged_write_succeeds_with_reply_ok_1():
    listener = RecordingListener()
    with _peer(lambda n, c: {"ok": 1.0}) as peer, \
            MongoClient(peer.uri, event_listeners=[listener]) as client:
        coll = client.db.get_collection("coll", write_concern=WriteConcern(w=0))
        coll.insert_one({"_id": 1})
        client.admin.command("ping")  # the connection is still in step
    [started, succeeded, *_] = listener.events
    assert started.command["writeConcern"] == {"w": 0}
    assert [d["_id"] for d in started.command["documents"]] == [1]
    assert isinstance(succeeded, ev.CommandSucceededEvent) and succeeded.reply == {"ok": 1}
    assert _pairs(listener)[2:] == [("Started", "ping"), ("Succeeded", "ping")]


def test_a_network_error_publishes_a_failed_event():
    listener = RecordingListener()
    with _peer(lambda n, c: CLOSE) as peer, \
            MongoClient(peer.uri, event_listeners=[listener]) as client:
        with pytest.raises(AutoReconnect):
            client.admin.command("ping")
    [started, failed] = listener.events
    assert isinstance(failed, ev.CommandFailedEvent) and failed.command_name == "ping"
    assert failed.request_id == started.request_id
    assert failed.failure["ok"] == 0 and failed.failure["errtype"] == "AutoReconnect"


def test_duration_covers_the_round_trip_and_not_the_listeners():
    class SlowStart(RecordingListener):
        def started(self, event: Any) -> None:
            time.sleep(0.3)
            super().started(event)

    listener = SlowStart()

    def slow_ping(name, command):
        time.sleep(0.1)
        return {"ok": 1.0}

    with _peer(slow_ping) as peer, MongoClient(peer.uri, event_listeners=[listener]) as client:
        client.admin.command("ping")
    [_, succeeded] = listener.events
    assert 100_000 <= succeeded.duration_micros < 300_000


def test_get_more_and_kill_cursors_are_published():
    def on_command(name, command):
        if name == "find":
            return {"ok": 1.0, "cursor": {"id": 77, "ns": "db.coll",
                                          "firstBatch": [{"_id": 1}, {"_id": 2}]}}
        if name == "getMore":
            return {"ok": 1.0, "cursor": {"id": 77, "ns": "db.coll", "nextBatch": [{"_id": 3}]}}
        if name == "killCursors":
            return {"ok": 1.0, "cursorsKilled": command["cursors"]}
        return {"ok": 1.0}

    listener = RecordingListener()
    with _peer(on_command) as peer, MongoClient(peer.uri, event_listeners=[listener]) as client:
        cursor = client.db.coll.find().batch_size(2)
        assert [next(cursor)["_id"] for _ in range(3)] == [1, 2, 3]
        cursor.close()
    assert _pairs(listener) == [("Started", "find"), ("Succeeded", "find"),
                                ("Started", "getMore"), ("Succeeded", "getMore"),
                                ("Started", "killCursors"), ("Succeeded", "killCursors")]
    [get_more] = listener.started_commands("getMore")
    assert get_more["getMore"] == 77 and get_more["collection"] == "coll"
    [kill] = listener.started_commands("killCursors")
    assert kill["killCursors"] == "coll" and list(kill["cursors"]) == [77]
    assert all(e.database_name == "db" for e in listener.events
               if isinstance(e, ev.CommandStartedEvent))


def test_an_operation_id_given_to_the_command_links_its_events():
    listener = RecordingListener()
    with _peer(lambda n, c: {"ok": 1.0}) as peer, \
            MongoClient(peer.uri, event_listeners=[listener]) as client:
        client.admin.command("ping")
        with client._socket_for_writes() as sock_info:
            for _ in range(2):
                sock_info.command("db", {"insert": "coll", "documents": []}, operation_id=7)
    ping_started, ping_succeeded, *batches = listener.events
    # Without one, the request id serves (each command its own operation).
    assert ping_started.operation_id == ping_succeeded.operation_id == ping_started.request_id
    assert [e.operation_id for e in batches] == [7, 7, 7, 7]
    assert batches[0].request_id != batches[2].request_id


def test_every_batch_of_one_bulk_write_shares_an_operation_id():
    """Command events of one bulk operation carry the same operation_id, unlike the next."""
    from pymongo import InsertOne, MongoClient
    from tests.support.listeners import RecordingListener
    from tests.support.wire_peer import WirePeer, hello_reply

    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply(maxWriteBatchSize=2)
        return {"ok": 1.0, "n": len(command.get("documents", []))}

    listener = RecordingListener()
    with WirePeer(handler) as peer, MongoClient(peer.uri, event_listeners=[listener]) as client:
        client.db.c.bulk_write([InsertOne({"i": i}) for i in range(5)])
        client.db.c.insert_one({"i": 99})
    started = [e for e in listener.events if type(e).__name__ == "CommandStartedEvent"
               and e.command_name == "insert"]
    assert len(started) == 4
    assert len({e.operation_id for e in started[:3]}) == 1
    assert started[3].operation_id != started[0].operation_id
