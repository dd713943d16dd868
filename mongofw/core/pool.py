"""A thread-safe pool of connections to one server.

With a publisher whose ``enabled_for_cmap`` is true the pool publishes the connection
pool events of the CMAP specification (``pymongo.monitoring.ConnectionPoolListener``,
3.9); it publishes outside its lock, so a listener may use the client.
"""
from __future__ import annotations

import collections
import itertools
import select
import threading
import time
from typing import Any, Callable, ContextManager, Deque, Dict, List, Mapping, Optional, Tuple

from bson.codec_options import DEFAULT_CODEC_OPTIONS
from bson.son import SON

# Kept importable from here (the client, the topology and plugins import them so).
from mongofw.core.pool_options import (  # noqa: F401
    CHECK_OUT_CONN_ERROR,
    CHECK_OUT_POOL_CLOSED,
    CHECK_OUT_TIMEOUT,
    CLOSED_ERROR,
    CLOSED_IDLE,
    CLOSED_POOL_CLOSED,
    CLOSED_STALE,
    DEFAULT_POOL_OPTIONS,
    PoolOptions,
)
from mongofw.core.wire import message
from mongofw.core.wire.compression import agreed
from mongofw.core.wire.connection import Connection
from mongofw.core.wire.network import client_metadata, create_socket, format_address
from mongofw.errors import (
    AutoReconnect,
    ConnectionFailure,
    ExceededMaxWaiters,
    NotMasterError,
    OperationFailure,
    ProtocolError,
)

# (connection id, reason) of the connections a locked section closed, published after it.
Closed = List[Tuple[int, str]]


