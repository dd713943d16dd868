"""The connection pool events (3.9's CMAP events) against the real server: what a
``ConnectionPoolListener`` sees for check-outs, reuse, clearing, timeouts, idle connections
and closing, and that a server monitor's own connection publishes nothing."""
from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any, List, Tuple

import pytest

from mongofw.core.pool import Pool, PoolOptions
from mongofw.errors import AutoReconnect, ConnectionFailure
from mongofw.monitoring.publisher import EventPublisher
from pymongo import MongoClient, monitoring
from pymongo.event_loggers import ConnectionPoolLogger


class PoolLog(monitoring.ConnectionPoolListener):
    """Every pool event, in order, as (handler name, event)."""

    def __init__(self) -> None:
        self.events: List[Tuple[str, Any]] = []
        self._lock = threading.Lock()

    def _record(self, name: str, event: Any) -> None:
        with self._lock:
            self.events.append((name, event))

    def names(self) -> List[str]:
        with self._lock:
            return [name for name, _ in self.events]

    def clear(self) -> None:
        with self._lock:
            self.events.clear()

    def pool_created(self, event: Any) -> None:
        self._record("pool_created", event)

    def pool_cleared(self, event: Any) -> None:
        self._record("pool_cleared", event)

    def pool_closed(self, event: Any) -> None:
        self._record("pool_closed", event)

    def connection_created(self, event: Any) -> None:
        self._record("connection_created", event)

    def connection_ready(self, event: Any) -> None:
        self._record("connection_ready", event)

    def connection_closed(self, event: Any) -> None:
        self._record("connection_closed", event)

    def connection_check_out_started(self, event: Any) -> None:
        self._record("connection_check_out_started", event)

    def connection_check_out_failed(self, event: Any) -> None:
        self._record("connection_check_out_failed", event)

    def connection_checked_out(self, event: Any) -> None:
        self._record("connection_checked_out", event)

    def connection_checked_in(self, event: Any) -> None:
        self._record("connection_checked_in", event)


def _pool(client: MongoClient) -> Pool:
    [server] = client._topology.select_servers(lambda s: s)
    return server.pool


def test_one_command_creates_checks_out_and_checks_in_connection_1(server_uri):
    log = PoolLog()
    client = MongoClient(server_uri, event_listeners=[log], maxPoolSize=7)
    try:
        client.admin.command("ping")
        address = _pool(client).address
        assert log.names() == ["pool_created", "connection_check_out_started",
                               "connection_created", "connection_ready",
                               "connection_checked_out", "connection_checked_in"]
        created = log.events[0][1]
        assert isinstance(created, monitoring.PoolCreatedEvent)
        assert (created.address, created.options) == (address, {"maxPoolSize": 7})
        ids = {getattr(event, "connection_id", 1) for _, event in log.events}
        assert ids == {1}
        assert {event.address for _, event in log.events} == {address}

        log.clear()
        client.admin.command("ping")  # the idle connection is reused: nothing is created
        assert log.names() == ["connection_check_out_started", "connection_checked_out",
                               "connection_checked_in"]
        assert log.events[1][1].connection_id == 1
    finally:
        client.close()


def test_closing_the_client_closes_idle_connections_then_the_pool(server_uri):
    """And the pools a closed client builds again (for its reuse) publish nothing until
    they are used."""
    log = PoolLog()
    client = MongoClient(server_uri, event_listeners=[log])
    client.admin.command("ping")
    log.clear()
    client.close()  # ends the client's sessions first (one more check-out of connection 1)
    assert "connection_created" not in log.names()
    assert log.names()[-2:] == ["connection_closed", "pool_closed"]
    closed = log.events[-2][1]
    assert (closed.connection_id, closed.reason) == (
        1, monitoring.ConnectionClosedReason.POOL_CLOSED)
    time.sleep(0.2)
    assert log.names()[-1] == "pool_closed"
    log.clear()
    client.admin.command("ping")  # reused after close: a new pool, announced when opened
    assert log.names()[:3] == ["pool_created", "connection_check_out_started",
                               "connection_created"]
    client.close()


def test_a_cleared_pool_closes_its_connections_as_stale(server_uri):
    log = PoolLog()
    client = MongoClient(server_uri, event_listeners=[log])
    try:
        client.admin.command("ping")
        pool = _pool(client)
        log.clear()
        with pool.get_socket():  # connection 1 is out while the pool is cleared
            pool.reset()
        assert log.names() == ["connection_check_out_started", "connection_checked_out",
                               "pool_cleared", "connection_checked_in", "connection_closed"]
        assert log.events[-1][1].reason == monitoring.ConnectionClosedReason.STALE
        log.clear()
        client.admin.command("ping")
        assert "connection_created" in log.names()
        assert log.events[log.names().index("connection_created")][1].connection_id == 2
    finally:
        client.close()


