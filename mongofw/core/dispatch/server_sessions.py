"""Server sessions: the logical session ids commands carry, pooled and reused.

A server session is an ``lsid`` (a random UUID) plus the transaction number the next
retryable write or transaction uses.  Ids are reused most-recent first, as the sessions
specification asks, so a few ids serve a busy client; one that is about to time out on
the server (less than a minute left of ``logicalSessionTimeoutMinutes``) or that saw a
network error ("dirty": the server may hold a half-done operation for it) is dropped.
"""
from __future__ import annotations

import collections
import threading
import time
import uuid
from typing import Deque, List, Mapping, Optional

from bson.binary import Binary
from bson.son import SON

# Binary subtype 4: a standard UUID.
_UUID_SUBTYPE = 4


class ServerSession:
    """One logical session id and its transaction counter."""

    __slots__ = ("session_id", "last_use", "transaction_id", "dirty")

    def __init__(self) -> None:
        self.session_id: Mapping[str, Binary] = SON(
            [("id", Binary(uuid.uuid4().bytes, _UUID_SUBTYPE))])
        self.last_use = time.monotonic()
        self.transaction_id = 0
        self.dirty = False

    def timed_out(self, timeout_minutes: Optional[int]) -> bool:
        """Whether the server may drop it within a minute (unknown timeout: no)."""
        cutoff = _fresh_since(timeout_minutes)
        return cutoff is not None and self.last_use < cutoff

    def next_transaction_id(self) -> int:
        """The transaction number of the next retryable write or transaction."""
        self.transaction_id += 1
        return self.transaction_id

    def __repr__(self) -> str:
        return f"ServerSession({self.session_id['id'].hex()}, txn={self.transaction_id})"


def _fresh_since(timeout_minutes: Optional[int], now: Optional[float] = None
                 ) -> Optional[float]:
    """The oldest ``last_use`` of a session the server keeps for at least another minute
    after ``now`` (default: the clock now); None when the timeout is unknown (every
    session is kept)."""
    if timeout_minutes is None:
        return None
    return (time.monotonic() if now is None else now) - (timeout_minutes - 1) * 60


class ServerSessionPool:
    """Idle server sessions, most recently used first; thread-safe."""

    def __init__(self) -> None:
        self._sessions: Deque[ServerSession] = collections.deque()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, timeout_minutes: Optional[int]) -> ServerSession:
        """The most recently used session still fresh enough, or a new one."""
        sessions = self._sessions
        if sessions:  # (an empty pool needs neither the clock nor the lock)
            cutoff = _fresh_since(timeout_minutes)
            with self._lock:
                while sessions:
                    session = sessions.popleft()
                    if cutoff is None or session.last_use >= cutoff:
                        return session
        return ServerSession()

    def put(self, session: ServerSession, timeout_minutes: Optional[int]) -> None:
        """Take ``session`` back (unless dirty or nearly timed out) for reuse."""
        now = session.last_use = time.monotonic()
        cutoff = _fresh_since(timeout_minutes, now)
        with self._lock:
            sessions = self._sessions
            if cutoff is not None:
                # Stale ones at the back (least recently used) are of no use to anybody.
                while sessions and sessions[-1].last_use < cutoff:
                    sessions.pop()
                if session.last_use < cutoff:
                    return
            if not session.dirty:
                sessions.appendleft(session)

    def drain(self) -> List[Mapping[str, Binary]]:
        """Every pooled session id, emptying the pool (for ``endSessions`` at close)."""
        with self._lock:
            ids = [session.session_id for session in self._sessions]
            self._sessions.clear()
        return ids
