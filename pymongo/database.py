"""Database level operations."""
from mongofw.core.database import Database  # noqa: F401
