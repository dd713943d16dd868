"""Cursor class to iterate over query results."""
from mongofw.core.cursor import Cursor, CursorType  # noqa: F401
