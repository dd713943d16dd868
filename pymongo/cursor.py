"""Cursor class to iterate over query results."""
from mongofw.client.cursor import Cursor, CursorType  # noqa: F401
