"""Server, topology and heartbeat event sequences against the real server.

Opening (topology opened, first description, server opening, heartbeat, server becomes
Standalone), steady heartbeats with no change published, failure and recovery of a server
of our own (killed with SIGKILL, then revived) and the closing sequence of
``client.close()``.
"""
from __future__ import annotations

import time
from typing import Any, List, Tuple

import pytest

from mongofw.monitoring import events as ev
from pymongo import MongoClient
from tests.support.listeners import EventLog
from tests.support.server import start_server, stop_server

HEARTBEAT_MS = 500


def _address(uri: str) -> Tuple[str, int]:
    hostport = uri.split("//", 1)[1].split("/", 1)[0]
    host, port = hostport.rsplit(":", 1)
    return host, int(port)


def _server_types(event: ev.ServerDescriptionChangedEvent) -> Tuple[str, str]:
    return event.previous_description.server_type_name, event.new_description.server_type_name


def _topology_servers(description: Any) -> List[Tuple[Any, str]]:
    return sorted((address, sd.server_type_name)
                  for address, sd in description.server_descriptions().items())


def test_opening_sequence_ends_with_a_standalone_single_topology(server_uri):
    log = EventLog()
    address = _address(server_uri)
    client = MongoClient(server_uri, event_listeners=[log], heartbeatFrequencyMS=HEARTBEAT_MS)
    try:
        client.admin.command("ping")
        log.wait_for(lambda evs: sum(isinstance(e, ev.TopologyDescriptionChangedEvent)
                                     for e in evs) >= 2)
        topology = log.of(ev.TopologyOpenedEvent, ev.TopologyDescriptionChangedEvent)
        opened, first, second = topology[:3]
        assert isinstance(opened, ev.TopologyOpenedEvent)
        assert first.previous_description.topology_type_name == "Unknown"
        assert _topology_servers(first.previous_description) == []
        assert first.new_description.topology_type_name == "Single"
        assert _topology_servers(first.new_description) == [(address, "Unknown")]
        assert second.new_description.topology_type_name == "Single"
        assert _topology_servers(second.new_description) == [(address, "Standalone")]
        ids = {e.topology_id for e in log.of(ev.TopologyOpenedEvent, ev.ServerOpeningEvent,
                                             ev.TopologyDescriptionChangedEvent,
                                             ev.ServerDescriptionChangedEvent)}
        assert ids == {opened.topology_id}

        [opening] = log.of(ev.ServerOpeningEvent)
        assert opening.server_address == address
        [changed] = log.of(ev.ServerDescriptionChangedEvent)
        assert changed.server_address == address
        assert _server_types(changed) == ("Unknown", "Standalone")

        events = log.snapshot()
        started = next(e for e in events if isinstance(e, ev.ServerHeartbeatStartedEvent))
        succeeded = next(e for e in events if isinstance(e, ev.ServerHeartbeatSucceededEvent))
        assert started.connection_id == succeeded.connection_id == address
        assert succeeded.reply["ok"] == 1 and succeeded.reply["ismaster"] is True
        assert 0 < succeeded.duration_micros < 10_000_000
        # Spec order: opening before the first heartbeat, whose success precedes the change.
        assert events.index(opened) < events.index(first) < events.index(opening) \
            < events.index(started) < events.index(succeeded) < events.index(changed) \
            < events.index(second)
    finally:
        client.close()


