"""The naming rules for databases and collections, checked before any I/O."""
from __future__ import annotations

from typing import Any

from mongofw.errors import InvalidName


def validate_database_name(name: Any) -> str:
    """``name`` if it may name a database: TypeError for a non-str, else InvalidName."""
    if not isinstance(name, str):
        raise TypeError(f"name must be an instance of str, not {type(name).__name__}")
    if not name:
        raise InvalidName("database name cannot be the empty string")
    for char in ' ./\\"$\x00':
        if char in name and name != "$external":
            raise InvalidName(f"database names cannot contain the character {char!r}: {name!r}")
    return name


def validate_collection_name(name: Any) -> str:
    """``name`` if it may name a collection: TypeError for a non-str, else InvalidName."""
    if not isinstance(name, str):
        raise TypeError(f"name must be an instance of str, not {type(name).__name__}")
    if not name or ".." in name:
        raise InvalidName(f"collection names cannot be empty or contain '..': {name!r}")
    if "$" in name and not (name.startswith("oplog.$main") or name.startswith("$cmd")):
        raise InvalidName(f"collection names must not contain '$': {name!r}")
    if name[0] == "." or name[-1] == ".":
        raise InvalidName(f"collection names must not start or end with '.': {name!r}")
    if "\x00" in name:
        raise InvalidName("collection names must not contain the null character")
    return name
