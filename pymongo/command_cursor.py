"""CommandCursor class to iterate over command results."""
from mongofw.client.command_cursor import CommandCursor  # noqa: F401
