"""Undocumented helpers of ``pymongo.database`` and ``pymongo.read_preferences``."""
from __future__ import annotations

from typing import Any

from mongofw.client.names import validate_database_name
from mongofw.options.read_preferences import _MONGOS_MODES  # noqa: F401 - kombu


def _check_name(name: Any) -> None:
    """``InvalidName`` unless ``name`` may name a database (3.x's ``pymongo.database``).

    MongoEngine's ``connect()`` calls it for every database name but ``$external``; it
    returns None, as 3.x's did.
    """
    validate_database_name(name)
