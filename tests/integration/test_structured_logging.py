"""Structured logging switched on by one environment variable, seen from outside the process.

``scripts/demo.py`` (the README's quickstart) runs as a subprocess with ``MONGOFW_LOG=json``
against a server with authentication: every stderr line must be one JSON event record with
the documented keys, and neither document contents nor credentials may appear.  A
listener that raises must not fail the script's operations.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List

import structlog
from structlog.testing import capture_logs

from pymongo import MongoClient, monitoring

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "demo.py"
SETUP_PASSWORD = "mongofw-test-password"  # the auth server's setup user (tests/support)

_BASE = {"event", "level", "timestamp"}
_COMMAND = {"command_name", "request_id", "operation_id", "server_address"}
# The documented keys of each record (mongofw/monitoring/structlog_listener.py).
DOCUMENTED_KEYS = {
    "command_started": _BASE | _COMMAND | {"database_name"},
    "command_succeeded": _BASE | _COMMAND | {"duration_micros"},
    "command_failed": _BASE | _COMMAND | {"duration_micros", "error_code", "error_code_name"},
    "server_heartbeat_started": _BASE | {"server_address"},
    "server_heartbeat_succeeded": _BASE | {"server_address", "duration_micros"},
    "server_opening": _BASE | {"server_address", "topology_id"},
    "server_closed": _BASE | {"server_address", "topology_id"},
    "server_description_changed": _BASE | {"server_address", "topology_id",
                                           "previous_server_type", "new_server_type"},
    "topology_opened": _BASE | {"topology_id"},
    "topology_closed": _BASE | {"topology_id"},
    "topology_description_changed": _BASE | {"topology_id", "previous_topology_type",
                                             "new_topology_type"},
}
AUTH_COMMANDS = {"saslStart", "saslContinue"}


def _run(args: List[str], **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MONGOFW_LOG")}
    environ.update(env)
    environ["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          env=environ, timeout=120, cwd=str(ROOT))


def _records(stderr: str) -> List[Dict[str, Any]]:
    lines = stderr.splitlines()
    assert lines, "no event records on stderr"
    records = []
    for number, line in enumerate(lines):
        try:
            records.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"stderr line {number} is not JSON: {line!r}") from None
    return records


def test_mongofw_log_json_turns_the_demo_into_json_event_lines(auth_server):
    done = _run([str(DEMO), auth_server.uri], MONGOFW_LOG="json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("round trip OK")
    records = _records(done.stderr)
    for record in records:
        assert record["event"] in DOCUMENTED_KEYS, record
        assert set(record) == DOCUMENTED_KEYS[record["event"]], record

    names = [r["event"] for r in records]
    assert names[:3] == ["topology_opened", "topology_description_changed", "server_opening"]
    assert names[-2:] == ["server_closed", "topology_closed"]
    assert "server_heartbeat_succeeded" in names
    started = [r for r in records if r["event"] == "command_started"]
    assert [r["command_name"] for r in started if r["command_name"] not in AUTH_COMMANDS] == [
        "ping", "drop", "insert", "find", "update", "find", "delete", "dropDatabase",
        "endSessions"]  # close() hands the pooled session ids back
    assert {r["command_name"] for r in started} & AUTH_COMMANDS == AUTH_COMMANDS
    succeeded = {r["request_id"]: r for r in records if r["event"] == "command_succeeded"}
    for record in started:
        answer = succeeded[record["request_id"]]
        assert answer["command_name"] == record["command_name"]
        assert isinstance(answer["duration_micros"], int) and answer["duration_micros"] >= 0
        assert record["server_address"] == answer["server_address"]

    # The demo's document ("Ada", London, engines) and the password never reach the log.
    for secret in ("Ada", "London", "engines", SETUP_PASSWORD):
        assert secret not in done.stderr
    assert '"payload"' not in done.stderr


def test_without_the_variable_the_demo_logs_nothing(server_uri):
    done = _run([str(DEMO), server_uri])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


QUICKSTART = textwrap.dedent("""
    import sys
    from pymongo import MongoClient, monitoring

    class Exploding(monitoring.CommandListener):
        def started(self, event):
            raise RuntimeError("listener bug")

    with MongoClient(sys.argv[1], event_listeners=[Exploding()]) as client:
        coll = client.t_structured_logging.items
        coll.insert_one({"value": 1})
        print(coll.find_one({}, {"_id": 0}))
        client.drop_database("t_structured_logging")
""")


def test_a_raising_listener_does_not_fail_the_quickstart(server_uri, tmp_path):
    script = tmp_path / "quickstart.py"
    script.write_text(QUICKSTART)
    done = _run([str(script), server_uri], MONGOFW_LOG="json")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "{'value': 1}\n"
    # Every stderr line is JSON, the listener error too: reported once, naming the
    # listener, though every command raised in it.
    json_lines = [json.loads(line) for line in done.stderr.splitlines()]
    failures = [r for r in json_lines if r["event"] == "event_listener_failed"]
    assert [(r["listener"], r["event_type"], r["error"], r["level"]) for r in failures] == [
        ("__main__.Exploding", "CommandStartedEvent", "RuntimeError: listener bug", "error")]
    assert "Traceback" in failures[0]["exception"]
    commands = [r["command_name"] for r in json_lines if r["event"] == "command_succeeded"]
    assert commands == ["insert", "find", "dropDatabase", "endSessions"]


class Exploding(monitoring.CommandListener):
    def started(self, event: Any) -> None:
        raise RuntimeError("listener bug")


def test_an_application_structlog_setup_takes_the_records_over(server_uri, db):
    """With structlog configured by the application, records and listener errors go there."""
    with capture_logs() as logs:
        assert structlog.is_configured()
        client = MongoClient(server_uri, structured_logging=True,
                             event_listeners=[Exploding()])
        try:
            client[db.name].items.insert_one({"value": "not logged"})
            assert client[db.name].items.count() == 1
        finally:
            client.close()
    commands = [(r["event"], r["command_name"]) for r in logs
                if r["event"].startswith("command_")]
    assert commands == [("command_started", "insert"), ("command_succeeded", "insert"),
                        ("command_started", "count"), ("command_succeeded", "count"),
                        ("command_started", "endSessions"),
                        ("command_succeeded", "endSessions")]
    [failure] = [r for r in logs if r["event"] == "event_listener_failed"]
    assert failure["listener"] == f"{__name__}.Exploding"
    assert failure["event_type"] == "CommandStartedEvent"
    assert failure["log_level"] == "error"
    assert "not logged" not in repr(logs)


def test_the_slow_command_threshold_logs_only_slow_commands(server_uri):
    with capture_logs() as records:
        with MongoClient(server_uri, slow_command_ms=0) as every:
            every.test.slow_log.find_one({"x": 1})
        with MongoClient(server_uri, slow_command_ms=60_000) as none:
            none.test.slow_log.find_one({"x": 1})
    slow = [r for r in records if r["event"] == "command_slow"]
    assert slow and all(r["threshold_ms"] == 0 for r in slow)
    find = next(r for r in slow if r["command_name"] == "find")
    assert find["outcome"] == "succeeded" and find["duration_micros"] >= 0
    # Nothing else was logged: the threshold works without structured_logging.
    assert {r["event"] for r in records} == {"command_slow"}
