"""Cursor class to iterate over query results."""
from mongofw.client.cursor import Cursor, CursorType  # noqa: F401
from mongofw.client.raw_batch_cursors import RawBatchCursor  # noqa: F401
