"""The default cursor manager (documented as ``pymongo.cursor_manager.CursorManager``)."""
from __future__ import annotations

import weakref
from typing import Any, Optional, Tuple


class CursorManager:
    """Kills server cursors as soon as the client asks; subclasses may batch or delay."""

    def __init__(self, client: Any) -> None:
        # A weak reference: the client owns its manager, not the other way round.
        self.__client = weakref.ref(client)

    def close(self, cursor_id: int, address: Optional[Tuple[str, Optional[int]]]) -> None:
        """Kill a cursor; ``TypeError`` if ``cursor_id`` is not an int."""
        if not isinstance(cursor_id, int) or isinstance(cursor_id, bool):
            raise TypeError(f"cursor_id must be an instance of int, not "
                            f"{type(cursor_id).__name__}")
        client = self.__client()
        if client is not None:
            client._kill_cursors([cursor_id], address)
