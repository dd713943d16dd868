"""A command listener that records events, for tests that check what the driver sends."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, List

from mongofw.monitoring import events as ev
from mongofw.monitoring.events import CommandListener


class RecordingListener(CommandListener):
    """Keeps every started/succeeded/failed event in order."""

    def __init__(self) -> None:
        self.events: List[Any] = []

    def started(self, event: Any) -> None:
        self.events.append(event)

    def succeeded(self, event: Any) -> None:
        self.events.append(event)

    def failed(self, event: Any) -> None:
        self.events.append(event)

    def started_commands(self, name: str = None) -> List[Any]:
        """The command documents of started events (optionally only ``name``)."""
        from mongofw.monitoring.events import CommandStartedEvent

        return [e.command for e in self.events if isinstance(e, CommandStartedEvent)
                and (name is None or e.command_name == name)]

    def clear(self) -> None:
        self.events.clear()


# What sessions add to every command on a 3.6+ server (the session tests check them).
SESSION_FIELDS = frozenset({"lsid", "$clusterTime", "txnNumber"})


def without_session_fields(command: Any) -> dict:
    """``command`` as the operation built it, without the fields its session added."""
    return {key: value for key, value in command.items() if key not in SESSION_FIELDS}


class EventLog(ev.ServerListener, ev.ServerHeartbeatListener, ev.TopologyListener):
    """Records every server, heartbeat and topology event, in order, thread-safely."""

    def __init__(self) -> None:
        self.events: List[Any] = []
        self._lock = threading.Lock()

    def _record(self, event: Any) -> None:
        with self._lock:
            self.events.append(event)

    started = succeeded = failed = _record
    opened = closed = description_changed = _record

    def snapshot(self) -> List[Any]:
        with self._lock:
            return list(self.events)

    def of(self, *types: type) -> List[Any]:
        return [e for e in self.snapshot() if isinstance(e, types)]

    def wait_for(self, predicate: Callable[[List[Any]], bool], timeout: float = 15.0) -> None:
        """Poll until ``predicate(events)`` holds; fail with the events seen otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.snapshot()):
                return
            time.sleep(0.02)
        raise AssertionError(f"condition not met in {timeout}s; events: "
                             f"{[type(e).__name__ for e in self.snapshot()]}")
