"""Event value objects, redaction, listener base classes and register()."""
from __future__ import annotations

import datetime

import attrs
import pytest

from mongofw.monitoring import events, pool_events, registry
from mongofw.monitoring.events import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
    ServerClosedEvent,
    ServerDescriptionChangedEvent,
    ServerHeartbeatFailedEvent,
    ServerHeartbeatListener,
    ServerHeartbeatStartedEvent,
    ServerHeartbeatSucceededEvent,
    ServerListener,
    ServerOpeningEvent,
    TopologyClosedEvent,
    TopologyDescriptionChangedEvent,
    TopologyListener,
    TopologyOpenedEvent,
)
from mongofw.monitoring.pool_events import ConnectionPoolListener

ADDRESS = ("localhost", 27017)


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(registry, "_registered", [])


# ---------------------------------------------------------------- command events


def test_started_event_takes_name_from_first_key():
    event = CommandStartedEvent({"find": "things", "filter": {"x": 1}}, "db", 7, ADDRESS, 3)
    assert (event.command_name, event.database_name, event.request_id, event.connection_id,
            event.operation_id) == ("find", "db", 7, ADDRESS, 3)
    assert event.command == {"find": "things", "filter": {"x": 1}}


def test_started_event_operation_id_defaults_to_none():
    assert CommandStartedEvent({"ping": 1}, "admin", 1, ADDRESS).operation_id is None


def test_started_event_rejects_empty_command():
    with pytest.raises(ValueError, match=r"\{\} is not a valid command"):
        CommandStartedEvent({}, "db", 1, ADDRESS)


def test_started_event_rejects_non_mapping_command():
    with pytest.raises(TypeError, match="command must be a mapping.*list"):
        CommandStartedEvent([("find", "c")], "db", 1, ADDRESS)


def test_started_event_rejects_non_string_database_name():
    with pytest.raises(TypeError, match="database_name must be a str, not int: 5"):
        CommandStartedEvent({"ping": 1}, 5, 1, ADDRESS)


def test_events_are_immutable():
    event = CommandStartedEvent({"ping": 1}, "admin", 1, ADDRESS)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.command_name = "other"


def test_events_compare_by_value():
    assert ServerOpeningEvent(ADDRESS, 1) == ServerOpeningEvent(ADDRESS, 1)
    assert ServerOpeningEvent(ADDRESS, 1) != ServerOpeningEvent(ADDRESS, 2)


@pytest.mark.parametrize("duration", [datetime.timedelta(milliseconds=1.5), 0.0015])
def test_succeeded_event_duration_micros_from_timedelta_or_seconds(duration):
    event = CommandSucceededEvent(duration, {"ok": 1}, "ping", 1, ADDRESS)
    assert event.duration_micros == 1500
    assert isinstance(event.duration_micros, int)


def test_failed_event_keeps_failure_document():
    failure = {"ok": 0, "code": 11000, "errmsg": "E11000 duplicate key"}
    event = CommandFailedEvent(0.25, failure, "insert", 5, ADDRESS, 5)
    assert (event.failure, event.duration_micros, event.command_name, event.request_id,
            event.operation_id) == (failure, 250000, "insert", 5, 5)


@pytest.mark.parametrize("duration, error, message", [
    ("1", TypeError, "duration must be a datetime.timedelta or a number of seconds, not str"),
    (True, TypeError, "not bool"),
    (-0.5, ValueError, "duration must not be negative, not -0.5"),
])
def test_bad_duration_is_rejected(duration, error, message):
    with pytest.raises(error, match=message):
        CommandSucceededEvent(duration, {"ok": 1}, "ping", 1, ADDRESS)


def test_succeeded_event_rejects_non_mapping_reply():
    with pytest.raises(TypeError, match="reply must be a mapping"):
        CommandSucceededEvent(0.1, None, "ping", 1, ADDRESS)


# ---------------------------------------------------------------- redaction


@pytest.mark.parametrize("name", ["copydbgetnonce", "copydbsaslstart", "copydb", "SASLSTART"])
def test_other_sensitive_commands_are_redacted(name):
    assert CommandStartedEvent({name: 1, "x": 2}, "admin", 1, ADDRESS).command == {}
    assert CommandSucceededEvent(0.0, {"ok": 1, "nonce": "n"}, name, 1, ADDRESS).reply == {}


def test_hello_reply_with_speculative_authenticate_is_redacted():
    reply = {"ok": 1, "isWritablePrimary": True, "speculativeAuthenticate": {"payload": b""}}
    assert CommandSucceededEvent(0.0, reply, "hello", 1, ADDRESS).reply == {}


def test_plain_hello_reply_is_kept():
    reply = {"ok": 1, "isWritablePrimary": True}
    assert CommandSucceededEvent(0.0, reply, "hello", 1, ADDRESS).reply == reply


def test_sensitive_failure_keeps_error_codes_only():
    failure = {"ok": 0, "code": 18, "codeName": "AuthenticationFailed",
               "errmsg": "Authentication failed for user alice"}
    event = CommandFailedEvent(0.0, failure, "saslContinue", 1, ADDRESS)
    assert event.failure == {"ok": 0, "code": 18, "codeName": "AuthenticationFailed"}


