"""PyMongo 3.4's documented API, assembled from mongofw's core and default plugins."""
from mongofw.core.wire_versions import MAX_SUPPORTED_WIRE_VERSION, MIN_SUPPORTED_WIRE_VERSION

ASCENDING = 1
"""Ascending sort order."""
DESCENDING = -1
"""Descending sort order."""
GEO2D = "2d"
"""Index specifier for a 2-dimensional geospatial index."""
GEOHAYSTACK = "geoHaystack"
"""Index specifier for a 2-dimensional haystack index."""
GEOSPHERE = "2dsphere"
"""Index specifier for a spherical geospatial index."""
HASHED = "hashed"
"""Index specifier for a hashed index."""
TEXT = "text"
"""Index specifier for a text index."""

OFF = 0
"""No database profiling."""
SLOW_ONLY = 1
"""Only profile slow operations."""
ALL = 2
"""Profile all operations."""

version_tuple = (3, 4, 0)
version = "3.4.0"
"""The PyMongo API version this package implements."""
__version__ = version

from mongofw.core.collection import ReturnDocument  # noqa: E402
from mongofw.core.collection_indexes import IndexModel  # noqa: E402
from mongofw.core.cursor import CursorType  # noqa: E402
from mongofw.core.mongo_client import MongoClient  # noqa: E402
from mongofw.core.mongo_replica_set_client import MongoReplicaSetClient  # noqa: E402
from mongofw.core.operations import (  # noqa: E402
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)
from mongofw.core.read_preferences import ReadPreference  # noqa: E402
from mongofw.core.write_concern import WriteConcern  # noqa: E402


def has_c() -> bool:
    """Is the C extension installed?"""
    import bson

    return bson.has_c()


__all__ = [
    "ASCENDING", "DESCENDING", "GEO2D", "GEOHAYSTACK", "GEOSPHERE", "HASHED", "TEXT",
    "OFF", "SLOW_ONLY", "ALL", "MIN_SUPPORTED_WIRE_VERSION", "MAX_SUPPORTED_WIRE_VERSION",
    "version", "version_tuple", "has_c", "MongoClient", "MongoReplicaSetClient",
    "ReadPreference", "ReturnDocument", "CursorType", "WriteConcern", "IndexModel",
    "InsertOne", "DeleteOne", "DeleteMany", "ReplaceOne", "UpdateOne", "UpdateMany",
]
