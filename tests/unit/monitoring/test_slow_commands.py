"""The slow-command listener: a warning per command at or over the threshold, facts only."""
from __future__ import annotations

import io
import json

import pytest
import structlog
from structlog.testing import capture_logs

from mongofw.monitoring.publisher import EventPublisher
from mongofw.monitoring.slow_commands import SlowCommandListener, parse_threshold

ADDRESS = ("db.example", 27017)
SECRET = "s3cr3t-value"


def _publish(publisher, seconds, request_id=5, fail=False):
    publisher.publish_command_start({"find": "c", "filter": {"pw": SECRET}}, "db", request_id,
                                    ADDRESS)
    if fail:
        publisher.publish_command_failure(
            seconds, {"ok": 0, "code": 50, "errmsg": f"timeout {SECRET}"}, "find", request_id,
            ADDRESS)
    else:
        publisher.publish_command_success(seconds, {"ok": 1, "echo": SECRET}, "find",
                                          request_id, ADDRESS)


def test_only_commands_at_or_over_the_threshold_are_logged():
    publisher = EventPublisher([SlowCommandListener(threshold_ms=10)])
    with capture_logs() as records:
        _publish(publisher, 0.0099, request_id=1)   # 9.9 ms: under
        _publish(publisher, 0.010, request_id=2)    # exactly 10 ms: logged
        _publish(publisher, 0.250, request_id=3, fail=True)
    assert records == [
        {"event": "command_slow", "log_level": "warning", "command_name": "find",
         "request_id": 2, "operation_id": 2, "server_address": "db.example:27017",
         "duration_micros": 10000, "threshold_ms": 10, "outcome": "succeeded"},
        {"event": "command_slow", "log_level": "warning", "command_name": "find",
         "request_id": 3, "operation_id": 3, "server_address": "db.example:27017",
         "duration_micros": 250000, "threshold_ms": 10, "outcome": "failed",
         "error_code": 50},
    ]
    assert SECRET not in repr(records)


def test_json_lines_while_structlog_is_unconfigured():
    was_configured, old = structlog.is_configured(), structlog.get_config()
    structlog.reset_defaults()
    try:
        stream = io.StringIO()
        _publish(EventPublisher([SlowCommandListener(0, json=True, stream=stream)]), 0.001)
    finally:
        structlog.reset_defaults()
        if was_configured:
            structlog.configure(**old)
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert (record["event"], record["level"], record["duration_micros"]) == \
        ("command_slow", "warning", 1000)


@pytest.mark.parametrize("value,expected", [
    (None, None), ("", None), (0, 0.0), ("15", 15.0), (2.5, 2.5)])
def test_parse_threshold(value, expected):
    assert parse_threshold(value) == expected


@pytest.mark.parametrize("value", [-0.5, "-1", "ms", True, [], float("nan"), "inf"])
def test_parse_threshold_refuses_what_is_not_a_duration(value):
    with pytest.raises(ValueError, match="slow_command_ms must be"):
        parse_threshold(value)