# ---------------------------------------------------------------- server/topology/heartbeat


def test_server_and_topology_events_hold_their_attributes():
    old, new = object(), object()
    changed = ServerDescriptionChangedEvent(old, new, ADDRESS, "tid")
    assert (changed.previous_description, changed.new_description, changed.server_address,
            changed.topology_id) == (old, new, ADDRESS, "tid")
    topo = TopologyDescriptionChangedEvent(old, new, "tid")
    assert (topo.previous_description, topo.new_description, topo.topology_id) == \
        (old, new, "tid")
    assert ServerClosedEvent(ADDRESS, "tid").server_address == ADDRESS
    assert TopologyOpenedEvent("tid").topology_id == "tid"
    assert TopologyClosedEvent("tid").topology_id == "tid"
    assert ServerHeartbeatStartedEvent(ADDRESS).connection_id == ADDRESS


def test_heartbeat_succeeded_duration_in_seconds_and_micros():
    reply = {"ok": 1, "ismaster": True}
    event = ServerHeartbeatSucceededEvent(0.002, reply, ADDRESS)
    assert (event.duration, event.duration_micros, event.reply, event.connection_id) == \
        (0.002, 2000, reply, ADDRESS)


def test_heartbeat_failed_takes_timedelta_and_exception():
    error = OSError("connection refused")
    event = ServerHeartbeatFailedEvent(datetime.timedelta(milliseconds=3), error, ADDRESS)
    assert (event.duration, event.duration_micros, event.reply) == (0.003, 3000, error)


# ---------------------------------------------------------------- listeners and register()


def test_listener_base_handlers_do_nothing():
    listener = CommandListener()
    assert listener.started(CommandStartedEvent({"ping": 1}, "admin", 1, ADDRESS)) is None


def test_register_keeps_listeners_in_order(clean_registry):
    first, second = CommandListener(), TopologyListener()
    registry.register(first)
    registry.register(second)
    assert registry.registered_listeners() == (first, second)


@pytest.mark.parametrize("kind", [CommandListener, ServerListener, ServerHeartbeatListener,
                                  TopologyListener, ConnectionPoolListener])
def test_register_accepts_each_listener_kind(clean_registry, kind):
    listener = kind()
    registry.register(listener)
    assert registry.registered_listeners() == (listener,)


def test_register_rejects_other_objects(clean_registry):
    with pytest.raises(TypeError, match=(
            "listener must be an instance of CommandListener, ServerHeartbeatListener, "
            "ServerListener, TopologyListener or ConnectionPoolListener, not object")):
        registry.register(object())
    assert registry.registered_listeners() == ()


def test_pymongo_monitoring_reexports_documented_names():
    from pymongo import monitoring as module

    for name in ["CommandListener", "ServerListener", "ServerHeartbeatListener",
                 "TopologyListener", "CommandStartedEvent", "CommandSucceededEvent",
                 "CommandFailedEvent", "ServerOpeningEvent", "ServerClosedEvent",
                 "ServerDescriptionChangedEvent", "TopologyOpenedEvent", "TopologyClosedEvent",
                 "TopologyDescriptionChangedEvent", "ServerHeartbeatStartedEvent",
                 "ServerHeartbeatSucceededEvent", "ServerHeartbeatFailedEvent"]:
        assert getattr(module, name) is getattr(events, name)
    assert module.register is registry.register
    for name in ["ConnectionPoolListener", "PoolCreatedEvent", "PoolClearedEvent",
                 "PoolClosedEvent", "ConnectionCreatedEvent", "ConnectionReadyEvent",
                 "ConnectionClosedEvent", "ConnectionCheckOutStartedEvent",
                 "ConnectionCheckOutFailedEvent", "ConnectionCheckedOutEvent",
                 "ConnectionCheckedInEvent", "ConnectionClosedReason",
                 "ConnectionCheckOutFailedReason"]:
        assert getattr(module, name) is getattr(pool_events, name)


def test_command_events_take_a_service_id_that_is_none_without_load_balancing():
    """3.12's ``service_id``: the load balancer's service, None on every other deployment."""
    started = CommandStartedEvent({"ping": 1}, "db", 1, ("h", 1), 7, service_id="svc")
    assert (started.operation_id, started.service_id) == (7, "svc")
    assert CommandSucceededEvent(0.5, {"ok": 1}, "ping", 1, ("h", 1)).service_id is None
    assert CommandFailedEvent(0.5, {"ok": 0}, "ping", 1, ("h", 1), None, "svc").service_id == \
        "svc"


def test_topology_events_share_the_topology_event_base():
    from mongofw.monitoring.events import TopologyEvent, TopologyOpenedEvent

    changed = TopologyDescriptionChangedEvent("before", "after", "tid")
    assert changed.previous_description == "before" and changed.topology_id == "tid"
    for event in (changed, TopologyOpenedEvent("tid"), TopologyClosedEvent("tid")):
        assert isinstance(event, TopologyEvent) and event.topology_id == "tid"
    assert TopologyEvent("tid").topology_id == "tid"
