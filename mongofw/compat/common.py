"""What libraries import from ``pymongo.common``, a module 3.x never documented.

MongoEngine 0.29 imports this module at import time (``import mongoengine`` fails
without it) and uses two of its names; the wire-version bounds are what code that
patches PyMongo's limits (as a ``sitecustomize`` lifting 3.13's cap does) looks for.
"""
from __future__ import annotations

from typing import Any, Dict

from mongofw.core.wire.wire_versions import (
    MAX_SUPPORTED_WIRE_VERSION,
    MIN_SUPPORTED_WIRE_VERSION,
)
from mongofw.options import validators

#: ``uuidRepresentation`` URI spellings -> the ``bson.binary`` constants ``parse_uri``
#: returns.  MongoEngine inverts it to turn a parsed URI's int back into the keyword it
#: passes to ``MongoClient(uuidrepresentation=...)``.
_UUID_REPRESENTATIONS: Dict[str, int] = {
    "pythonLegacy": validators.UUID_REPRESENTATIONS["pythonlegacy"],
    "standard": validators.UUID_REPRESENTATIONS["standard"],
    "javaLegacy": validators.UUID_REPRESENTATIONS["javalegacy"],
    "csharpLegacy": validators.UUID_REPRESENTATIONS["csharplegacy"],
}


def validate_read_preference(dummy: Any, value: Any) -> Any:
    """``value`` when it is a read preference object, else ``TypeError``.

    MongoEngine's ``QuerySet.read_preference()`` calls it as
    ``validate_read_preference("read_preference", value)``.
    """
    return validators.validate_read_preference(dummy, value)


__all__ = ["MAX_SUPPORTED_WIRE_VERSION", "MIN_SUPPORTED_WIRE_VERSION", "_UUID_REPRESENTATIONS",
           "validate_read_preference"]
