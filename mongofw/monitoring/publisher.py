"""The one object the core calls to publish monitoring events.

A client builds an :class:`EventPublisher` once from its listeners (``register()``-ed,
``event_listeners=`` and plugin ones) and hands it to the topology, monitors and pools.
The core tests the ``enabled_for_*`` booleans before measuring or building anything, so a
client without listeners pays one attribute read per command.

Durations passed to the ``publish_*`` methods are seconds as a float (what
``time.perf_counter`` differences give) or a ``datetime.timedelta``.

The core publishes and does not log: a listener that raises is reported to the
:class:`ListenerErrorHandler` instances among the listeners (the default monitoring plugin
provides one that logs), or to ``on_listener_error``, or — when neither exists — as a
:class:`ListenerErrorWarning`.  Each failing listener is reported once per publisher; the
operation that published the event always goes on.
"""
from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from typing import Any, Callable, Iterable, List, Optional, Set, Tuple

from mongofw.monitoring.events import (
    Address,
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
    Duration,
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
    redacted_failure,
)
from mongofw.monitoring.pool_events import (
    ConnectionCheckedInEvent,
    ConnectionCheckedOutEvent,
    ConnectionCheckOutFailedEvent,
    ConnectionCheckOutStartedEvent,
    ConnectionClosedEvent,
    ConnectionCreatedEvent,
    ConnectionPoolListener,
    ConnectionReadyEvent,
    PoolClearedEvent,
    PoolClosedEvent,
    PoolCreatedEvent,
)
from mongofw.monitoring.registry import (
    _ALLOWED,
    LISTENER_TYPES,
    check_listener,
    registered_listeners,
)

ErrorCallback = Callable[[Any, Any, BaseException], None]

# Started-but-unfinished sensitive commands are remembered so their reply is redacted even
# when the reply itself looks harmless (hello + speculativeAuthenticate).  A command whose
# outcome is never published (the caller died) would stay forever: cap the set.
_MAX_PENDING_SENSITIVE = 10_000


class ListenerErrorWarning(UserWarning):
    """An event listener raised; the operation went on without it."""


class ListenerErrorHandler:
    """Receives the errors of failing listeners; return one from ``mongofw_event_listeners``.

    ``listener_failed(listener, event, error)`` is called once for the first error of each
    listener (per client).  It must not raise; if it does, its error is ignored.
    """

    def listener_failed(self, listener: Any, event: Any, error: BaseException) -> None:
        """Report that ``listener`` raised ``error`` while handling ``event``."""


def listener_name(listener: Any) -> str:
    """``module.QualifiedClassName`` of a listener, for error reports."""
    cls = type(listener)
    return f"{cls.__module__}.{cls.__qualname__}"