def test_a_full_pool_fails_the_check_out_with_timeout(server_uri):
    log = PoolLog()
    client = MongoClient(server_uri, event_listeners=[log], maxPoolSize=1,
                         waitQueueTimeoutMS=50)
    try:
        client.admin.command("ping")
        pool = _pool(client)
        log.clear()
        with pool.get_socket():
            with pytest.raises(ConnectionFailure, match="timed out"):
                with pool.get_socket():
                    pass  # pragma: no cover - the check-out above fails
        failed = [event for name, event in log.events if name == "connection_check_out_failed"]
        assert [event.reason for event in failed] == [
            monitoring.ConnectionCheckOutFailedReason.TIMEOUT]
    finally:
        client.close()


def test_idle_connections_past_max_idle_time_close_as_idle(server_uri):
    log = PoolLog()
    client = MongoClient(server_uri, event_listeners=[log], maxIdleTimeMS=10)
    try:
        client.admin.command("ping")
        time.sleep(0.05)
        log.clear()
        client.admin.command("ping")
        closed = [event for name, event in log.events if name == "connection_closed"]
        assert [(e.connection_id, e.reason) for e in closed] == [
            (1, monitoring.ConnectionClosedReason.IDLE)]
        assert log.names() == ["connection_check_out_started", "connection_closed",
                               "connection_created", "connection_ready",
                               "connection_checked_out", "connection_checked_in"]
    finally:
        client.close()


def test_the_monitors_connection_publishes_no_pool_event(server_uri):
    log = PoolLog()
    client = MongoClient(server_uri, event_listeners=[log], heartbeatFrequencyMS=500)
    try:
        client.admin.command("ping")
        time.sleep(1.2)  # at least two heartbeats on the monitor's own connection
        created = [event for name, event in log.events if name == "connection_created"]
        assert [event.connection_id for event in created] == [1]
    finally:
        client.close()


def test_a_listener_may_use_the_client_from_a_handler(server_uri):
    """Events are published outside the pool's lock: a handler that uses the pool (here:
    its stats, which take the lock) does not deadlock."""
    seen: List[Any] = []

    class UsesPool(monitoring.ConnectionPoolListener):
        def connection_checked_in(self, event: Any) -> None:
            seen.append(_pool(client).stats()["active"])

    client = MongoClient(server_uri, event_listeners=[UsesPool()])
    try:
        done = threading.Event()
        threading.Thread(target=lambda: (client.admin.command("ping"), done.set()),
                         daemon=True).start()
        assert done.wait(10), "a handler that takes the pool's lock deadlocked"
        assert seen == [0]
    finally:
        client.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_connection_that_cannot_open_fails_the_check_out_with_connection_error():
    log = PoolLog()
    pool = Pool(("127.0.0.1", _closed_port()), PoolOptions(connect_timeout=2.0),
                EventPublisher([log]))
    with pytest.raises(AutoReconnect):
        with pool.get_socket():
            pass  # pragma: no cover - the check-out fails
    # Without a topology a network error while connecting clears the pool itself.
    assert log.names() == ["pool_created", "connection_check_out_started",
                           "connection_created", "connection_closed", "pool_cleared",
                           "connection_check_out_failed"]
    assert log.events[3][1].reason == monitoring.ConnectionClosedReason.ERROR
    assert log.events[5][1].reason == monitoring.ConnectionCheckOutFailedReason.CONN_ERROR
    pool.close()
    assert log.names()[-1] == "pool_closed"
    with pytest.raises(AutoReconnect, match="closed"):
        with pool.get_socket():
            pass  # pragma: no cover - the pool is closed
    assert log.events[-1][1].reason == monitoring.ConnectionCheckOutFailedReason.POOL_CLOSED


def test_the_connection_pool_logger_logs_each_event(server_uri, caplog):
    with caplog.at_level(logging.INFO, logger="mongofw.event_loggers"):
        client = MongoClient(server_uri, event_listeners=[ConnectionPoolLogger()])
        client.admin.command("ping")
        client.close()
    text = caplog.text
    for phrase in ("pool created", "connection created", "connection ready",
                   "connection checked out", "connection checked into pool",
                   "connection closed, reason: poolClosed", "pool closed"):
        assert phrase in text, phrase
