"""The pool's wait queue is first come, first served, and times out only when full."""
from __future__ import annotations

import threading
import time

import pytest

from mongofw.core.pool import Pool, PoolOptions
from mongofw.errors import ConnectionFailure


class _FakeConnection:
    def __init__(self) -> None:
        self.closed = False
        self.generation = 0
        self.authset: set = set()
        self.last_checkin = time.monotonic()

    def idle_time_seconds(self) -> float:
        return 0.0

    def close(self) -> None:
        self.closed = True


def _pool(**options) -> Pool:
    pool = Pool(("localhost", 27017), PoolOptions(**options))
    pool.connect = _FakeConnection  # type: ignore[method-assign]
    return pool


def _wait_for(predicate, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


def test_a_returning_thread_cannot_take_the_connection_back_ahead_of_a_waiter():
    pool = _pool(max_pool_size=1)
    held = pool._check_out()
    order = []

    def waiter() -> None:
        sock = pool._check_out()
        order.append("waiter")
        time.sleep(0.05)
        pool.return_socket(sock)

    thread = threading.Thread(target=waiter)
    thread.start()
    _wait_for(lambda: pool._waiters == 1)
    pool.return_socket(held)
    again = pool._check_out()  # queues behind the waiter
    order.append("returner")
    pool.return_socket(again)
    thread.join(5)
    assert order == ["waiter", "returner"]


def test_waiters_are_served_in_arrival_order():
    pool = _pool(max_pool_size=1)
    held = pool._check_out()
    order = []

    def waiter(name: str) -> None:
        sock = pool._check_out()
        order.append(name)
        pool.return_socket(sock)

    threads = []
    for i in range(5):
        thread = threading.Thread(target=waiter, args=(i,))
        thread.start()
        threads.append(thread)
        _wait_for(lambda n=i: pool._waiters == n + 1)
    pool.return_socket(held)
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]
    assert pool._waiters == 0 and not pool._queue


def test_a_timed_out_waiter_leaves_the_queue_and_passes_its_turn_on():
    pool = _pool(max_pool_size=1, wait_queue_timeout=0.1)
    held = pool._check_out()
    with pytest.raises(ConnectionFailure, match="waiting for a connection"):
        pool._check_out()
    assert not pool._queue
    pool.return_socket(held)
    pool.return_socket(pool._check_out())  # free again: no wait, no timeout