def _socket_closed(sock: Any) -> bool:
    """Whether the peer closed an idle socket (it is readable, yet nothing was asked)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class Pool:
    """Connections to ``address``: at most ``max_pool_size`` out at once, idle ones reused.

    ``generation`` goes up on :meth:`reset`; a socket from an older generation is closed
    instead of being reused.

    The client makes one per server; applications do not build pools.

    :param address: the server's ``(host, port)`` pair.
    :param options: the :class:`PoolOptions` (default: all defaults).
    :param publisher: the client's event publisher (its command listeners see each
        connection's commands), or None.
    :param authenticator: called as ``authenticator(credentials, connection)`` to log a
        connection in, or None (then a connection with credentials raises
        :exc:`~pymongo.errors.ConfigurationError`).
    :param on_error: called as ``on_error(address, exc, generation=..., ...)`` when an
        operation sees a network or "not primary" error, so the topology can decide
        what to reset; None (the default) resets this pool on network errors.
    """

    def __init__(self, address: Tuple[str, Optional[int]], options: PoolOptions = DEFAULT_POOL_OPTIONS,
                 publisher: Any = None,
                 authenticator: Optional[Callable[[Any, Connection], None]] = None,
                 on_error: Optional[Callable[..., None]] = None) -> None:
        self.address = address
        self.opts = options
        self.publisher = publisher
        self.authenticator = authenticator
        self.on_error = on_error
        self.generation = 0
        self.sockets: Deque[Connection] = collections.deque()
        self.active_sockets = 0
        self.peak_sockets = 0
        self.closed = False
        self._lock = threading.Lock()
        # Threads waiting for a connection, first come first served: each waits on its own
        # condition and only the head of the queue may take a freed connection, so a thread
        # that just returned one cannot take it straight back ahead of the waiters.
        self._queue: Deque[threading.Condition] = collections.deque()
        self._waiters = 0
        self._pending = 0  # sockets being opened, counted against max_pool_size
        # Per-pool cache for auth mechanisms (e.g. SCRAM salted passwords), keyed by them.
        self.auth_cache: Dict[Any, Any] = {}
        # The pool's connections are numbered from 1 (CMAP's connection ids).
        self._connection_ids = itertools.count(1)
        self._cmap = publisher if getattr(publisher, "enabled_for_cmap", False) else None
        self._announced = False  # PoolCreatedEvent published (by open())

    def __repr__(self) -> str:
        return (f"Pool({format_address(self.address)}, active={self.active_sockets}, "
                f"idle={len(self.sockets)})")

    def open(self) -> None:
        """Start using the pool: publish its ``PoolCreatedEvent`` (once).  A topology
        builds the pools of a closed client again without opening them, so a closed
        client publishes no pool of its own until it is used again."""
        if self._cmap is None:
            return
        with self._lock:
            if self._announced:
                return
            self._announced = True
        self._cmap.publish_pool_created(self.address, self.opts.non_default_options)

    # ------------------------------------------------------------ connecting

    def connect(self) -> Connection:
        """Open a new connection and run the handshake on it (not counted by the pool, and
        publishing no pool event: a server monitor's own connection is opened this way)."""
        opts = self.opts
        sock = create_socket(self.address, opts.connect_timeout, opts.socket_keepalive,
                             opts.ssl_context, opts.ssl_match_hostname)
        try:
            sock.settimeout(opts.connect_timeout)
            # With a declared API version the handshake is an OP_MSG hello carrying it (the
            # versioned API spec); otherwise the legacy isMaster every server answers.
            name = "hello" if opts.server_api is not None else "isMaster"
            hello = SON([(name, 1), ("helloOk", True),
                         ("client", client_metadata(opts.appname, opts.driver))])
            if opts.compressors:
                hello["compression"] = list(opts.compressors)
            for key, value in opts.handshake_fields:
                hello[key] = value
            sock_info = opts.connection_class(sock, self, None, self.address)
            if opts.server_api is not None:
                opts.server_api.add_to(hello)
                hello["$db"] = "admin"
                rid, data, _ = message.op_msg(hello)
            else:
                rid, data, _ = message.op_query(0, "admin.$cmd", 0, -1, hello, None,
                                                DEFAULT_CODEC_OPTIONS)
            reply = sock_info._round_trip(rid, data, 0, DEFAULT_CODEC_OPTIONS)
            if not reply.get("ok"):
                raise OperationFailure(str(reply.get("errmsg", "handshake failed")),
                                       reply.get("code"), reply)
            sock_info._set_ismaster(reply)
            sock_info.compressor = agreed(opts.compressors, reply, opts.zlib_compression_level)
            sock.settimeout(opts.socket_timeout)
            return sock_info
        except BaseException:
            sock.close()
            raise

    def _create_connection(self) -> Connection:
        """:meth:`connect` for the pool's own use: numbered in the pool, and published."""
        conn_id = next(self._connection_ids)
        cmap = self._cmap
        if cmap is None:
            sock_info = self.connect()
            sock_info.id = conn_id
            return sock_info
        cmap.publish_connection_created(self.address, conn_id)
        try:
            sock_info = self.connect()
        except BaseException:
            cmap.publish_connection_closed(self.address, conn_id, CLOSED_ERROR)
            raise
        sock_info.id = conn_id
        cmap.publish_connection_ready(self.address, conn_id)
        return sock_info

    def _publish_closed(self, closed: Closed) -> None:
        cmap = self._cmap
        if cmap is not None:
            for conn_id, reason in closed:
                cmap.publish_connection_closed(self.address, conn_id, reason)

    # ------------------------------------------------------------ check out / in

    def get_socket(self, all_credentials: Optional[Mapping[str, Any]] = None
                   ) -> ContextManager[Connection]:
        """A connection for a ``with`` block, authenticated, returned on every path.

        :param all_credentials: a mapping of source database to credentials the
            connection must be logged in with (others are logged out); None (the
            default) changes nothing when the connection has no logins.
        :raises ~pymongo.errors.AutoReconnect: when the pool is closed or a connection
            cannot be opened.
        :raises ~pymongo.errors.ConnectionFailure: when ``wait_queue_timeout`` passes
            with every connection in use.
        :raises ~pymongo.errors.ExceededMaxWaiters: when too many threads wait already.

        A connection whose operation failed part-way (anything but a complete error
        reply) is closed, not reused.
        """
        return _Lease(self, all_credentials)

    def checkout(self, all_credentials: Optional[Mapping[str, Any]] = None) -> Connection:
        """A connection for one operation, authenticated (see :meth:`get_socket`); the
        caller gives it back with :meth:`checkin` on every path.

        :param all_credentials: as for :meth:`get_socket`.
        """
        sock_info = self._check_out()
        if all_credentials or sock_info.authset:
            try:
                sock_info.check_auth(all_credentials or {})
            except BaseException as exc:
                self.checkin(sock_info, exc)
                raise
        return sock_info

    def checkin(self, sock_info: Connection, exc: Optional[BaseException]) -> None:
        """Give back a connection from :meth:`checkout`.

        :param sock_info: the connection.
        :param exc: what the operation raised, or None; a connection that may hold half
            a reply (anything but a complete error reply) is closed, not reused.
        """
        if exc is None or isinstance(exc, (OperationFailure, NotMasterError)):
            # A complete reply was read: the connection is still in a clean state (and
            # the command already reported a "not master" reply to the topology).
            self.return_socket(sock_info)
            return
        # Anything else may have left a half-read reply: never reuse the connection.
        sock_info.close()
        self.return_socket(sock_info)
        if isinstance(exc, (AutoReconnect, ProtocolError)):
            self.report_error(exc, sock_info)

    def report_error(self, exc: BaseException, sock_info: Optional[Connection] = None) -> None:
        """Tell the topology what an operation saw; it decides (SDAM rules) what to reset.

        :param exc: the exception the operation raised.
        :param sock_info: the connection it used, or None when the failure came while
            opening one (its handshake not complete).

        Without a topology (a bare pool) a network error resets the pool here.
        """
        if self.on_error is None:
            if isinstance(exc, (AutoReconnect, ProtocolError)):
                self.reset()
            return
        if sock_info is None:
            self.on_error(self.address, exc, generation=self.generation,
                          completed_handshake=False)
        else:
            self.on_error(self.address, exc, generation=sock_info.generation,
                          max_wire_version=sock_info.max_wire_version)

    def on_not_master(self, exc: BaseException, sock_info: Optional[Connection] = None) -> None:
        """A command said "not master" / "node is recovering": report it.

        :param exc: the :exc:`~pymongo.errors.NotMasterError` raised.
        :param sock_info: the connection that saw it, or None.  See
            :meth:`report_error`.
        """
        self.report_error(exc, sock_info)

    def _check_out(self) -> Connection:
        cmap = self._cmap
        if cmap is None:
            return self._take([], [])
        if not self._announced:
            self.open()
        cmap.publish_connection_check_out_started(self.address)
        closed: Closed = []
        failure: List[str] = []
        try:
            sock_info = self._take(closed, failure)
        except BaseException:
            self._publish_closed(closed)
            cmap.publish_connection_check_out_failed(
                self.address, failure[0] if failure else CHECK_OUT_CONN_ERROR)
            raise
        self._publish_closed(closed)
        cmap.publish_connection_checked_out(self.address, sock_info.id)
        return sock_info

    def _take(self, closed: Closed, failure: List[str]) -> Connection:
        """A connection for one operation: an idle one, a new one, or one freed while
        waiting.  Stale idle ones it closes go into ``closed``; the reason it failed, when
        known before raising, into ``failure``."""
        opts = self.opts
        with self._lock:
            if self.closed:
                failure.append(CHECK_OUT_POOL_CLOSED)
                raise AutoReconnect(f"{format_address(self.address)}: the pool is closed")
            if self._queue or self.active_sockets + self._pending >= opts.max_pool_size:
                max_waiters = opts.max_waiters
                if max_waiters is not None and self._waiters >= max_waiters:
                    failure.append(CHECK_OUT_TIMEOUT)
                    raise ExceededMaxWaiters(
                        f"exceeded maximum number of waiters ({max_waiters}) for a connection "
                        f"to {format_address(self.address)}")
                # The wait (not the brief wait for the lock) is what the timeout bounds.
                deadline = None if opts.wait_queue_timeout is None else \
                    time.monotonic() + opts.wait_queue_timeout
                self._wait_turn(deadline, failure)
            while self.sockets:
                sock_info = self.sockets.popleft()
                reason = self._stale_reason(sock_info)
                if reason is not None:
                    sock_info.close()
                    closed.append((sock_info.id, reason))
                    continue
                # Idle to active: the total open, hence the peak, stays as it was.
                self.active_sockets += 1
                return sock_info
            self._pending += 1
        if closed:  # the stale idle ones closed above go before the new one is created
            self._publish_closed(closed)
            closed.clear()
        try:
            sock_info = self._create_connection()
        except BaseException as exc:
            with self._lock:
                self._pending -= 1
                self._wake_next()
            if isinstance(exc, (AutoReconnect, ProtocolError)):
                self.report_error(exc)
            raise
        with self._lock:
            self._pending -= 1
            self.active_sockets += 1
            self._note_peak()
        return sock_info

    def _wait_turn(self, deadline: Optional[float], failure: List[str]) -> None:
        """Queue (holding the lock) until first in line with a connection free to take."""
        opts = self.opts
        turn = threading.Condition(self._lock)
        self._queue.append(turn)
        self._waiters += 1
        try:
            while self._queue[0] is not turn or \
                    self.active_sockets + self._pending >= opts.max_pool_size:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    failure.append(CHECK_OUT_TIMEOUT)
                    raise ConnectionFailure(
                        f"timed out after {opts.wait_queue_timeout}s waiting for a "
                        f"connection from the pool to {format_address(self.address)} "
                        f"(maxPoolSize={opts.max_pool_size}, all in use)")
                turn.wait(remaining)
                if self.closed:
                    failure.append(CHECK_OUT_POOL_CLOSED)
                    raise AutoReconnect(f"{format_address(self.address)}: the pool is closed")
        finally:
            self._waiters -= 1
            self._queue.remove(turn)
            # Pass the turn on: the next in line may find a connection free too (or the
            # one this thread gave up by timing out).
            self._wake_next()

    def _wake_next(self) -> None:
        """Tell the first waiting thread (if any) to look again (the lock is held)."""
        if self._queue:
            self._queue[0].notify()

    def _note_peak(self) -> None:
        total = self.active_sockets + len(self.sockets)
        if total > self.peak_sockets:
            self.peak_sockets = total

    def _stale_reason(self, sock_info: Connection) -> Optional[str]:
        """Why an idle socket must not be reused (a CMAP closed reason), or None."""
        if sock_info.generation != self.generation:
            return CLOSED_STALE
        if sock_info.closed:
            return CLOSED_ERROR
        idle = sock_info.idle_time_seconds()
        max_idle = self.opts.max_idle_time_seconds
        if max_idle is not None and idle > max_idle:
            return CLOSED_IDLE
        # A socket idle for a while may have been closed by the server; a cheap poll says.
        if idle > 1.0 and _socket_closed(sock_info.sock):
            return CLOSED_ERROR
        return None

    def return_socket(self, sock_info: Connection) -> None:
        """Give ``sock_info`` (a connection from this pool) back; a closed or
        outdated one is closed and dropped instead of pooled."""
        with self._lock:
            self.active_sockets -= 1
            if self.closed:
                reason: Optional[str] = CLOSED_POOL_CLOSED
            elif sock_info.closed:
                reason = CLOSED_ERROR
            elif sock_info.generation != self.generation:
                reason = CLOSED_STALE
            else:
                reason = None
            if reason is None:
                sock_info.last_checkin = time.monotonic()
                self.sockets.appendleft(sock_info)  # LIFO keeps a hot set of sockets
            else:
                sock_info.close()
            self._wake_next()
        cmap = self._cmap
        if cmap is not None:
            cmap.publish_connection_checked_in(self.address, sock_info.id)
            if reason is not None:
                cmap.publish_connection_closed(self.address, sock_info.id, reason)

    # ------------------------------------------------------------ maintenance

    def reset(self) -> None:
        """Close every idle socket and mark the ones checked out as outdated."""
        if self._cmap is not None:
            self._cmap.publish_pool_cleared(self.address)
        self._publish_closed(self._clear(CLOSED_STALE))

    def _clear(self, reason: str) -> Closed:
        with self._lock:
            self.generation += 1
            stale = list(self.sockets)
            self.sockets.clear()
            for turn in self._queue:
                turn.notify()
        for sock_info in stale:
            sock_info.close()
        return [(sock_info.id, reason) for sock_info in stale]

    def remove_stale_sockets(self) -> None:
        """Drop idle sockets past maxIdleTimeMS and open up to minPoolSize (monitor thread)."""
        closed: Closed = []
        with self._lock:
            keep: Deque[Connection] = collections.deque()
            for sock_info in self.sockets:
                reason = self._stale_reason(sock_info)
                if reason is None:
                    keep.append(sock_info)
                else:
                    closed.append((sock_info.id, reason))
                    sock_info.close()
            self.sockets = keep
        self._publish_closed(closed)
        while True:
            with self._lock:
                total = len(self.sockets) + self.active_sockets + self._pending
                if self.closed or total >= self.opts.min_pool_size:
                    return
                self._pending += 1
            try:
                sock_info = self._create_connection()
            except Exception:  # noqa: BLE001 - the monitor will try again next round
                with self._lock:
                    self._pending -= 1
                return
            with self._lock:
                self._pending -= 1
                self.sockets.append(sock_info)
                self._note_peak()
                self._wake_next()

    def close(self) -> None:
        """Close every socket; later check-outs raise ``AutoReconnect``."""
        with self._lock:
            already = self.closed
            self.closed = True
        closed = self._clear(CLOSED_POOL_CLOSED)
        if self._cmap is not None and self._announced and not already:
            self._publish_closed(closed)
            self._cmap.publish_pool_closed(self.address)

    def stats(self) -> Dict[str, int]:
        """Counts for monitoring: ``active`` (checked out), ``idle`` (pooled), ``peak``
        (the most open at once) and ``generation`` (how many resets)."""
        with self._lock:
            return {"active": self.active_sockets, "idle": len(self.sockets),
                    "peak": self.peak_sockets, "generation": self.generation}


class _Lease:
    """``Pool.get_socket``'s context manager (a class: cheaper than a generator's)."""

    __slots__ = ("pool", "credentials", "sock_info")

    def __init__(self, pool: Pool, credentials: Optional[Mapping[str, Any]]) -> None:
        self.pool = pool
        self.credentials = credentials

    def __enter__(self) -> Connection:
        sock_info = self.sock_info = self.pool.checkout(self.credentials)
        return sock_info

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None and exc is None:
            exc = exc_type()  # pragma: no cover - with always passes the instance
        self.pool.checkin(self.sock_info, exc)
