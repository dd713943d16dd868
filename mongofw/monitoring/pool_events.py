"""Connection pool events and their listener (3.9's CMAP events, documented as
``pymongo.monitoring``).

A pool publishes these through the client's
:class:`~mongofw.monitoring.publisher.EventPublisher` when at least one
:class:`ConnectionPoolListener` is attached; without one, a pool builds none of them.

The life of one connection, as a listener sees it: ``connection_created`` (the pool
starts opening it), ``connection_ready`` (handshake done), then any number of
``connection_check_out_started`` / ``connection_checked_out`` / ``connection_checked_in``
rounds, and finally ``connection_closed`` with a :class:`ConnectionClosedReason`.  A
check-out that fails publishes ``connection_check_out_failed`` with a
:class:`ConnectionCheckOutFailedReason` instead of ``connection_checked_out``.

``connection_id`` is the connection's number in its pool: 1 for the first one the pool
opens, counting up, never reused.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import attrs

from mongofw.monitoring.events import Address, _EventListener


class ConnectionClosedReason:
    """Why a pool closed a connection: the ``reason`` of a :class:`ConnectionClosedEvent`.

    .. versionadded:: 3.9
    """

    STALE = "stale"
    """The pool was cleared (after a network error, or a server marked unknown) since the
    connection was opened."""

    IDLE = "idle"
    """The connection sat unused in the pool longer than ``maxIdleTimeMS``."""

    ERROR = "error"
    """The connection failed: a network error, or the server closed it."""

    POOL_CLOSED = "poolClosed"
    """The pool itself was closed (``MongoClient.close()``)."""


class ConnectionCheckOutFailedReason:
    """Why a check-out failed: the ``reason`` of a :class:`ConnectionCheckOutFailedEvent`.

    .. versionadded:: 3.9
    """

    TIMEOUT = "timeout"
    """No connection became free within ``waitQueueTimeoutMS``, or too many threads
    were already waiting (``waitQueueMultiple``)."""

    POOL_CLOSED = "poolClosed"
    """The pool was closed."""

    CONN_ERROR = "connectionError"
    """Opening a new connection failed (connect, TLS or handshake error)."""


@attrs.frozen
class PoolCreatedEvent:
    """Published when a client creates the pool for a server (3.9).

    ``address`` is the server's ``(host, port)``; ``options`` a dict of the pool options set
    to something other than their defaults, under their URI names (``maxPoolSize``,
    ``minPoolSize``, ``maxIdleTimeMS``, ``waitQueueTimeoutMS``).
    """

    address: Address
    options: Dict[str, Any]


@attrs.frozen
class PoolClearedEvent:
    """Published when a pool is cleared (3.9): every connection it holds or has lent out is
    closed instead of being reused.

    ``address`` is the server's ``(host, port)``; ``service_id`` (3.12) is always ``None``
    here (it names a service behind a load balancer, a mode this driver does not provide).
    """

    address: Address
    service_id: Optional[Any] = None


@attrs.frozen
class PoolClosedEvent:
    """Published when a pool is closed (3.9); ``address`` is the server's ``(host, port)``."""

    address: Address


@attrs.frozen
class ConnectionCreatedEvent:
    """Published when a pool starts opening a connection (3.9), before its handshake: the
    connection is not usable until :class:`ConnectionReadyEvent`.

    ``address`` is the server's ``(host, port)``; ``connection_id`` the connection's number
    in the pool.
    """

    address: Address
    connection_id: int


@attrs.frozen
class ConnectionReadyEvent:
    """Published when a connection finished its handshake and can be used (3.9);
    ``address`` is the server's ``(host, port)``, ``connection_id`` the connection's number
    in the pool."""

    address: Address
    connection_id: int


@attrs.frozen
class ConnectionClosedEvent:
    """Published when a pool closes a connection (3.9).

    ``address`` and ``connection_id`` are as for :class:`ConnectionCreatedEvent`;
    ``reason`` is one of the :class:`ConnectionClosedReason` strings.
    """

    address: Address
    connection_id: int
    reason: str


@attrs.frozen
class ConnectionCheckOutStartedEvent:
    """Published when an operation starts asking a pool for a connection (3.9);
    ``address`` is the server's ``(host, port)``."""

    address: Address


@attrs.frozen
class ConnectionCheckOutFailedEvent:
    """Published when an operation could not get a connection (3.9).

    ``address`` is the server's ``(host, port)``; ``reason`` one of the
    :class:`ConnectionCheckOutFailedReason` strings.
    """

    address: Address
    reason: str


@attrs.frozen
class ConnectionCheckedOutEvent:
    """Published when an operation got a connection from a pool (3.9); ``address`` is the
    server's ``(host, port)``, ``connection_id`` the connection's number in the pool."""

    address: Address
    connection_id: int


@attrs.frozen
class ConnectionCheckedInEvent:
    """Published when an operation gives its connection back to the pool (3.9);
    ``address`` is the server's ``(host, port)``, ``connection_id`` the connection's number
    in the pool."""

    address: Address
    connection_id: int


class ConnectionPoolListener(_EventListener):
    """Base class for connection pool listeners: override the handlers you need (defaults
    do nothing).

    Pass an instance to ``MongoClient(event_listeners=[...])``, :func:`register` it, or
    return it from a ``mongofw_event_listeners`` plugin.  Handlers run on the thread that
    used the pool, outside the pool's lock; keep them quick.

    .. versionadded:: 3.9
    """

    def pool_created(self, event: PoolCreatedEvent) -> None:
        """Called when a pool is created, with ``event``, a :class:`PoolCreatedEvent`."""

    def pool_cleared(self, event: PoolClearedEvent) -> None:
        """Called when a pool is cleared, with ``event``, a :class:`PoolClearedEvent`."""

    def pool_closed(self, event: PoolClosedEvent) -> None:
        """Called when a pool is closed, with ``event``, a :class:`PoolClosedEvent`."""

    def connection_created(self, event: ConnectionCreatedEvent) -> None:
        """Called when a pool starts opening a connection, with ``event``, a
        :class:`ConnectionCreatedEvent`."""

    def connection_ready(self, event: ConnectionReadyEvent) -> None:
        """Called when a new connection is ready for use, with ``event``, a
        :class:`ConnectionReadyEvent`."""

    def connection_closed(self, event: ConnectionClosedEvent) -> None:
        """Called when a pool closes a connection, with ``event``, a
        :class:`ConnectionClosedEvent`."""

    def connection_check_out_started(self, event: ConnectionCheckOutStartedEvent) -> None:
        """Called when an operation starts asking for a connection, with ``event``, a
        :class:`ConnectionCheckOutStartedEvent`."""

    def connection_check_out_failed(self, event: ConnectionCheckOutFailedEvent) -> None:
        """Called when an operation could not get a connection, with ``event``, a
        :class:`ConnectionCheckOutFailedEvent`."""

    def connection_checked_out(self, event: ConnectionCheckedOutEvent) -> None:
        """Called when an operation got a connection, with ``event``, a
        :class:`ConnectionCheckedOutEvent`."""

    def connection_checked_in(self, event: ConnectionCheckedInEvent) -> None:
        """Called when an operation gave its connection back, with ``event``, a
        :class:`ConnectionCheckedInEvent`."""
