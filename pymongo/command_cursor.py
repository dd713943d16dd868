"""CommandCursor class to iterate over command results."""
from mongofw.client.command_cursor import CommandCursor  # noqa: F401
from mongofw.client.raw_batch_cursors import RawBatchCommandCursor  # noqa: F401
