"""The GridFS indexes, created as the specification says: only when missing.

The specification asks a driver, before a bucket's first write, to look at the files
collection on the primary; only when it is empty are both indexes checked (by key, with
``1`` and ``1.0`` alike) and created when missing — so a busy bucket never pays for it
and a user's own equivalent index is not duplicated.

``listIndexes``/``createIndexes`` go through ``Database.command`` behind these two
functions; once ``Collection.list_indexes``/``create_index`` exist they can take over here.
"""
from __future__ import annotations

from typing import Any, List, Sequence, Tuple

from bson.son import SON
from mongofw.core.errors import OperationFailure
from mongofw.core.read_preferences import ReadPreference

FILES_INDEX = [("filename", 1), ("uploadDate", 1)]
#: NamespaceNotFound: listIndexes on a collection that does not exist yet.
_NAMESPACE_NOT_FOUND = 26


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
    try:
        reply = collection.database.command(SON([("listIndexes", collection.name),
                                                 ("cursor", {})]),
                                            read_preference=ReadPreference.PRIMARY)
    except OperationFailure as exc:
        if exc.code == _NAMESPACE_NOT_FOUND:
            return []
        raise
    cursor = reply["cursor"]
    specs = list(cursor.get("firstBatch", []))
    if cursor.get("id"):
        # Index lists are tiny; a second batch only appears with hundreds of indexes.
        more = collection.database.command(
            SON([("getMore", cursor["id"]), ("collection", collection.name)]),
            read_preference=ReadPreference.PRIMARY)
        specs.extend(more["cursor"].get("nextBatch", []))
    return [_key_pairs(spec["key"]) for spec in specs]


def ensure_index(collection: Any, keys: Sequence[Tuple[str, int]], unique: bool = False) -> None:
    """Create the index ``keys`` on ``collection`` unless an index on those keys exists."""
    wanted = [(name, float(direction)) for name, direction in keys]
    if wanted in index_keys(collection):
        return
    name = "_".join(f"{field}_{direction}" for field, direction in keys)
    index = SON([("key", SON(list(keys))), ("name", name)])
    if unique:
        index["unique"] = True
    cmd = SON([("createIndexes", collection.name), ("indexes", [index])])
    if not collection.write_concern.is_server_default:
        cmd["writeConcern"] = collection.write_concern.document
    collection.database.command(cmd, read_preference=ReadPreference.PRIMARY)


def files_collection_is_empty(files: Any) -> bool:
    """Whether the files collection has no document, asked of the primary."""
    primary = files.with_options(read_preference=ReadPreference.PRIMARY)
    return primary.find_one({}, projection={"_id": 1}) is None
