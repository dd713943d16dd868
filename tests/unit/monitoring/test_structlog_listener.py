"""The structlog listener: one record per event, no document contents unless asked."""
from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from structlog.testing import capture_logs

from mongofw.monitoring.events import CommandListener
from mongofw.monitoring.listener_errors import ListenerErrorLogger
from mongofw.monitoring.publisher import EventPublisher
from mongofw.monitoring.structlog_listener import StructlogListener, format_address

ADDRESS = ("db.example", 27017)
SECRET = "s3cr3t-value"


class FakeServerDescription:
    def __init__(self, server_type_name, error=None):
        self.server_type_name = server_type_name
        self.error = error


class FakeTopologyDescription:
    def __init__(self, topology_type_name):
        self.topology_type_name = topology_type_name


@pytest.fixture
def unconfigured_structlog():
    """structlog at its defaults for the test, the previous configuration restored after."""
    was_configured = structlog.is_configured()
    old = structlog.get_config()
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()
    if was_configured:
        structlog.configure(**old)


def _publish_everything(publisher):
    publisher.publish_topology_opened("tid")
    publisher.publish_server_opened(ADDRESS, "tid")
    publisher.publish_server_heartbeat_started(ADDRESS)
    publisher.publish_server_heartbeat_succeeded(0.0015, {"ok": 1}, ADDRESS)
    publisher.publish_server_heartbeat_failed(0.002, OSError("refused"), ADDRESS)
    publisher.publish_server_description_changed(
        FakeServerDescription("Unknown"), FakeServerDescription("Standalone"), ADDRESS, "tid")
    publisher.publish_topology_description_changed(
        FakeTopologyDescription("Unknown"), FakeTopologyDescription("Single"), "tid")
    publisher.publish_command_start({"insert": "c", "documents": [{"pw": SECRET}]}, "db", 5,
                                    ADDRESS)
    publisher.publish_command_success(0.0031, {"ok": 1, "n": 1, "echo": SECRET}, "insert", 5,
                                      ADDRESS)
    publisher.publish_command_start({"find": "c", "filter": {"pw": SECRET}}, "db", 6, ADDRESS)
    publisher.publish_command_failure(
        0.0004, {"ok": 0, "code": 2, "codeName": "BadValue", "errmsg": f"bad {SECRET}"},
        "find", 6, ADDRESS)
    publisher.publish_server_closed(ADDRESS, "tid")
    publisher.publish_topology_closed("tid")


EXPECTED = [
    {"event": "topology_opened", "log_level": "info", "topology_id": "tid"},
    {"event": "server_opening", "log_level": "info", "server_address": "db.example:27017",
     "topology_id": "tid"},
    {"event": "server_heartbeat_started", "log_level": "debug",
     "server_address": "db.example:27017"},
    {"event": "server_heartbeat_succeeded", "log_level": "debug",
     "server_address": "db.example:27017", "duration_micros": 1500},
    {"event": "server_heartbeat_failed", "log_level": "warning",
     "server_address": "db.example:27017", "duration_micros": 2000,
     "error": "OSError: refused"},
    {"event": "server_description_changed", "log_level": "info",
     "server_address": "db.example:27017", "topology_id": "tid",
     "previous_server_type": "Unknown", "new_server_type": "Standalone"},
    {"event": "topology_description_changed", "log_level": "info", "topology_id": "tid",
     "previous_topology_type": "Unknown", "new_topology_type": "Single"},
    {"event": "command_started", "log_level": "info", "command_name": "insert",
     "database_name": "db", "request_id": 5, "operation_id": 5,
     "server_address": "db.example:27017"},
    {"event": "command_succeeded", "log_level": "info", "command_name": "insert",
     "request_id": 5, "operation_id": 5, "server_address": "db.example:27017",
     "duration_micros": 3100},
    {"event": "command_started", "log_level": "info", "command_name": "find",
     "database_name": "db", "request_id": 6, "operation_id": 6,
     "server_address": "db.example:27017"},
    {"event": "command_failed", "log_level": "warning", "command_name": "find",
     "request_id": 6, "operation_id": 6, "server_address": "db.example:27017",
     "duration_micros": 400, "error_code": 2, "error_code_name": "BadValue"},
    {"event": "server_closed", "log_level": "info", "server_address": "db.example:27017",
     "topology_id": "tid"},
    {"event": "topology_closed", "log_level": "info", "topology_id": "tid"},
]


def test_every_event_is_one_record_with_its_facts():
    with capture_logs() as records:
        _publish_everything(EventPublisher([StructlogListener()]))
    assert records == EXPECTED


def test_documents_are_never_logged_by_default():
    with capture_logs() as records:
        _publish_everything(EventPublisher([StructlogListener()]))
    assert SECRET not in repr(records)


