"""One monitor thread per server: heartbeats, round-trip times, pool upkeep."""
from __future__ import annotations

import threading
import time
import weakref
from typing import Any, Callable, Optional

from bson.codec_options import DEFAULT_CODEC_OPTIONS
from bson.son import SON
from mongofw.core.topology.rtt import MovingAverage
from mongofw.core.topology.server_description import ServerDescription
from mongofw.core.wire import message
from mongofw.core.wire.connection import Connection
from mongofw.core.wire.network import format_address

# The spec's minHeartbeatFrequencyMS: never check one server more often than this.
MIN_HEARTBEAT_INTERVAL = 0.5


class Monitor:
    """Checks one server every ``heartbeat_frequency`` seconds, or at once when asked.

    Results go to ``on_description(ServerDescription)``; the thread is named after the
    server, stops on :meth:`close` and is joined there.
    """

    def __init__(self, address: Any, pool: Any, heartbeat_frequency: float,
                 on_description: Callable[[ServerDescription], None],
                 publisher: Any = None) -> None:
        self.address = address
        self._pool = pool
        self._frequency = heartbeat_frequency
        # A weak reference: a dropped client must not be kept alive by its monitors.
        self._on_description = _weak_callback(on_description)
        self._publisher = publisher
        self._rtt = MovingAverage()
        self._sock: Optional[Connection] = None
        self._hello_ok = False
        self._wake = threading.Condition(threading.Lock())
        self._check_requested = False
        self._stopped = False
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"mongofw-monitor-{format_address(address)}")
        self._last_description: Optional[ServerDescription] = None

    def open(self) -> None:
        if not self._thread.is_alive() and not self._stopped:
            self._thread.start()

    def request_check(self) -> None:
        """Wake the thread for an immediate check (after an error, or for selection)."""
        with self._wake:
            self._check_requested = True
            self._wake.notify()

    def close(self, join_timeout: float = 5.0) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(join_timeout)
        self._close_socket()

    def _close_socket(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    # ------------------------------------------------------------ the loop

    def _run(self) -> None:
        while not self._stopped:
            description = self.check()
            callback = self._on_description()
            if callback is None or self._stopped:
                break
            if description.error is not None:
                # A failed heartbeat: the spec clears the pool (its sockets are suspect).
                self._pool.reset()
            callback(description)
            try:
                self._pool.remove_stale_sockets()
            except Exception:  # noqa: BLE001 - pool upkeep must never kill the monitor
                pass
            self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + self._frequency
        earliest = time.monotonic() + MIN_HEARTBEAT_INTERVAL
        with self._wake:
            while not self._stopped:
                now = time.monotonic()
                if self._check_requested and now >= earliest:
                    break
                if now >= deadline:
                    break
                wait_until = earliest if self._check_requested else deadline
                self._wake.wait(max(0.0, wait_until - now))
            self._check_requested = False

    def check(self) -> ServerDescription:
        """One heartbeat, retried once after a network error on a server we knew."""
        try:
            return self._check_once()
        except Exception as exc:  # noqa: BLE001
            error: BaseException = exc
        self._close_socket()
        previous = self._last_description
        if previous is not None and previous.is_server_type_known and not self._stopped:
            try:
                return self._check_once()
            except Exception as exc:  # noqa: BLE001
                error = exc
                self._close_socket()
        self._rtt.reset()
        self._last_description = ServerDescription(self.address, error=error)
        return self._last_description

    def _check_once(self) -> ServerDescription:
        publisher = self._publisher
        if publisher is not None and publisher.enabled_for_server_heartbeat:
            publisher.publish_server_heartbeat_started(self.address)
        start = time.perf_counter()
        try:
            if self._sock is None:
                self._sock = self._pool.connect()
                reply = self._sock.ismaster
                self._hello_ok = bool(reply.get("helloOk"))
            else:
                reply = self._heartbeat(self._sock)
        except Exception as exc:
            if publisher is not None and publisher.enabled_for_server_heartbeat:
                publisher.publish_server_heartbeat_failed(
                    time.perf_counter() - start, exc, self.address)
            raise
        elapsed = time.perf_counter() - start
        self._rtt.add_sample(elapsed)
        if publisher is not None and publisher.enabled_for_server_heartbeat:
            publisher.publish_server_heartbeat_succeeded(elapsed, reply, self.address)
        self._last_description = ServerDescription(self.address, reply, self._rtt.get())
        return self._last_description

    def _heartbeat(self, sock: Connection) -> Any:
        name = "hello" if self._hello_ok else "isMaster"
        server_api = getattr(self._pool.opts, "server_api", None)
        if server_api is not None:
            command = SON([("hello", 1), ("$db", "admin")])
            server_api.add_to(command)
            rid, data, _ = message.op_msg(command)
        elif sock.op_msg:
            rid, data, _ = message.op_msg(SON([(name, 1), ("$db", "admin")]))
        else:
            rid, data, _ = message.op_query(0, "admin.$cmd", 0, -1, {name: 1}, None,
                                            DEFAULT_CODEC_OPTIONS)
        reply = sock._round_trip(rid, data, 0, DEFAULT_CODEC_OPTIONS)
        sock._set_ismaster(reply)
        return reply


def _weak_callback(callback: Callable) -> Callable[[], Optional[Callable]]:
    if hasattr(callback, "__self__"):
        return weakref.WeakMethod(callback)
    return lambda: callback
