"""Example listeners that log each event at INFO through :mod:`logging` (3.11's
``pymongo.event_loggers``).

``monitoring.register(CommandLogger())`` or ``MongoClient(event_listeners=[...])``.  For
structured (JSON) logs use ``MONGOFW_LOG=json`` or ``structured_logging=True`` instead.
"""
from __future__ import annotations

import logging
from typing import Any

from mongofw.monitoring.events import (
    CommandListener,
    ServerHeartbeatListener,
    ServerListener,
    TopologyListener,
)
from mongofw.monitoring.pool_events import ConnectionPoolListener

_log = logging.getLogger("mongofw.event_loggers")


def _address(address: Any) -> str:
    host, port = address
    return host if port is None else f"{host}:{port}"


class CommandLogger(CommandListener):
    """Logs command started / succeeded / failed events."""

    def started(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Command %s with request id %s started on server %s", event.command_name,
                  event.request_id, _address(event.connection_id))

    def succeeded(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Command %s with request id %s on server %s succeeded in %s microseconds",
                  event.command_name, event.request_id, _address(event.connection_id),
                  event.duration_micros)

    def failed(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Command %s with request id %s on server %s failed in %s microseconds",
                  event.command_name, event.request_id, _address(event.connection_id),
                  event.duration_micros)


class ServerLogger(ServerListener):
    """Logs server opened / description changed / closed events."""

    def opened(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Server %s added to topology %s", _address(event.server_address),
                  event.topology_id)

    def description_changed(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        previous, new = event.previous_description, event.new_description
        if previous.server_type != new.server_type:
            _log.info("Server %s changed type from %s to %s", _address(event.server_address),
                      previous.server_type_name, new.server_type_name)

    def closed(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.warning("Server %s removed from topology %s", _address(event.server_address),
                     event.topology_id)


class HeartbeatLogger(ServerHeartbeatListener):
    """Logs heartbeat started / succeeded / failed events."""

    def started(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Heartbeat sent to server %s", _address(event.connection_id))

    def succeeded(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Heartbeat to server %s succeeded with reply %s",
                  _address(event.connection_id), event.reply)

    def failed(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.warning("Heartbeat to server %s failed with error %s",
                     _address(event.connection_id), event.reply)


class TopologyLogger(TopologyListener):
    """Logs topology opened / description changed / closed events."""

    def opened(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Topology with id %s opened", event.topology_id)

    def description_changed(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        previous, new = event.previous_description, event.new_description
        _log.info("Topology description updated for topology id %s", event.topology_id)
        if previous.topology_type != new.topology_type:
            _log.info("Topology %s changed type from %s to %s", event.topology_id,
                      previous.topology_type_name, new.topology_type_name)

    def closed(self, event: Any) -> None:
        """Log ``event`` at INFO level on the ``mongofw.event_loggers`` logger."""
        _log.info("Topology with id %s closed", event.topology_id)


class ConnectionPoolLogger(ConnectionPoolListener):
    """Logs the connection pool events (3.11): pools created, cleared and closed;
    connections created, ready and closed; check-outs started, failed, done; check-ins.
    Each is logged at INFO level on the ``mongofw.event_loggers`` logger."""

    def pool_created(self, event: Any) -> None:
        """Log ``event`` (a pool was created, with its non-default options)."""
        _log.info("[pool %s] pool created with options %s", _address(event.address),
                  event.options)

    def pool_cleared(self, event: Any) -> None:
        """Log ``event`` (a pool was cleared)."""
        _log.info("[pool %s] pool cleared", _address(event.address))

    def pool_closed(self, event: Any) -> None:
        """Log ``event`` (a pool was closed)."""
        _log.info("[pool %s] pool closed", _address(event.address))

    def connection_created(self, event: Any) -> None:
        """Log ``event`` (a connection is being opened)."""
        _log.info("[pool %s][connection #%s] connection created", _address(event.address),
                  event.connection_id)

    def connection_ready(self, event: Any) -> None:
        """Log ``event`` (a connection finished its handshake)."""
        _log.info("[pool %s][connection #%s] connection ready", _address(event.address),
                  event.connection_id)

    def connection_closed(self, event: Any) -> None:
        """Log ``event`` (a connection was closed, and why)."""
        _log.info("[pool %s][connection #%s] connection closed, reason: %s",
                  _address(event.address), event.connection_id, event.reason)

    def connection_check_out_started(self, event: Any) -> None:
        """Log ``event`` (an operation asks for a connection)."""
        _log.info("[pool %s] connection check out started", _address(event.address))

    def connection_check_out_failed(self, event: Any) -> None:
        """Log ``event`` (an operation could not get a connection, and why)."""
        _log.info("[pool %s] connection check out failed, reason: %s",
                  _address(event.address), event.reason)

    def connection_checked_out(self, event: Any) -> None:
        """Log ``event`` (an operation got a connection)."""
        _log.info("[pool %s][connection #%s] connection checked out",
                  _address(event.address), event.connection_id)

    def connection_checked_in(self, event: Any) -> None:
        """Log ``event`` (an operation gave its connection back)."""
        _log.info("[pool %s][connection #%s] connection checked into pool",
                  _address(event.address), event.connection_id)
