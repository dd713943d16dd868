"""A command listener that records events, for tests that check what the driver sends."""
from __future__ import annotations

from typing import Any, List

from mongofw.core.events import CommandListener


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
        from mongofw.core.events import CommandStartedEvent

        return [e.command for e in self.events if isinstance(e, CommandStartedEvent)
                and (name is None or e.command_name == name)]

    def clear(self) -> None:
        self.events.clear()