def test_log_command_documents_adds_documents():
    with capture_logs() as records:
        publisher = EventPublisher([StructlogListener(log_command_documents=True)])
        publisher.publish_command_start({"find": "c", "filter": {"x": 1}}, "db", 1, ADDRESS)
        publisher.publish_command_success(0.0, {"ok": 1}, "find", 1, ADDRESS)
        publisher.publish_command_failure(0.0, {"ok": 0, "errmsg": "boom"}, "find", 2, ADDRESS)
    assert records[0]["command"] == {"find": "c", "filter": {"x": 1}}
    assert records[1]["reply"] == {"ok": 1}
    assert (records[2]["error_message"], records[2]["failure"]) == \
        ("boom", {"ok": 0, "errmsg": "boom"})


def test_redacted_command_stays_redacted_with_documents_on():
    with capture_logs() as records:
        publisher = EventPublisher([StructlogListener(log_command_documents=True)])
        publisher.publish_command_start({"saslStart": 1, "payload": SECRET}, "admin", 1,
                                        ADDRESS)
        publisher.publish_command_success(0.0, {"ok": 1, "payload": SECRET}, "saslStart", 1,
                                          ADDRESS)
    assert (records[0]["command"], records[1]["reply"]) == ({}, {})


def test_json_mode_writes_json_lines_while_structlog_is_unconfigured(unconfigured_structlog):
    stream = io.StringIO()
    publisher = EventPublisher([StructlogListener(json=True, stream=stream)])
    publisher.publish_command_start({"ping": 1}, "admin", 9, ADDRESS)
    publisher.publish_command_success(0.000250, {"ok": 1}, "ping", 9, ADDRESS)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    for line in lines:
        assert line.pop("timestamp").endswith("Z")
    assert lines == [
        {"event": "command_started", "level": "info", "command_name": "ping",
         "database_name": "admin", "request_id": 9, "operation_id": 9,
         "server_address": "db.example:27017"},
        {"event": "command_succeeded", "level": "info", "command_name": "ping",
         "request_id": 9, "operation_id": 9, "server_address": "db.example:27017",
         "duration_micros": 250},
    ]


def test_json_mode_yields_to_the_applications_structlog_setup(unconfigured_structlog):
    stream = io.StringIO()
    listener = StructlogListener(json=True, stream=stream)
    with capture_logs() as records:
        EventPublisher([listener]).publish_server_heartbeat_started(ADDRESS)
    assert (stream.getvalue(), records) == ("", [
        {"event": "server_heartbeat_started", "log_level": "debug",
         "server_address": "db.example:27017"}])


def test_non_event_is_rejected():
    with pytest.raises(TypeError, match="not a monitoring event: str"):
        StructlogListener().log("nope")


@pytest.mark.parametrize("address, text", [
    (("h", 1), "h:1"), (("/tmp/mongodb-27017.sock", None), "/tmp/mongodb-27017.sock"),
    (None, None),
])
def test_format_address(address, text):
    assert format_address(address) == text


# ---------------------------------------------------------------- listener errors


class Raising(CommandListener):
    def started(self, event):
        raise RuntimeError("listener bug")


def test_listener_error_logged_through_stdlib_when_structlog_unconfigured(
        unconfigured_structlog, caplog):
    publisher = EventPublisher([Raising(), ListenerErrorLogger()])
    with caplog.at_level(logging.ERROR, logger="mongofw.monitoring"):
        publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
        publisher.publish_command_start({"ping": 1}, "admin", 2, ADDRESS)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [(
        "mongofw.monitoring", logging.ERROR,
        f"event listener {__name__}.Raising raised RuntimeError: listener bug while handling "
        "CommandStartedEvent; further errors from this listener are not reported")]


def test_listener_error_logged_through_structlog_when_configured():
    publisher = EventPublisher([Raising(), ListenerErrorLogger()])
    with capture_logs() as records:
        publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
    assert len(records) == 1
    record = records[0]
    assert isinstance(record.pop("exc_info"), RuntimeError)
    assert record == {"event": "event_listener_failed", "log_level": "error",
                      "listener": f"{__name__}.Raising", "event_type": "CommandStartedEvent",
                      "error": "RuntimeError: listener bug"}


def test_listener_error_is_a_json_line_in_json_mode(unconfigured_structlog, caplog):
    stream = io.StringIO()
    publisher = EventPublisher([Raising(), ListenerErrorLogger(json=True, stream=stream)])
    with caplog.at_level(logging.ERROR, logger="mongofw.monitoring"):
        publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
    assert caplog.records == []
    [record] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert "RuntimeError: listener bug" in record.pop("exception")
    assert record.pop("timestamp").endswith("Z")
    assert record == {"event": "event_listener_failed", "level": "error",
                      "listener": f"{__name__}.Raising", "event_type": "CommandStartedEvent",
                      "error": "RuntimeError: listener bug"}
