"""The mongofw-prometheus example plugin, fed events through an EventPublisher.

``scripts/bootstrap`` installs every ``plugins/*`` distribution, so the plugin is found
through its entry point as a user's ``pip install mongofw-prometheus`` would find it.
"""
from __future__ import annotations

import sys

import pytest
from mongofw_prometheus import PrometheusListener, metrics_for
from mongofw_prometheus import plugin as prometheus_plugin
from prometheus_client import CollectorRegistry

from mongofw.monitoring.publisher import EventPublisher
from mongofw.plugin_manager import Plugins, create_plugin_manager

ADDRESS = ("db.example", 27017)
SERVER = "db.example:27017"


def _publisher(registry, **options):
    pm = create_plugin_manager(entry_points=[], plugins=[("prometheus", prometheus_plugin)])
    listeners = Plugins(pm).event_listeners({"prometheus_registry": registry, **options})
    return EventPublisher(listeners)


def _value(registry, name, **labels):
    return registry.get_sample_value(name, labels)


def test_commands_are_counted_and_timed():
    registry = CollectorRegistry()
    publisher = _publisher(registry)
    for request_id in (1, 2):
        publisher.publish_command_start({"insert": "c", "documents": []}, "db", request_id,
                                        ADDRESS)
        publisher.publish_command_success(0.002, {"ok": 1, "n": 1}, "insert", request_id,
                                          ADDRESS)
    publisher.publish_command_start({"find": "c"}, "db", 3, ADDRESS)
    publisher.publish_command_failure(0.03, {"ok": 0, "code": 2}, "find", 3, ADDRESS)
    assert _value(registry, "mongofw_commands_total", command="insert", server=SERVER,
                  outcome="succeeded") == 2.0
    assert _value(registry, "mongofw_commands_total", command="find", server=SERVER,
                  outcome="failed") == 1.0
    assert _value(registry, "mongofw_command_errors_total", command="find", code="2") == 1.0
    assert _value(registry, "mongofw_command_duration_seconds_count", command="insert",
                  outcome="succeeded") == 2.0
    assert _value(registry, "mongofw_command_duration_seconds_sum", command="insert",
                  outcome="succeeded") == pytest.approx(0.004)
    # 2 ms falls in the 2.5 ms bucket, not the 1 ms one.
    assert _value(registry, "mongofw_command_duration_seconds_bucket", command="insert",
                  outcome="succeeded", le="0.001") == 0.0
    assert _value(registry, "mongofw_command_duration_seconds_bucket", command="insert",
                  outcome="succeeded", le="0.0025") == 2.0
    assert _value(registry, "mongofw_commands_in_flight", server=SERVER) == 0.0


def test_started_command_is_in_flight_until_answered():
    registry = CollectorRegistry()
    publisher = _publisher(registry)
    publisher.publish_command_start({"ping": 1}, "admin", 1, ADDRESS)
    assert _value(registry, "mongofw_commands_in_flight", server=SERVER) == 1.0
    publisher.publish_command_success(0.0, {"ok": 1}, "ping", 1, ADDRESS)
    assert _value(registry, "mongofw_commands_in_flight", server=SERVER) == 0.0


def test_failure_without_code_is_labelled_none():
    registry = CollectorRegistry()
    publisher = _publisher(registry)
    publisher.publish_command_failure(0.0, {"ok": 0, "errmsg": "socket closed"}, "find", 1,
                                      ADDRESS)
    assert _value(registry, "mongofw_command_errors_total", command="find", code="none") == 1.0


def test_heartbeats_are_counted():
    registry = CollectorRegistry()
    publisher = _publisher(registry)
    publisher.publish_server_heartbeat_started(ADDRESS)
    publisher.publish_server_heartbeat_succeeded(0.001, {"ok": 1}, ADDRESS)
    publisher.publish_server_heartbeat_failed(0.5, OSError("refused"), ADDRESS)
    assert _value(registry, "mongofw_heartbeats_total", server=SERVER,
                  outcome="succeeded") == 1.0
    assert _value(registry, "mongofw_heartbeats_total", server=SERVER, outcome="failed") == 1.0
    assert _value(registry, "mongofw_heartbeat_duration_seconds_sum",
                  server=SERVER) == pytest.approx(0.501)


def test_two_clients_share_one_registrys_metrics():
    """A second client's listener reuses the collectors instead of registering them again."""
    registry = CollectorRegistry()
    first, second = _publisher(registry), _publisher(registry)
    first.publish_command_success(0.0, {"ok": 1}, "ping", 1, ADDRESS)
    second.publish_command_success(0.0, {"ok": 1}, "ping", 2, ADDRESS)
    assert first.command_listeners[0].metrics is second.command_listeners[0].metrics
    assert _value(registry, "mongofw_commands_total", command="ping", server=SERVER,
                  outcome="succeeded") == 2.0


def test_option_turns_the_plugin_off_for_one_client():
    assert _publisher(CollectorRegistry(), prometheus_metrics=False).listeners == ()


def test_bad_options_are_rejected():
    with pytest.raises(TypeError, match="prometheus_metrics must be True or False, not 'no'"):
        _publisher(CollectorRegistry(), prometheus_metrics="no")
    with pytest.raises(TypeError, match="prometheus_registry must be a prometheus_client."
                       "CollectorRegistry, not dict"):
        PrometheusListener({})


def test_default_registry_is_prometheus_global_one():
    from prometheus_client import REGISTRY

    assert PrometheusListener().metrics is metrics_for(REGISTRY)


def test_plugin_is_found_through_its_entry_point():
    if sys.version_info >= (3, 10):
        from importlib.metadata import entry_points
    else:  # pragma: no cover
        from importlib_metadata import entry_points
    found = [ep for ep in entry_points(group="mongofw") if ep.name == "prometheus"]
    assert [(ep.value, ep.dist.name) for ep in found] == \
        [("mongofw_prometheus.plugin", "mongofw-prometheus")]
    pm = create_plugin_manager(entry_points=found, disabled=())
    assert pm.get_plugin("prometheus") is prometheus_plugin


def test_pool_events_track_open_and_checked_out_connections():
    registry = CollectorRegistry()
    publisher = _publisher(registry)
    assert publisher.enabled_for_cmap
    for conn_id in (1, 2):
        publisher.publish_connection_created(ADDRESS, conn_id)
        publisher.publish_connection_checked_out(ADDRESS, conn_id)
    publisher.publish_connection_checked_in(ADDRESS, 1)
    assert _value(registry, "mongofw_pool_connections", server=SERVER) == 2.0
    assert _value(registry, "mongofw_pool_checked_out", server=SERVER) == 1.0
    publisher.publish_pool_cleared(ADDRESS)
    publisher.publish_connection_closed(ADDRESS, 1, "stale")
    publisher.publish_connection_check_out_failed(ADDRESS, "timeout")
    assert _value(registry, "mongofw_pool_connections", server=SERVER) == 1.0
    assert _value(registry, "mongofw_pool_connections_closed_total", server=SERVER,
                  reason="stale") == 1.0
    assert _value(registry, "mongofw_pool_check_out_failures_total", server=SERVER,
                  reason="timeout") == 1.0
    assert _value(registry, "mongofw_pool_cleared_total", server=SERVER) == 1.0
