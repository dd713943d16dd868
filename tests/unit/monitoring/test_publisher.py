"""EventPublisher: sorting listeners, building events, redaction and listener errors."""
from __future__ import annotations

import datetime
import warnings

import pytest

from mongofw.monitoring import registry
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
from mongofw.monitoring.publisher import (
    EventPublisher,
    ListenerErrorHandler,
    ListenerErrorWarning,
    client_publisher,
    listener_name,
)

ADDRESS = ("db.example", 27017)


class Recorder(CommandListener, ServerListener, ServerHeartbeatListener, TopologyListener):
    """Records (method name, event) for every event of every kind."""

    def __init__(self):
        self.calls = []

    def started(self, event):
        self.calls.append(("started", event))

    def succeeded(self, event):
        self.calls.append(("succeeded", event))

    def failed(self, event):
        self.calls.append(("failed", event))

    def opened(self, event):
        self.calls.append(("opened", event))

    def closed(self, event):
        self.calls.append(("closed", event))

    def description_changed(self, event):
        self.calls.append(("description_changed", event))


class Raising(CommandListener):
    def started(self, event):
        raise RuntimeError("listener bug")


class Collector(ListenerErrorHandler):
    def __init__(self):
        self.reports = []

    def listener_failed(self, listener, event, error):
        self.reports.append((listener, type(event), error))


def test_no_listeners_disables_everything():
    publisher = EventPublisher([])
    assert (publisher.enabled_for_commands, publisher.enabled_for_server,
            publisher.enabled_for_server_heartbeat, publisher.enabled_for_topology) == \
        (False, False, False, False)


def test_listeners_are_sorted_by_kind():
    command, server, topology = CommandListener(), ServerListener(), TopologyListener()
    publisher = EventPublisher([command, server, topology])
    assert publisher.command_listeners == (command,)
    assert publisher.server_listeners == (server,)
    assert publisher.topology_listeners == (topology,)
    assert publisher.server_heartbeat_listeners == ()
    assert (publisher.enabled_for_commands, publisher.enabled_for_server,
            publisher.enabled_for_server_heartbeat, publisher.enabled_for_topology) == \
        (True, True, False, True)


def test_one_listener_of_several_kinds_joins_each_list():
    recorder = Recorder()
    publisher = EventPublisher([recorder])
    assert publisher.command_listeners == publisher.server_listeners == \
        publisher.server_heartbeat_listeners == publisher.topology_listeners == (recorder,)


def test_non_listener_is_rejected():
    with pytest.raises(TypeError, match="event listeners must be instances of CommandListener, "
                       "ServerHeartbeatListener, ServerListener, TopologyListener or "
                       "ConnectionPoolListener .*not str"):
        EventPublisher(["not a listener"])


def test_command_events_reach_listener_in_order():
    recorder = Recorder()
    publisher = EventPublisher([recorder])
    publisher.publish_command_start({"find": "c"}, "db", 11, ADDRESS)
    publisher.publish_command_success(0.004, {"ok": 1}, "find", 11, ADDRESS)
    publisher.publish_command_failure(datetime.timedelta(microseconds=7), {"ok": 0, "code": 2},
                                      "find", 12, ADDRESS, operation_id=11)
    assert recorder.calls == [
        ("started", CommandStartedEvent({"find": "c"}, "db", 11, ADDRESS, 11)),
        ("succeeded", CommandSucceededEvent(0.004, {"ok": 1}, "find", 11, ADDRESS, 11)),
        ("failed", CommandFailedEvent(0.000007, {"ok": 0, "code": 2}, "find", 12, ADDRESS, 11)),
    ]


def test_server_topology_and_heartbeat_events_reach_listener():
    recorder = Recorder()
    publisher = EventPublisher([recorder])
    error = OSError("refused")
    publisher.publish_topology_opened("t")
    publisher.publish_server_opened(ADDRESS, "t")
    publisher.publish_server_heartbeat_started(ADDRESS)
    publisher.publish_server_heartbeat_succeeded(0.001, {"ok": 1}, ADDRESS)
    publisher.publish_server_heartbeat_failed(0.002, error, ADDRESS)
    publisher.publish_server_description_changed("sd0", "sd1", ADDRESS, "t")
    publisher.publish_topology_description_changed("td0", "td1", "t")
    publisher.publish_server_closed(ADDRESS, "t")
    publisher.publish_topology_closed("t")
    assert recorder.calls == [
        ("opened", TopologyOpenedEvent("t")),
        ("opened", ServerOpeningEvent(ADDRESS, "t")),
        ("started", ServerHeartbeatStartedEvent(ADDRESS)),
        ("succeeded", ServerHeartbeatSucceededEvent(0.001, {"ok": 1}, ADDRESS)),
        ("failed", ServerHeartbeatFailedEvent(0.002, error, ADDRESS)),
        ("description_changed", ServerDescriptionChangedEvent("sd0", "sd1", ADDRESS, "t")),
        ("description_changed", TopologyDescriptionChangedEvent("td0", "td1", "t")),
        ("closed", ServerClosedEvent(ADDRESS, "t")),
        ("closed", TopologyClosedEvent("t")),
    ]


