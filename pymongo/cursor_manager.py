"""Cursor managers: what closing a cursor actually does."""
from mongofw.cursor_managers.cursor_manager import CursorManager  # noqa: F401
