"""``pymongo.common``: never documented, imported by MongoEngine (see :mod:`mongofw.compat`)."""
from mongofw.compat.common import (  # noqa: F401
    _UUID_REPRESENTATIONS,
    MAX_SUPPORTED_WIRE_VERSION,
    MIN_SUPPORTED_WIRE_VERSION,
    validate_read_preference,
)
