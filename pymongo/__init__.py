"""PyMongo 3.4's documented API, assembled from mongofw's core and default plugins.

The client classes load on first use (PEP 562 module ``__getattr__``): ``import pymongo``
costs only these constants, and ``pymongo.MongoClient`` brings in the core.
"""
from typing import Any

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

_SERVED_BY = "mongofw"  # what `python -m mongofw check` looks for
version_tuple = (3, 8, 0)
version = "3.8.0"
"""The newest PyMongo release whose whole API this package provides (see the README's
"Which PyMongo version it reports"): libraries choose code paths by ``version_tuple``."""
__version__ = version

# Documented names -> the module that defines them, imported when first asked for.
_LAZY = {
    "MIN_SUPPORTED_WIRE_VERSION": "mongofw.core.wire.wire_versions",
    "MAX_SUPPORTED_WIRE_VERSION": "mongofw.core.wire.wire_versions",
    "MongoClient": "mongofw.client.mongo_client",
    "MongoReplicaSetClient": "mongofw.client.mongo_replica_set_client",
    "ReadPreference": "mongofw.options.read_preferences",
    "ReturnDocument": "mongofw.client.collection",
    "CursorType": "mongofw.client.cursor",
    "WriteConcern": "mongofw.options.write_concern",
    "IndexModel": "mongofw.client.index_specs",
    "InsertOne": "mongofw.client.operations",
    "DeleteOne": "mongofw.client.operations",
    "DeleteMany": "mongofw.client.operations",
    "ReplaceOne": "mongofw.client.operations",
    "UpdateOne": "mongofw.client.operations",
    "UpdateMany": "mongofw.client.operations",
}


# Documented submodules, importable as attributes after a plain ``import pymongo``.
_SUBMODULES = frozenset([
    "auth", "bulk", "collation", "collection", "command_cursor", "cursor", "cursor_manager",
    "driver_info", "server_description", "topology_description", "client_options", "common",
    "event_loggers", "server_api", "change_stream", "client_session",
    "database", "errors", "message", "mongo_client", "mongo_replica_set_client",
    "monitoring", "operations", "pool", "read_concern", "read_preferences", "results",
    "son_manipulator", "uri_parser", "write_concern",
])


def __getattr__(name: str) -> Any:
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f"pymongo.{name}")
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pymongo' has no attribute {name!r}")

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)


def get_version_string() -> str:
    """The version string, as PyMongo 3.x's ``get_version_string()`` returns it."""
    return version


def has_c() -> bool:
    """Is the C extension installed?"""
    import bson

    return bson.has_c()


__all__ = [
    "ASCENDING", "DESCENDING", "GEO2D", "GEOHAYSTACK", "GEOSPHERE", "HASHED", "TEXT",
    "OFF", "SLOW_ONLY", "ALL", "MIN_SUPPORTED_WIRE_VERSION", "MAX_SUPPORTED_WIRE_VERSION",
    "version", "version_tuple", "get_version_string", "has_c", *_LAZY,
]