class EventPublisher:
    """Dispatches events to listeners, isolating the caller from listener errors.

    ``listeners`` may mix the five listener kinds (one object may be several) and
    :class:`ListenerErrorHandler` instances; anything else is a TypeError.
    ``on_listener_error(listener, event, error)`` is an extra error handler.
    """

    def __init__(self, listeners: Iterable[Any] = (),
                 on_listener_error: Optional[ErrorCallback] = None) -> None:
        self.listeners: Tuple[Any, ...] = tuple(listeners)
        command, server, heartbeat, topology, pool = [], [], [], [], []
        handlers: List[ErrorCallback] = []
        for listener in self.listeners:
            if isinstance(listener, ListenerErrorHandler):
                handlers.append(listener.listener_failed)
            elif not isinstance(listener, LISTENER_TYPES):
                raise TypeError(f"event listeners must be instances of {_ALLOWED} (or "
                                f"ListenerErrorHandler), not {type(listener).__name__}: "
                                f"{listener!r}")
            if isinstance(listener, CommandListener):
                command.append(listener)
            if isinstance(listener, ServerListener):
                server.append(listener)
            if isinstance(listener, ServerHeartbeatListener):
                heartbeat.append(listener)
            if isinstance(listener, TopologyListener):
                topology.append(listener)
            if isinstance(listener, ConnectionPoolListener):
                pool.append(listener)
        if on_listener_error is not None:
            handlers.append(on_listener_error)
        self.command_listeners: Tuple[CommandListener, ...] = tuple(command)
        self.server_listeners: Tuple[ServerListener, ...] = tuple(server)
        self.server_heartbeat_listeners: Tuple[ServerHeartbeatListener, ...] = tuple(heartbeat)
        self.topology_listeners: Tuple[TopologyListener, ...] = tuple(topology)
        self.enabled_for_commands = bool(command)
        self.enabled_for_server = bool(server)
        self.enabled_for_server_heartbeat = bool(heartbeat)
        self.enabled_for_topology = bool(topology)
        self.pool_listeners: Tuple[ConnectionPoolListener, ...] = tuple(pool)
        self.enabled_for_cmap = bool(pool)
        self._error_handlers = tuple(handlers)
        self._reported: Set[int] = set()
        self._reported_lock = threading.Lock()
        self._pending_sensitive: Set[Tuple[int, Any]] = set()

    # ------------------------------------------------------------ dispatch

    def _dispatch(self, listeners: Tuple[Any, ...], method: str, event: Any) -> None:
        for listener in listeners:
            try:
                getattr(listener, method)(event)
            except Exception as exc:  # noqa: BLE001 - a listener must never break the caller
                self._report(listener, event, exc)

    def _report(self, listener: Any, event: Any, error: BaseException) -> None:
        with self._reported_lock:
            if id(listener) in self._reported:
                return
            self._reported.add(id(listener))
        if not self._error_handlers:
            warnings.warn(
                f"event listener {listener_name(listener)} raised "
                f"{type(error).__name__}: {error} while handling {type(event).__name__}; "
                f"further errors from this listener are not reported",
                ListenerErrorWarning, stacklevel=4)
            return
        for handler in self._error_handlers:
            try:
                handler(listener, event, error)
            except Exception:  # noqa: BLE001, S110 - reporting must not break the caller
                pass

    # ------------------------------------------------------------ commands

    def publish_command_start(self, command: Mapping[str, Any], database_name: str,
                              request_id: int, connection_id: Address,
                              operation_id: Optional[int] = None) -> None:
        """Publish a :class:`~pymongo.monitoring.CommandStartedEvent` (``operation_id`` defaults to the request id)."""
        if operation_id is None:
            operation_id = request_id
        event = CommandStartedEvent(command, database_name, request_id, connection_id,
                                    operation_id)
        if not event.command and command:
            pending = self._pending_sensitive
            if len(pending) >= _MAX_PENDING_SENSITIVE:
                pending.clear()
            pending.add((request_id, connection_id))
        self._dispatch(self.command_listeners, "started", event)

    def _was_sensitive(self, request_id: int, connection_id: Address) -> bool:
        key = (request_id, connection_id)
        if key in self._pending_sensitive:
            self._pending_sensitive.discard(key)
            return True
        return False

    def publish_command_success(self, duration: Duration, reply: Mapping[str, Any],
                                command_name: str, request_id: int, connection_id: Address,
                                operation_id: Optional[int] = None) -> None:
        """Publish a :class:`~pymongo.monitoring.CommandSucceededEvent`; a sensitive command's reply is emptied."""
        if operation_id is None:
            operation_id = request_id
        if self._was_sensitive(request_id, connection_id):
            reply = {}
        event = CommandSucceededEvent(duration, reply, command_name, request_id,
                                      connection_id, operation_id)
        self._dispatch(self.command_listeners, "succeeded", event)

    def publish_command_failure(self, duration: Duration, failure: Mapping[str, Any],
                                command_name: str, request_id: int, connection_id: Address,
                                operation_id: Optional[int] = None) -> None:
        """Publish a :class:`~pymongo.monitoring.CommandFailedEvent`; a sensitive command keeps error codes only."""
        if operation_id is None:
            operation_id = request_id
        if self._was_sensitive(request_id, connection_id) and isinstance(failure, Mapping):
            failure = redacted_failure(failure)
        event = CommandFailedEvent(duration, failure, command_name, request_id,
                                   connection_id, operation_id)
        self._dispatch(self.command_listeners, "failed", event)

    # ------------------------------------------------------------ heartbeats

    def publish_server_heartbeat_started(self, connection_id: Address) -> None:
        """Publish a :class:`~pymongo.monitoring.ServerHeartbeatStartedEvent`."""
        self._dispatch(self.server_heartbeat_listeners, "started",
                       ServerHeartbeatStartedEvent(connection_id))

    def publish_server_heartbeat_succeeded(self, duration: Duration, reply: Any,
                                           connection_id: Address) -> None:
        """Publish a :class:`~pymongo.monitoring.ServerHeartbeatSucceededEvent` (``reply``: the hello reply)."""
        self._dispatch(self.server_heartbeat_listeners, "succeeded",
                       ServerHeartbeatSucceededEvent(duration, reply, connection_id))

    def publish_server_heartbeat_failed(self, duration: Duration, reply: Any,
                                        connection_id: Address) -> None:
        """Publish a :class:`~pymongo.monitoring.ServerHeartbeatFailedEvent` (``reply``: the exception)."""
        self._dispatch(self.server_heartbeat_listeners, "failed",
                       ServerHeartbeatFailedEvent(duration, reply, connection_id))

    # ------------------------------------------------------------ servers

    def publish_server_opened(self, server_address: Address, topology_id: Any) -> None:
        """Publish a :class:`~pymongo.monitoring.ServerOpeningEvent`."""
        self._dispatch(self.server_listeners, "opened",
                       ServerOpeningEvent(server_address, topology_id))

    def publish_server_closed(self, server_address: Address, topology_id: Any) -> None:
        """Publish a :class:`~pymongo.monitoring.ServerClosedEvent`."""
        self._dispatch(self.server_listeners, "closed",
                       ServerClosedEvent(server_address, topology_id))

    def publish_server_description_changed(self, previous_description: Any,
                                           new_description: Any, server_address: Address,
                                           topology_id: Any) -> None:
        """Publish a :class:`~pymongo.monitoring.ServerDescriptionChangedEvent`."""
        self._dispatch(self.server_listeners, "description_changed",
                       ServerDescriptionChangedEvent(previous_description, new_description,
                                                     server_address, topology_id))

    # ------------------------------------------------------------ topology

    def publish_topology_opened(self, topology_id: Any) -> None:
        """Publish a :class:`~pymongo.monitoring.TopologyOpenedEvent`."""
        self._dispatch(self.topology_listeners, "opened", TopologyOpenedEvent(topology_id))

    def publish_topology_closed(self, topology_id: Any) -> None:
        """Publish a :class:`~pymongo.monitoring.TopologyClosedEvent`."""
        self._dispatch(self.topology_listeners, "closed", TopologyClosedEvent(topology_id))

    def publish_topology_description_changed(self, previous_description: Any,
                                             new_description: Any, topology_id: Any) -> None:
        """Publish a :class:`~pymongo.monitoring.TopologyDescriptionChangedEvent`."""
        self._dispatch(self.topology_listeners, "description_changed",
                       TopologyDescriptionChangedEvent(previous_description, new_description,
                                                       topology_id))


    # ------------------------------------------------------------ connection pools (3.9)

    def publish_pool_created(self, address: Address, options: Mapping[str, Any]) -> None:
        """Publish a :class:`~pymongo.monitoring.PoolCreatedEvent` (``options``: the
        non-default pool options)."""
        self._dispatch(self.pool_listeners, "pool_created",
                       PoolCreatedEvent(address, dict(options)))

    def publish_pool_cleared(self, address: Address, service_id: Any = None) -> None:
        """Publish a :class:`~pymongo.monitoring.PoolClearedEvent`."""
        self._dispatch(self.pool_listeners, "pool_cleared",
                       PoolClearedEvent(address, service_id))

    def publish_pool_closed(self, address: Address) -> None:
        """Publish a :class:`~pymongo.monitoring.PoolClosedEvent`."""
        self._dispatch(self.pool_listeners, "pool_closed", PoolClosedEvent(address))

    def publish_connection_created(self, address: Address, connection_id: int) -> None:
        """Publish a :class:`~pymongo.monitoring.ConnectionCreatedEvent`."""
        self._dispatch(self.pool_listeners, "connection_created",
                       ConnectionCreatedEvent(address, connection_id))

    def publish_connection_ready(self, address: Address, connection_id: int) -> None:
        """Publish a :class:`~pymongo.monitoring.ConnectionReadyEvent`."""
        self._dispatch(self.pool_listeners, "connection_ready",
                       ConnectionReadyEvent(address, connection_id))

    def publish_connection_closed(self, address: Address, connection_id: int,
                                  reason: str) -> None:
        """Publish a :class:`~pymongo.monitoring.ConnectionClosedEvent`."""
        self._dispatch(self.pool_listeners, "connection_closed",
                       ConnectionClosedEvent(address, connection_id, reason))

    def publish_connection_check_out_started(self, address: Address) -> None:
        """Publish a :class:`~pymongo.monitoring.ConnectionCheckOutStartedEvent`."""
        self._dispatch(self.pool_listeners, "connection_check_out_started",
                       ConnectionCheckOutStartedEvent(address))

    def publish_connection_check_out_failed(self, address: Address, reason: str) -> None:
        """Publish a :class:`~pymongo.monitoring.ConnectionCheckOutFailedEvent`."""
        self._dispatch(self.pool_listeners, "connection_check_out_failed",
                       ConnectionCheckOutFailedEvent(address, reason))

    def publish_connection_checked_out(self, address: Address, connection_id: int) -> None:
        """Publish a :class:`~pymongo.monitoring.ConnectionCheckedOutEvent`."""
        self._dispatch(self.pool_listeners, "connection_checked_out",
                       ConnectionCheckedOutEvent(address, connection_id))

    def publish_connection_checked_in(self, address: Address, connection_id: int) -> None:
        """Publish a :class:`~pymongo.monitoring.ConnectionCheckedInEvent`."""
        self._dispatch(self.pool_listeners, "connection_checked_in",
                       ConnectionCheckedInEvent(address, connection_id))


def client_publisher(event_listeners: Any = (), plugin_listeners: Iterable[Any] = (),
                     on_listener_error: Optional[ErrorCallback] = None) -> EventPublisher:
    """The publisher of a new client, from its three equal sources of listeners.

    In order: the ``register()``-ed listeners (copied now: registering later does not
    change this client), the ``MongoClient(event_listeners=...)`` list or tuple (checked
    here), and those the ``mongofw_event_listeners`` plugins returned.
    """
    if not isinstance(event_listeners, (list, tuple)):
        raise TypeError(f"event_listeners must be a list or tuple, "
                        f"not {type(event_listeners).__name__}: {event_listeners!r}")
    own = [check_listener(listener, "each event_listeners item") for listener in event_listeners]
    return EventPublisher([*registered_listeners(), *own, *plugin_listeners],
                          on_listener_error=on_listener_error)
