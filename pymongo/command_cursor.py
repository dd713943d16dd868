"""CommandCursor class to iterate over command results."""
from mongofw.core.command_cursor import CommandCursor  # noqa: F401
