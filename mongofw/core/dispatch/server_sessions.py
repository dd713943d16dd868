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
        if timeout_minutes is None:
            return False
        idle = time.monotonic() - self.last_use
        return idle > (timeout_minutes - 1) * 60

    def next_transaction_id(self) -> int:
        """The transaction number of the next retryable write or transaction."""
        self.transaction_id += 1
        return self.transaction_id

    def __repr__(self) -> str:
        return f"ServerSession({self.session_id['id'].hex()}, txn={self.transaction_id})"


class ServerSessionPool:
    """Idle server sessions, most recently used first; thread-safe."""

    def __init__(self) -> None:
        self._sessions: Deque[ServerSession] = collections.deque()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, timeout_minutes: Optional[int]) -> ServerSession:
        """The most recently used session still fresh enough, or a new one."""
        with self._lock:
            while self._sessions:
                session = self._sessions.popleft()
                if not session.timed_out(timeout_minutes):
                    return session
        return ServerSession()

    def put(self, session: ServerSession, timeout_minutes: Optional[int]) -> None:
        """Take ``session`` back (unless dirty or nearly timed out) for reuse."""
        session.last_use = time.monotonic()
        with self._lock:
            # Stale ones at the back (least recently used) are of no use to anybody.
            while self._sessions and self._sessions[-1].timed_out(timeout_minutes):
                self._sessions.pop()
            if not session.dirty and not session.timed_out(timeout_minutes):
                self._sessions.appendleft(session)

    def drain(self) -> List[Mapping[str, Binary]]:
        """Every pooled session id, emptying the pool (for ``endSessions`` at close)."""
        with self._lock:
            ids = [session.session_id for session in self._sessions]
            self._sessions.clear()
        return ids
