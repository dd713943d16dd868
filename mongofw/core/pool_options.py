"""The settings of a connection pool (PoolOptions) and the reasons its CMAP events give
for closing a connection or failing a check-out; :mod:`mongofw.core.pool` re-exports them.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import attrs

from mongofw.core.wire.connection import Connection
from mongofw.core.wire.network import client_metadata


@attrs.frozen
class PoolOptions:
    """Connection pool settings, validated by the client options layer.

    The client builds one from its options (:attr:`ClientOptions.pool_options
    <pymongo.client_options.ClientOptions.pool_options>` shows it); immutable.  Times
    are in seconds (``float``) and ``None`` means no limit, unless said otherwise.

    :param max_pool_size: the most connections open to one server at once
        (``maxPoolSize``, default 100).
    :param min_pool_size: how many connections the monitor keeps open (``minPoolSize``,
        default 0).
    :param max_idle_time_seconds: close a pooled connection idle this long
        (``maxIdleTimeMS`` / 1000).
    :param connect_timeout: the limit on opening a connection and its handshake
        (``connectTimeoutMS`` / 1000; default 20).
    :param socket_timeout: the limit on each network read or write
        (``socketTimeoutMS`` / 1000).
    :param wait_queue_timeout: how long a thread waits for a connection when all are
        in use, before :exc:`~pymongo.errors.ConnectionFailure`
        (``waitQueueTimeoutMS`` / 1000).
    :param wait_queue_multiple: times ``max_pool_size``, the most threads that may wait
        at once; one more raises :exc:`~pymongo.errors.ExceededMaxWaiters`
        (``waitQueueMultiple``; ``None``: unbounded).
    :param socket_keepalive: whether TCP keepalive is turned on (default ``True``).
    :param ssl_context: the :class:`ssl.SSLContext` TLS connections use, or None for
        plain TCP.
    :param ssl_match_hostname: whether the server's certificate must name the host
        (default ``True``).
    :param ssl_certfile: the client certificate file, or None; MONGODB-X509 reads the
        user name from it.
    :param appname: the ``appname`` sent in each handshake, or None.
    :param driver: a :class:`~pymongo.driver_info.DriverInfo` of a library wrapping the
        driver, added to the handshake metadata, or None.
    :param compressors: the wire compressors offered, in order of preference (a tuple of
        ``"snappy"``, ``"zlib"``, ``"zstd"``; default none).
    :param zlib_compression_level: zlib's level, -1 (the default) to 9.
    :param server_api: the declared :class:`~pymongo.server_api.ServerApi`, or None.
    :param handshake_fields: extra ``(name, value)`` fields for the handshake (e.g.
        ``saslSupportedMechs``).
    :param connection_class: the class of the pool's connections, called as
        ``cls(sock, pool, ismaster, address)``.
    """

    max_pool_size: int = 100
    min_pool_size: int = 0
    max_idle_time_seconds: Optional[float] = None
    connect_timeout: Optional[float] = 20.0
    socket_timeout: Optional[float] = None
    wait_queue_timeout: Optional[float] = None
    wait_queue_multiple: Optional[int] = None
    socket_keepalive: bool = True
    ssl_context: Any = attrs.field(default=None, eq=False, repr=False)
    ssl_match_hostname: bool = True
    # The client certificate file: MONGODB-X509 reads the user name from it.
    ssl_certfile: Optional[str] = None
    appname: Optional[str] = None
    # A wrapping library's DriverInfo (name, version, platform), or None.
    driver: Any = None
    # Compressors offered in the handshake, in order of preference, and zlib's level.
    compressors: Tuple[str, ...] = ()
    zlib_compression_level: int = -1
    # The declared versioned API (mongofw.options.server_api.ServerApi), or None.
    server_api: Any = None
    # Extra handshake fields (e.g. saslSupportedMechs) the client asks for.
    handshake_fields: Tuple[Tuple[str, Any], ...] = ()
    # The class of the pool's connections: a Connection subclass (the client API's
    # documented Connection), called as cls(sock, pool, ismaster, address).
    connection_class: type = attrs.field(default=Connection, eq=False, repr=False)

    @property
    def metadata(self) -> Dict[str, Any]:
        """The ``client`` document each new connection's handshake sends."""
        return client_metadata(self.appname, self.driver)

    @property
    def tls_allow_invalid_hostnames(self) -> bool:
        """Whether a TLS server's certificate may name another host."""
        return not self.ssl_match_hostname

    @property
    def max_waiters(self) -> Optional[int]:
        """The most threads that may wait for a connection (``max_pool_size *
        wait_queue_multiple``), or None for no limit."""
        if self.wait_queue_multiple is None:
            return None
        return self.max_pool_size * self.wait_queue_multiple

    @property
    def non_default_options(self) -> Dict[str, Any]:
        """The pool options set to something other than their defaults, under their URI
        names (what :class:`~pymongo.monitoring.PoolCreatedEvent` carries; 3.9)."""
        out: Dict[str, Any] = {}
        if self.max_pool_size != 100:
            out["maxPoolSize"] = self.max_pool_size
        if self.min_pool_size != 0:
            out["minPoolSize"] = self.min_pool_size
        if self.max_idle_time_seconds is not None:
            out["maxIdleTimeMS"] = self.max_idle_time_seconds * 1000
        if self.wait_queue_timeout is not None:
            out["waitQueueTimeoutMS"] = self.wait_queue_timeout * 1000
        return out


DEFAULT_POOL_OPTIONS = PoolOptions()

# The reasons of the CMAP events (pymongo.monitoring.ConnectionClosedReason and
# ConnectionCheckOutFailedReason hold the same strings; a test checks they agree).
CLOSED_STALE, CLOSED_IDLE, CLOSED_ERROR, CLOSED_POOL_CLOSED = (
    "stale", "idle", "error", "poolClosed")
CHECK_OUT_TIMEOUT, CHECK_OUT_POOL_CLOSED, CHECK_OUT_CONN_ERROR = (
    "timeout", "poolClosed", "connectionError")
