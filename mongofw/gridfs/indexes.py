"""The GridFS indexes, created as the specification says: only when missing.

The specification asks a driver, before a bucket's first write, to look at the files
collection on the primary; only when it is empty are both indexes checked (by key, with
``1`` and ``1.0`` alike) and created when missing — so a busy bucket never pays for it
and a user's own equivalent index is not duplicated.

``Collection.list_indexes`` and ``Collection.create_index`` do the talking (both on the
primary; a collection that does not exist yet lists no index), in the caller's session
when there is one.
"""
from __future__ import annotations

from typing import Any, List, Sequence, Tuple

from mongofw.options.read_preferences import ReadPreference

FILES_INDEX = [("filename", 1), ("uploadDate", 1)]


def _key_pairs(key: Any) -> List[Tuple[str, float]]:
    pairs = []
    for name, direction in key.items():
        try:
            pairs.append((name, float(direction)))
        except (TypeError, ValueError):  # a "text" or "2d" index never matches ours
            pairs.append((name, float("nan")))
    return pairs


def index_keys(collection: Any, session: Any = None) -> List[List[Tuple[str, float]]]:
    """The key of each index on ``collection`` (none when it does not exist)."""
    return [_key_pairs(spec["key"]) for spec in collection.list_indexes(session=session)]


def ensure_index(collection: Any, keys: Sequence[Tuple[str, int]], unique: bool = False,
                 session: Any = None) -> None:
    """Create the index ``keys`` on ``collection`` unless an index on those keys exists."""
    wanted = [(name, float(direction)) for name, direction in keys]
    if wanted in index_keys(collection, session):
        return
    name = "_".join(f"{field}_{direction}" for field, direction in keys)
    collection.create_index(list(keys), name=name, unique=unique, session=session)


def files_collection_is_empty(files: Any, session: Any = None) -> bool:
    """Whether the files collection has no document, asked of the primary."""
    primary = files.with_options(read_preference=ReadPreference.PRIMARY)
    return primary.find_one({}, projection={"_id": 1}, session=session) is None