def test_steady_heartbeats_publish_no_description_change(server_uri):
    log = EventLog()
    client = MongoClient(server_uri, event_listeners=[log], heartbeatFrequencyMS=HEARTBEAT_MS)
    try:
        client.admin.command("ping")
        log.wait_for(lambda evs: sum(isinstance(e, ev.ServerHeartbeatSucceededEvent)
                                     for e in evs) >= 3)
        assert len(log.of(ev.ServerDescriptionChangedEvent)) == 1
        assert len(log.of(ev.TopologyDescriptionChangedEvent)) == 2
        assert log.of(ev.ServerHeartbeatFailedEvent) == []
        # Each heartbeat is a started/succeeded pair.
        kinds = [type(e).__name__ for e in log.of(ev.ServerHeartbeatStartedEvent,
                                                  ev.ServerHeartbeatSucceededEvent)]
        pairs = kinds[:len(kinds) // 2 * 2]
        assert pairs == ["ServerHeartbeatStartedEvent", "ServerHeartbeatSucceededEvent"] * \
            (len(pairs) // 2)
    finally:
        client.close()


def test_close_publishes_server_closed_then_topology_closed_and_nothing_after(server_uri):
    log = EventLog()
    address = _address(server_uri)
    client = MongoClient(server_uri, event_listeners=[log], heartbeatFrequencyMS=HEARTBEAT_MS)
    client.admin.command("ping")
    log.wait_for(lambda evs: any(isinstance(e, ev.ServerDescriptionChangedEvent) for e in evs))
    [opened] = log.of(ev.TopologyOpenedEvent)
    before = len(log.snapshot())
    client.close()
    closing = log.snapshot()[before:]
    assert [type(e).__name__ for e in closing] == ["ServerClosedEvent", "TopologyClosedEvent"]
    assert closing[0].server_address == address
    assert closing[0].topology_id == closing[1].topology_id == opened.topology_id
    # Monitors are stopped: two heartbeat intervals later nothing more was published.
    time.sleep(2 * HEARTBEAT_MS / 1000)
    assert len(log.snapshot()) == before + 2


def test_a_client_used_again_after_close_publishes_the_opening_sequence_again(server_uri):
    """After TopologyClosedEvent, reuse reopens: topology opened, seeds, server opening."""
    log = EventLog()
    client = MongoClient(server_uri, event_listeners=[log], heartbeatFrequencyMS=HEARTBEAT_MS)
    client.admin.command("ping")
    client.close()
    before = len(log.snapshot())
    assert isinstance(log.snapshot()[-1], ev.TopologyClosedEvent)
    try:
        client.admin.command("ping")
        log.wait_for(lambda evs: any(isinstance(e, ev.ServerDescriptionChangedEvent)
                                     for e in evs[before:]))
        again = log.snapshot()[before:]
        assert [type(e).__name__ for e in again[:3]] == [
            "TopologyOpenedEvent", "TopologyDescriptionChangedEvent", "ServerOpeningEvent"]
        assert _topology_servers(again[1].new_description) == [
            (_address(server_uri), "Unknown")]
        assert again[2].server_address == _address(server_uri)
        assert len({e.topology_id for e in log.of(ev.TopologyOpenedEvent)}) == 1
    finally:
        client.close()


@pytest.fixture
def own_server():
    srv = start_server(f"pytest-monitoring-{id(object())}")
    yield srv
    stop_server(srv)


def test_failure_and_recovery_of_a_killed_server(own_server):
    log = EventLog()
    address = _address(own_server.uri)
    client = MongoClient(own_server.uri, event_listeners=[log], heartbeatFrequencyMS=HEARTBEAT_MS,
                         serverSelectionTimeoutMS=5000)
    try:
        client.admin.command("ping")
        log.wait_for(lambda evs: any(isinstance(e, ev.ServerDescriptionChangedEvent)
                                     for e in evs))
        mark = len(log.snapshot())
        own_server.kill()
        log.wait_for(lambda evs: any(isinstance(e, ev.ServerDescriptionChangedEvent)
                                     for e in evs[mark:]))
        down = log.snapshot()[mark:]
        [lost] = [e for e in down if isinstance(e, ev.ServerDescriptionChangedEvent)]
        assert _server_types(lost) == ("Standalone", "Unknown")
        assert lost.new_description.error is not None
        failed = [e for e in down if isinstance(e, ev.ServerHeartbeatFailedEvent)]
        assert failed and all(e.connection_id == address for e in failed)
        assert isinstance(failed[0].reply, Exception)
        assert down.index(failed[0]) < down.index(lost)
        [topology_lost] = [e for e in down if isinstance(e, ev.TopologyDescriptionChangedEvent)]
        assert _topology_servers(topology_lost.new_description) == [(address, "Unknown")]

        mark = len(log.snapshot())
        own_server.revive()
        log.wait_for(lambda evs: any(isinstance(e, ev.ServerDescriptionChangedEvent)
                                     for e in evs[mark:]))
        up = log.snapshot()[mark:]
        [back] = [e for e in up if isinstance(e, ev.ServerDescriptionChangedEvent)]
        assert _server_types(back) == ("Unknown", "Standalone")
        succeeded = [e for e in up if isinstance(e, ev.ServerHeartbeatSucceededEvent)]
        assert succeeded and up.index(succeeded[0]) < up.index(back)
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()
