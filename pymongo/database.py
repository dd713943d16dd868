"""Database level operations."""
from mongofw.core.database import Database, SystemJS  # noqa: F401
