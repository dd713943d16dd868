"""The default monitoring plugin: switched by option or MONGOFW_LOG, seen through pluggy."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mongofw.monitoring import default_plugin
from mongofw.monitoring.listener_errors import ListenerErrorLogger
from mongofw.monitoring.slow_commands import SlowCommandListener
from mongofw.monitoring.structlog_listener import StructlogListener
from mongofw.plugin_manager import Plugins, create_plugin_manager

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv(default_plugin.ENV_VAR, raising=False)
    monkeypatch.delenv("MONGOFW_SLOW_COMMAND_MS", raising=False)


def _listeners(options):
    pm = create_plugin_manager(entry_points=[],
                               plugins=[("default_monitoring", default_plugin)])
    return Plugins(pm).event_listeners(options)


def test_off_by_default_only_the_error_logger():
    listeners = _listeners({})
    assert [type(listener) for listener in listeners] == [ListenerErrorLogger]


def test_client_option_turns_logging_on():
    error_logger, listener = _listeners({"structured_logging": True})
    assert isinstance(error_logger, ListenerErrorLogger)
    assert (type(listener), listener.json, listener.log_command_documents) == \
        (StructlogListener, False, False)


def test_option_json_and_documents():
    error_logger, listener = _listeners({"structured_logging": "json",
                                         "log_command_documents": True})
    assert (listener.json, listener.log_command_documents) == (True, True)
    assert error_logger.json is True  # listener errors are JSON lines too


def test_error_logger_is_plain_unless_json():
    assert _listeners({})[0].json is False
    assert _listeners({"structured_logging": True})[0].json is False


@pytest.mark.parametrize("key", ["structuredLogging", "structuredlogging", "STRUCTURED_LOGGING"])
def test_option_key_spellings(key):
    assert [type(listener) for listener in _listeners({key: True})] == \
        [ListenerErrorLogger, StructlogListener]


@pytest.mark.parametrize("value, mode", [("true", (True, False)), ("false", (False, False)),
                                         ("Json", (True, True))])
def test_option_as_uri_string(value, mode):
    assert default_plugin.logging_mode({"structuredlogging": value}, {}) == mode


@pytest.mark.parametrize("value, mode", [
    ("1", (True, False)), ("true", (True, False)), ("ON", (True, False)),
    ("json", (True, True)), ("JSON", (True, True)), ("0", (False, False)),
    ("off", (False, False)), ("", (False, False)),
])
def test_environment_variable(value, mode):
    assert default_plugin.logging_mode({}, {"MONGOFW_LOG": value}) == mode


def test_explicit_option_beats_environment():
    assert default_plugin.logging_mode({"structured_logging": False},
                                       {"MONGOFW_LOG": "json"}) == (False, False)


def test_env_enables_through_the_hook(monkeypatch):
    monkeypatch.setenv("MONGOFW_LOG", "json")
    listener = _listeners({})[1]
    assert (type(listener), listener.json) == (StructlogListener, True)


def test_unknown_env_value_warns_and_stays_off():
    with pytest.warns(UserWarning, match="MONGOFW_LOG='verbose' is not understood"):
        assert default_plugin.logging_mode({}, {"MONGOFW_LOG": "verbose"}) == (False, False)


def test_bad_option_value_is_rejected():
    with pytest.raises(ValueError,
                       match="structured_logging must be True, False or 'json'.*not 'maybe'"):
        _listeners({"structured_logging": "maybe"})


def test_bad_log_command_documents_is_rejected():
    with pytest.raises(TypeError, match="log_command_documents must be True or False, not 1"):
        _listeners({"structured_logging": True, "log_command_documents": 1})


def test_one_environment_variable_gives_json_lines_on_stderr():
    """A fresh process (structlog unconfigured) with MONGOFW_LOG=json prints JSON events."""
    script = textwrap.dedent("""
        from mongofw.monitoring.publisher import EventPublisher
        from mongofw.monitoring import default_plugin
        from mongofw.plugin_manager import Plugins, create_plugin_manager

        pm = create_plugin_manager(entry_points=[], plugins=[("dm", default_plugin)])
        publisher = EventPublisher(Plugins(pm).event_listeners({}))
        publisher.publish_topology_opened("t1")
        publisher.publish_command_start({"insert": "c", "documents": [{"x": 1}]}, "db", 1,
                                        ("localhost", 27017))
        publisher.publish_command_success(0.001, {"ok": 1, "n": 1}, "insert", 1,
                                          ("localhost", 27017))
        print("script output")
    """)
    env = dict(os.environ, MONGOFW_LOG="json", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout == "script output\n"
    records = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(r["event"], r.get("command_name")) for r in records] == [
        ("topology_opened", None), ("command_started", "insert"),
        ("command_succeeded", "insert")]
    assert records[2]["duration_micros"] == 1000
    assert "documents" not in done.stderr


# ---------------------------------------------------------------- slow commands


def test_no_slow_command_listener_without_a_threshold():
    assert not any(isinstance(listener, SlowCommandListener) for listener in _listeners({}))


@pytest.mark.parametrize("key,value,threshold", [
    ("slow_command_ms", 100, 100.0), ("slowCommandMS", "2.5", 2.5), ("slow_command_ms", 0, 0.0),
])
def test_the_option_adds_a_slow_command_listener(key, value, threshold):
    slow = [listener for listener in _listeners({key: value})
            if isinstance(listener, SlowCommandListener)]
    assert [listener.threshold_ms for listener in slow] == [threshold]


@pytest.mark.parametrize("value", [-1, "fast", True, float("nan"), float("inf")])
def test_a_bad_threshold_option_is_a_value_error(value):
    with pytest.raises(ValueError, match="slow_command_ms must be"):
        _listeners({"slow_command_ms": value})


def test_the_environment_sets_the_threshold_and_a_bad_value_warns(monkeypatch):
    monkeypatch.setenv("MONGOFW_SLOW_COMMAND_MS", "50")
    assert [listener.threshold_ms for listener in _listeners({})
            if isinstance(listener, SlowCommandListener)] == [50.0]
    assert [listener.threshold_ms for listener in _listeners({"slow_command_ms": 5})
            if isinstance(listener, SlowCommandListener)] == [5.0]  # the option wins
    monkeypatch.setenv("MONGOFW_SLOW_COMMAND_MS", "soon")
    with pytest.warns(UserWarning, match="MONGOFW_SLOW_COMMAND_MS must be"):
        listeners = _listeners({})
    assert not any(isinstance(listener, SlowCommandListener) for listener in listeners)
