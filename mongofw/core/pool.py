"""A thread-safe pool of connections to one server."""
from __future__ import annotations

import collections
import select
import threading
import time
from typing import Any, Callable, ContextManager, Deque, Dict, Mapping, Optional, Tuple

import attrs

from bson.codec_options import DEFAULT_CODEC_OPTIONS
from bson.son import SON
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


@attrs.frozen
class PoolOptions:
    """Connection pool settings, validated by the client options layer."""

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
        if self.wait_queue_multiple is None:
            return None
        return self.max_pool_size * self.wait_queue_multiple


DEFAULT_POOL_OPTIONS = PoolOptions()


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

    def __repr__(self) -> str:
        return (f"Pool({format_address(self.address)}, active={self.active_sockets}, "
                f"idle={len(self.sockets)})")

    # ------------------------------------------------------------ connecting

    def connect(self) -> Connection:
        """Open a new connection and run the handshake on it (not counted by the pool)."""
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

    # ------------------------------------------------------------ check out / in

    def get_socket(self, all_credentials: Optional[Mapping[str, Any]] = None
                   ) -> ContextManager[Connection]:
        """A connection for the ``with`` block, authenticated, returned on every path."""
        return _Lease(self, all_credentials)

    def _end_lease(self, sock_info: Connection, exc: Optional[BaseException]) -> None:
        """Give back a connection leased by ``get_socket``, after ``exc`` if one was raised."""
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
        """A command said "not master" / "node is recovering"."""
        self.report_error(exc, sock_info)

    def _check_out(self) -> Connection:
        opts = self.opts
        deadline = None if opts.wait_queue_timeout is None else \
            time.monotonic() + opts.wait_queue_timeout
        with self._lock:
            if self.closed:
                raise AutoReconnect(f"{format_address(self.address)}: the pool is closed")
            if self._queue or self.active_sockets + self._pending >= opts.max_pool_size:
                max_waiters = opts.max_waiters
                if max_waiters is not None and self._waiters >= max_waiters:
                    raise ExceededMaxWaiters(
                        f"exceeded maximum number of waiters ({max_waiters}) for a connection "
                        f"to {format_address(self.address)}")
                self._wait_turn(deadline)
            while self.sockets:
                sock_info = self.sockets.popleft()
                if self._is_stale(sock_info):
                    sock_info.close()
                    continue
                self.active_sockets += 1
                self._note_peak()
                return sock_info
            self._pending += 1
        try:
            sock_info = self.connect()
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

    def _wait_turn(self, deadline: Optional[float]) -> None:
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
                    raise ConnectionFailure(
                        f"timed out after {opts.wait_queue_timeout}s waiting for a "
                        f"connection from the pool to {format_address(self.address)} "
                        f"(maxPoolSize={opts.max_pool_size}, all in use)")
                turn.wait(remaining)
                if self.closed:
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

    def _is_stale(self, sock_info: Connection) -> bool:
        if sock_info.closed or sock_info.generation != self.generation:
            return True
        idle = sock_info.idle_time_seconds()
        max_idle = self.opts.max_idle_time_seconds
        if max_idle is not None and idle > max_idle:
            return True
        # A socket idle for a while may have been closed by the server; a cheap poll says.
        return idle > 1.0 and _socket_closed(sock_info.sock)

    def return_socket(self, sock_info: Connection) -> None:
        """Give a socket back; a closed or outdated one is dropped."""
        with self._lock:
            self.active_sockets -= 1
            if self.closed or sock_info.closed or sock_info.generation != self.generation:
                sock_info.close()
            else:
                sock_info.last_checkin = time.monotonic()
                self.sockets.appendleft(sock_info)  # LIFO keeps a hot set of sockets
            self._wake_next()

    # ------------------------------------------------------------ maintenance

    def reset(self) -> None:
        """Close every idle socket and mark the ones checked out as outdated."""
        with self._lock:
            self.generation += 1
            stale = list(self.sockets)
            self.sockets.clear()
            for turn in self._queue:
                turn.notify()
        for sock_info in stale:
            sock_info.close()

    def remove_stale_sockets(self) -> None:
        """Drop idle sockets past maxIdleTimeMS and open up to minPoolSize (monitor thread)."""
        with self._lock:
            keep: Deque[Connection] = collections.deque()
            stale = []
            for sock_info in self.sockets:
                (stale if self._is_stale(sock_info) else keep).append(sock_info)
            self.sockets = keep
        for sock_info in stale:
            sock_info.close()
        while True:
            with self._lock:
                total = len(self.sockets) + self.active_sockets + self._pending
                if self.closed or total >= self.opts.min_pool_size:
                    return
                self._pending += 1
            try:
                sock_info = self.connect()
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
            self.closed = True
        self.reset()

    def stats(self) -> Dict[str, int]:
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
        sock_info = self.sock_info = self.pool._check_out()
        if self.credentials or sock_info.authset:
            try:
                sock_info.check_auth(self.credentials or {})
            except BaseException as exc:
                self.pool._end_lease(sock_info, exc)
                raise
        return sock_info

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None and exc is None:
            exc = exc_type()  # pragma: no cover - with always passes the instance
        self.pool._end_lease(self.sock_info, exc)
