"""Default plugin: the documented ``CursorManager`` as the client's cursor manager."""
from __future__ import annotations

from mongofw import hookimpl
from mongofw.cursor_managers.cursor_manager import CursorManager


@hookimpl(trylast=True)
def mongofw_cursor_manager_class() -> type:
    return CursorManager