def test_hello_with_speculative_auth_has_reply_redacted():
    """The reply of a redacted hello is emptied even though it looks harmless itself."""
    recorder = Recorder()
    publisher = EventPublisher([recorder])
    publisher.publish_command_start({"hello": 1, "speculativeAuthenticate": {"saslStart": 1}},
                                    "admin", 3, ADDRESS)
    publisher.publish_command_success(0.0, {"ok": 1, "isWritablePrimary": True}, "hello",
                                      3, ADDRESS)
    assert [event.command for name, event in recorder.calls if name == "started"] == [{}]
    assert [event.reply for name, event in recorder.calls if name == "succeeded"] == [{}]
    # The next, plain hello on the same connection is not redacted.
    publisher.publish_command_success(0.0, {"ok": 1, "isWritablePrimary": True}, "hello",
                                      3, ADDRESS)
    assert recorder.calls[-1][1].reply == {"ok": 1, "isWritablePrimary": True}


def test_sensitive_failure_keeps_codes_only():
    recorder = Recorder()
    publisher = EventPublisher([recorder])
    publisher.publish_command_start({"isMaster": 1, "speculativeAuthenticate": {}}, "admin",
                                    4, ADDRESS)
    publisher.publish_command_failure(0.0, {"ok": 0, "code": 18, "errmsg": "user alice"},
                                      "isMaster", 4, ADDRESS)
    assert recorder.calls[-1][1].failure == {"ok": 0, "code": 18}


def test_raising_listener_does_not_break_caller_and_others_still_run():
    recorder, collector = Recorder(), Collector()
    raising = Raising()
    publisher = EventPublisher([raising, recorder, collector])
    publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
    assert [name for name, _ in recorder.calls] == ["started"]
    assert [(listener, kind, str(error)) for listener, kind, error in collector.reports] == \
        [(raising, CommandStartedEvent, "listener bug")]


def test_listener_error_reported_once_per_listener():
    collector = Collector()
    publisher = EventPublisher([Raising(), Raising(), collector])
    for request_id in range(3):
        publisher.publish_command_start({"ping": 1}, "admin", request_id, ADDRESS)
    assert len(collector.reports) == 2


def test_injected_error_callback_gets_reports():
    reports = []
    publisher = EventPublisher([Raising()],
                               on_listener_error=lambda *args: reports.append(args[2]))
    publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
    assert [str(error) for error in reports] == ["listener bug"]


def test_raising_error_handler_is_ignored():
    def broken(listener, event, error):
        raise ValueError("handler bug")

    recorder = Recorder()
    publisher = EventPublisher([Raising(), recorder], on_listener_error=broken)
    publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
    assert [name for name, _ in recorder.calls] == ["started"]


def test_without_handler_listener_error_becomes_one_warning():
    publisher = EventPublisher([Raising()])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
        publisher.publish_command_start({"ping": 1}, "admin", 2, ADDRESS)
    assert [(w.category, str(w.message)) for w in caught] == [(
        ListenerErrorWarning,
        f"event listener {__name__}.Raising raised RuntimeError: listener bug while handling "
        "CommandStartedEvent; further errors from this listener are not reported")]


def test_listener_name_is_module_and_qualname():
    assert listener_name(Raising()) == f"{__name__}.Raising"


def test_client_publisher_joins_registered_own_and_plugin_listeners(monkeypatch):
    monkeypatch.setattr(registry, "_registered", [])
    registered, own, plugin = CommandListener(), TopologyListener(), Collector()
    registry.register(registered)
    publisher = client_publisher([own], [plugin])
    assert publisher.listeners == (registered, own, plugin)
    registry.register(CommandListener())
    assert publisher.command_listeners == (registered,)


def test_client_publisher_checks_event_listeners():
    with pytest.raises(TypeError, match="event_listeners must be a list or tuple, not "
                       "CommandListener"):
        client_publisher(CommandListener())
    with pytest.raises(TypeError, match="each event_listeners item must be an instance of "
                       "CommandListener, .* not int: 3"):
        client_publisher([3])
