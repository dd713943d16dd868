"""The default cursor manager (documented as ``pymongo.cursor_manager.CursorManager``)."""
from __future__ import annotations

import weakref
from typing import Any, Optional, Tuple


class CursorManager:
    """Kills server cursors when the client asks; subclasses may batch or delay.

    A client whose manager is this class itself kills cursors directly (at once for a
    cursor's ``close()``); a subclass set with ``set_cursor_manager`` or returned by a
    ``mongofw_cursor_manager_class`` plugin receives every close.
    """

    def __init__(self, client: Any) -> None:
        # A weak reference: the client owns its manager, not the other way round.
        self.__client = weakref.ref(client)

    def close(self, cursor_id: int, address: Optional[Tuple[str, Optional[int]]]) -> None:
        """Kill a cursor soon, from the client's background thread (this may be called from
        a cursor's ``__del__``).

        :param cursor_id: the server's id of the cursor (an ``int``).
        :param address: the ``(host, port)`` of the server holding it, or None (then
            the kill goes to the primary).
        :raises TypeError: when ``cursor_id`` is not an ``int``.

        A subclass decides what closing means; ``super().close(...)`` kills.
        """
        if not isinstance(cursor_id, int) or isinstance(cursor_id, bool):
            raise TypeError(f"cursor_id must be an instance of int, not "
                            f"{type(cursor_id).__name__}")
        client = self.__client()
        if client is not None:
            client._schedule_kill([cursor_id], address)
