"""Database level operations."""
from mongofw.client.database import Database, SystemJS  # noqa: F401
