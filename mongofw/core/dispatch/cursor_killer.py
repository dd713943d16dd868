"""A background thread that kills server cursors scheduled from ``__del__``.

Garbage collection must not take locks that an interrupted thread may hold nor do
network I/O, so ``MongoClient.close_cursor`` only appends to a list (atomic under the
GIL) and this thread sends ``killCursors`` soon after.  Other clean-up that needs locks
(an abandoned exhaust cursor's pinned connection) is handed over the same way.
"""
from __future__ import annotations

import sys
import threading
from typing import Any, Callable, List, Optional, Tuple

Address = Tuple[str, Optional[int]]
# How often the thread looks at its queue when it was not woken explicitly.
INTERVAL = 1.0


class CursorKiller:
    """Started on the first scheduled kill; stopped (and joined) by the client's close()."""

    def __init__(self, client_ref: Callable[[], Any]) -> None:
        self._client_ref = client_ref
        # Each entry: called with the client (or None once it is gone).
        self._pending: List[Callable[[Any], None]] = []
        self._wake = threading.Event()
        self._stop = False
        self._thread: Optional[threading.Thread] = None
        self._start_lock = threading.Lock()

    def schedule(self, address: Optional[Address], cursor_ids: List[int]) -> None:
        """Kill ``cursor_ids`` on the server at ``address`` soon, from the thread."""
        ids = list(cursor_ids)

        def kill(client: Any) -> None:
            if client is not None:
                client._kill_cursors(ids, address)

        self.schedule_call(kill)

    def schedule_call(self, call: Callable[[Any], None]) -> None:
        """Run ``call(client)`` soon on the thread (``call(None)`` once the client is gone)."""
        self._pending.append(call)
        self._ensure_started()
        self._wake.set()

    def _ensure_started(self) -> None:
        # acquire(blocking=False): never block inside a finalizer.
        if self._thread is not None and self._thread.is_alive():
            return
        if sys.is_finalizing():
            return  # no thread can start at interpreter exit; the server reaps the cursor
        if not self._start_lock.acquire(blocking=False):
            return
        try:
            if self._thread is None or not self._thread.is_alive():
                self._stop = False
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="mongofw-cursor-killer")
                self._thread.start()
        finally:
            self._start_lock.release()

    def _run(self) -> None:
        while not self._stop:
            self._wake.wait(INTERVAL)
            self._wake.clear()
            self.drain()
            if self._client_ref() is None:
                return

    def drain(self) -> None:
        """Run every pending call now (also called by close() before stopping)."""
        client = self._client_ref()
        while self._pending:
            call = self._pending.pop(0)
            try:
                call(client)
            except Exception:  # noqa: BLE001 - a dead server's cursors are gone anyway
                pass

    def stop(self, timeout: float = 5.0) -> None:
        self.drain()
        self._stop = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None
