"""The metrics and the listener that records into them.

Prometheus refuses two collectors of one name in one registry, while mongofw asks the
plugin for listeners once per client: so the metrics are made once per registry and every
client's listener shares them.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Optional

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from mongofw.monitoring.events import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
    ServerHeartbeatFailedEvent,
    ServerHeartbeatListener,
    ServerHeartbeatSucceededEvent,
)
from mongofw.monitoring.pool_events import ConnectionPoolListener

# Database commands mostly take well under 100 ms: finer low buckets than the defaults.
COMMAND_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                   2.5, 5.0, 10.0, float("inf"))


def server_label(address: Any) -> str:
    """``host:port`` for a ``(host, port)`` pair (just the path for a Unix socket)."""
    if isinstance(address, tuple) and len(address) == 2:
        host, port = address
        return str(host) if port is None else f"{host}:{port}"
    return str(address)


class CommandMetrics:
    """The collectors of one registry (see the README for names and labels)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.commands = Counter(
            "mongofw_commands", "Commands sent, by name, server and outcome.",
            ["command", "server", "outcome"], registry=registry)
        self.duration = Histogram(
            "mongofw_command_duration_seconds", "Command round-trip time.",
            ["command", "outcome"], buckets=COMMAND_BUCKETS, registry=registry)
        self.errors = Counter(
            "mongofw_command_errors", "Failed commands, by name and server error code.",
            ["command", "code"], registry=registry)
        self.in_flight = Gauge(
            "mongofw_commands_in_flight", "Commands sent and not yet answered.",
            ["server"], registry=registry)
        self.heartbeats = Counter(
            "mongofw_heartbeats", "Server heartbeats, by server and outcome.",
            ["server", "outcome"], registry=registry)
        self.heartbeat_duration = Histogram(
            "mongofw_heartbeat_duration_seconds", "Heartbeat round-trip time.",
            ["server"], buckets=COMMAND_BUCKETS, registry=registry)
        self.pool_connections = Gauge(
            "mongofw_pool_connections", "Pooled connections open (created, not yet closed).",
            ["server"], registry=registry)
        self.pool_checked_out = Gauge(
            "mongofw_pool_checked_out", "Pooled connections checked out by operations.",
            ["server"], registry=registry)
        self.pool_closed = Counter(
            "mongofw_pool_connections_closed", "Pooled connections closed, by reason.",
            ["server", "reason"], registry=registry)
        self.pool_check_out_failures = Counter(
            "mongofw_pool_check_out_failures", "Check-outs that got no connection, by reason.",
            ["server", "reason"], registry=registry)
        self.pool_cleared = Counter(
            "mongofw_pool_cleared", "Times a server's pool was cleared.",
            ["server"], registry=registry)


_metrics: weakref.WeakKeyDictionary[CollectorRegistry, CommandMetrics] = \
    weakref.WeakKeyDictionary()
_metrics_lock = threading.Lock()


def metrics_for(registry: Optional[CollectorRegistry] = None) -> CommandMetrics:
    """The metrics of ``registry`` (the default registry if None), made on first use."""
    if registry is None:
        registry = REGISTRY
    if not isinstance(registry, CollectorRegistry):
        raise TypeError(f"prometheus_registry must be a prometheus_client.CollectorRegistry, "
                        f"not {type(registry).__name__}: {registry!r}")
    with _metrics_lock:
        metrics = _metrics.get(registry)
        if metrics is None:
            metrics = _metrics[registry] = CommandMetrics(registry)
        return metrics


class PrometheusListener(CommandListener, ServerHeartbeatListener, ConnectionPoolListener):
    """Records command, heartbeat and connection pool events into :class:`CommandMetrics`."""

    def __init__(self, registry: Optional[CollectorRegistry] = None) -> None:
        self.metrics = metrics_for(registry)

    # Command and heartbeat listeners share method names: tell them apart by event type.
    def started(self, event: Any) -> None:
        """Count a command as in flight (heartbeat starts are not recorded)."""
        if isinstance(event, CommandStartedEvent):
            self.metrics.in_flight.labels(server_label(event.connection_id)).inc()

    def succeeded(self, event: Any) -> None:
        """Record a finished command or heartbeat."""
        if isinstance(event, CommandSucceededEvent):
            self._command_done(event, "succeeded")
        elif isinstance(event, ServerHeartbeatSucceededEvent):
            self._heartbeat_done(event, "succeeded")

    def failed(self, event: Any) -> None:
        """Record a failed command (with its error code) or heartbeat."""
        if isinstance(event, CommandFailedEvent):
            self._command_done(event, "failed")
            code = event.failure.get("code")
            self.metrics.errors.labels(event.command_name,
                                       "none" if code is None else str(code)).inc()
        elif isinstance(event, ServerHeartbeatFailedEvent):
            self._heartbeat_done(event, "failed")

    def _command_done(self, event: Any, outcome: str) -> None:
        server = server_label(event.connection_id)
        metrics = self.metrics
        metrics.commands.labels(event.command_name, server, outcome).inc()
        metrics.duration.labels(event.command_name, outcome).observe(
            event.duration_micros / 1_000_000)
        metrics.in_flight.labels(server).dec()

    def _heartbeat_done(self, event: Any, outcome: str) -> None:
        server = server_label(event.connection_id)
        self.metrics.heartbeats.labels(server, outcome).inc()
        self.metrics.heartbeat_duration.labels(server).observe(event.duration)

    # Connection pool events (mongofw 0.1 publishes PyMongo 3.9's CMAP events).
    def connection_created(self, event: Any) -> None:
        """Count a pooled connection as open."""
        self.metrics.pool_connections.labels(server_label(event.address)).inc()

    def connection_closed(self, event: Any) -> None:
        """Count a pooled connection as closed, with its reason."""
        server = server_label(event.address)
        self.metrics.pool_connections.labels(server).dec()
        self.metrics.pool_closed.labels(server, event.reason).inc()

    def connection_checked_out(self, event: Any) -> None:
        """Count a connection as in use."""
        self.metrics.pool_checked_out.labels(server_label(event.address)).inc()

    def connection_checked_in(self, event: Any) -> None:
        """Count a connection as no longer in use."""
        self.metrics.pool_checked_out.labels(server_label(event.address)).dec()

    def connection_check_out_failed(self, event: Any) -> None:
        """Count a check-out that got no connection, with its reason."""
        self.metrics.pool_check_out_failures.labels(server_label(event.address),
                                                    event.reason).inc()

    def pool_cleared(self, event: Any) -> None:
        """Count a pool clearing."""
        self.metrics.pool_cleared.labels(server_label(event.address)).inc()
