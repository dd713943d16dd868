"""The GridFS indexes, created as the specification says: only when missing.

The specification asks a driver, before a bucket's first write, to look at the files
collection on the primary; only when it is empty are both indexes checked (by key, with
``1`` and ``1.0`` alike) and created when missing — so a busy bucket never pays for it
and a user's own equivalent index is not duplicated.

``Collection.list_indexes`` and ``Collection.create_index`` do the talking (both on the
primary; a collection that does not exist yet lists no index).
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


def index_keys(collection: Any) -> List[List[Tuple[str, float]]]:
    """The key of each index on ``collection`` (none when it does not exist)."""
    return [_key_pairs(spec["key"]) for spec in collection.list_indexes()]


def ensure_index(collection: Any, keys: Sequence[Tuple[str, int]], unique: bool = False) -> None:
    """Create the index ``keys`` on ``collection`` unless an index on those keys exists."""
    wanted = [(name, float(direction)) for name, direction in keys]
    if wanted in index_keys(collection):
        return
    name = "_".join(f"{field}_{direction}" for field, direction in keys)
    collection.create_index(list(keys), name=name, unique=unique)


def files_collection_is_empty(files: Any) -> bool:
    """Whether the files collection has no document, asked of the primary."""
    primary = files.with_options(read_preference=ReadPreference.PRIMARY)
    return primary.find_one({}, projection={"_id": 1}) is None
