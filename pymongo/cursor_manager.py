"""Cursor managers: what closing a cursor actually does."""
from mongofw.core.cursor_manager import CursorManager  # noqa: F401
