"""A lease given back after an error returns its connection exactly once."""
from __future__ import annotations

import time

import pytest

from mongofw.core.pool import Pool, PoolOptions
from mongofw.errors import AutoReconnect, DocumentTooLarge, OperationFailure


class _FakeConnection:
    _ids = 0

    def __init__(self) -> None:
        _FakeConnection._ids += 1
        self.id = _FakeConnection._ids
        self.closed = False
        self.generation = 0
        self.authset: set = set()
        self.last_checkin = time.monotonic()
        self.max_wire_version = 17

    def idle_time_seconds(self) -> float:
        return 0.0

    def close(self) -> None:
        self.closed = True


def _pool() -> Pool:
    pool = Pool(("localhost", 27017), PoolOptions(max_pool_size=2))
    pool.connect = _FakeConnection  # type: ignore[method-assign]
    return pool


@pytest.mark.parametrize("error", [DocumentTooLarge("too big"), ValueError("bad input"),
                                   KeyboardInterrupt()])
def test_a_lease_ended_by_a_client_side_error_closes_its_connection_once(error):
    pool = _pool()
    with pytest.raises(type(error)):
        with pool.get_socket() as sock_info:
            raise error
    assert sock_info.closed
    stats = pool.stats()
    assert stats["active"] == 0
    assert stats["idle"] == 0


def test_a_lease_ended_by_a_server_error_reply_keeps_its_connection():
    pool = _pool()
    with pytest.raises(OperationFailure):
        with pool.get_socket() as sock_info:
            raise OperationFailure("no such command", 59)
    assert not sock_info.closed
    assert pool.stats()["active"] == 0
    assert pool.stats()["idle"] == 1


def test_a_lease_ended_by_a_network_error_resets_a_bare_pool_once():
    pool = _pool()
    generation = pool.generation
    with pytest.raises(AutoReconnect):
        with pool.get_socket() as sock_info:
            raise AutoReconnect("connection reset")
    assert sock_info.closed
    assert pool.stats()["active"] == 0
    assert pool.generation == generation + 1


def test_checked_in_is_published_once_after_a_client_side_error():
    events = []

    class _Cmap:
        def __getattr__(self, name):
            return lambda *args: events.append(name)

    pool = _pool()
    pool._cmap = _Cmap()
    with pytest.raises(DocumentTooLarge):
        with pool.get_socket():
            raise DocumentTooLarge("too big")
    assert events.count("publish_connection_checked_in") == 1
    assert events.count("publish_connection_closed") == 1
