"""The server session pool: reuse most recent first, drop what the server may have timed out."""
from __future__ import annotations

import pytest

from mongofw.core.dispatch import server_sessions
from mongofw.core.dispatch.server_sessions import ServerSession, ServerSessionPool


class Clock:
    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(server_sessions.time, "monotonic", clock)
    return clock


def test_an_empty_pool_makes_a_new_session_with_a_standard_uuid(clock):
    session = ServerSessionPool().get(30)
    assert session.session_id["id"].subtype == 4 and len(session.session_id["id"]) == 16
    assert (session.transaction_id, session.dirty, session.last_use) == (0, False, clock.now)


def test_sessions_are_reused_most_recently_returned_first(clock):
    pool = ServerSessionPool()
    first, second = pool.get(30), pool.get(30)
    assert first.session_id != second.session_id
    pool.put(first, 30)
    clock.now += 1
    pool.put(second, 30)
    assert pool.get(30) is second and pool.get(30) is first and len(pool) == 0


def test_a_session_the_server_may_drop_within_a_minute_is_not_handed_out(clock):
    pool = ServerSessionPool()
    session = pool.get(30)
    pool.put(session, 30)
    clock.now += 29 * 60 - 1  # a minute and a second left: still fresh
    assert pool.get(30) is session
    pool.put(session, 30)
    clock.now += 29 * 60 + 1  # less than a minute left
    assert pool.get(30) is not session and len(pool) == 0


def test_returning_a_session_prunes_stale_ones_and_refuses_dirty_ones(clock):
    pool = ServerSessionPool()
    old, fresh, dirty = pool.get(30), pool.get(30), pool.get(30)
    pool.put(old, 30)
    clock.now += 29 * 60 + 1
    pool.put(fresh, 30)  # the old one, at the back, is dropped on the way
    assert len(pool) == 1
    dirty.dirty = True
    pool.put(dirty, 30)
    assert len(pool) == 1 and pool.get(30) is fresh


def test_an_unknown_timeout_keeps_every_session(clock):
    pool = ServerSessionPool()
    session = pool.get(None)
    pool.put(session, None)
    clock.now += 10 * 24 * 3600
    assert pool.get(None) is session
    assert not session.timed_out(None)


def test_timed_out_and_drain(clock):
    pool = ServerSessionPool()
    one, two = pool.get(30), pool.get(30)
    pool.put(one, 30)
    pool.put(two, 30)
    clock.now += 29 * 60 + 1
    assert one.timed_out(30) and two.timed_out(30) and not one.timed_out(None)
    assert pool.drain() == [two.session_id, one.session_id] and len(pool) == 0


def test_next_transaction_id_counts_up_from_one():
    session = ServerSession()
    assert [session.next_transaction_id() for _ in range(3)] == [1, 2, 3]
    assert session.transaction_id == 3
