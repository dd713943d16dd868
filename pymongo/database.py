"""Database level operations."""
from mongofw.client.database import Database, SystemJS  # noqa: F401
from mongofw.compat.names import _check_name  # noqa: F401 - MongoEngine imports it
