"""Index management for ``Collection``: specifiers, names, ``IndexModel`` and the commands.

Index keys arrive as a field name or a list of ``(key, direction)`` pairs; the name the
server knows an index by is generated from them (``"mike_-1_eliot_1"``) unless given.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bson.son import SON
from mongofw.core.collation import validate_collation_or_none
from mongofw.core.errors import OperationFailure

# Server error code for "namespace not found" (listIndexes on a missing collection).
NAMESPACE_NOT_FOUND = 26


def _refuse_mapping(value: Any) -> None:
    # A dict's order was not guaranteed when this API was designed: demand pairs.
    if isinstance(value, Mapping):
        raise TypeError(f"passing a dict to sort/create_index/hint is not allowed - use a "
                        f"list of tuples instead. did you mean {list(value.items())!r}?")


def index_list(key_or_list: Any, direction: Any = None) -> List[Tuple[str, Any]]:
    """``(key, direction)`` pairs from a single key (ascending unless ``direction``) or a list.

    ``TypeError`` for anything but a string or a list/tuple of pairs; ``ValueError`` for
    an empty list.
    """
    if direction is not None:
        if not isinstance(key_or_list, str):
            raise TypeError(f"key must be an instance of str when a direction is given, "
                            f"not {type(key_or_list).__name__}")
        return [(key_or_list, direction)]
    if isinstance(key_or_list, str):
        return [(key_or_list, 1)]
    _refuse_mapping(key_or_list)
    if not isinstance(key_or_list, (list, tuple)):
        raise TypeError(f"if no direction is specified, key_or_list must be an instance of "
                        f"list (of (key, direction) pairs), not {type(key_or_list).__name__}")
    if not key_or_list:
        raise ValueError("key_or_list must not be the empty list")
    pairs = []
    for item in key_or_list:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            raise TypeError(f"each item of key_or_list must be a (key, direction) pair, "
                            f"not {item!r}")
        pairs.append((item[0], item[1]))
    return pairs


def index_document(pairs: Sequence[Tuple[str, Any]], what: str = "index") -> SON:
    """The ordered ``{key: direction}`` document of ``pairs`` (keys checked to be strings)."""
    _refuse_mapping(pairs)
    if not isinstance(pairs, (list, tuple)):
        raise TypeError(f"must use a list of (key, direction) pairs for the {what}, "
                        f"not {type(pairs).__name__}")
    if not pairs:
        raise ValueError(f"{what} key_or_list must not be the empty list")
    document = SON()
    for key, value in pairs:
        if not isinstance(key, str):
            raise TypeError(f"first item in each key pair must be an instance of str, "
                            f"not {type(key).__name__} {key!r}")
        if not isinstance(value, (str, int, Mapping)) or isinstance(value, bool):
            raise TypeError(f"second item in each key pair must be 1, -1, '2d', "
                            f"'geoHaystack', or another valid MongoDB index specifier, "
                            f"not {value!r}")
        document[key] = value
    return document


def gen_index_name(pairs: Sequence[Tuple[str, Any]]) -> str:
    """The default index name: ``key_direction`` joined with underscores."""
    return "_".join(f"{key}_{direction}" for key, direction in pairs)


class IndexModel:
    """One index for ``create_indexes``: keys plus options (``name`` generated if absent)."""

    __slots__ = ("__document",)

    def __init__(self, keys: Any, **kwargs: Any) -> None:
        pairs = index_list(keys)
        name = kwargs.pop("name", None) or gen_index_name(pairs)
        if not isinstance(name, str):
            raise TypeError(f"name must be an instance of str, not {type(name).__name__}")
        document = SON([("name", name), ("key", index_document(pairs))])
        collation = validate_collation_or_none(kwargs.pop("collation", None))
        document.update(kwargs)
        if collation is not None:
            document["collation"] = collation
        self.__document = document

    @property
    def document(self) -> SON:
        """An index document suitable for the ``createIndexes`` command."""
        return self.__document

    def __repr__(self) -> str:
        return f"IndexModel({dict(self.__document)!r})"


def create_indexes(collection: Any, indexes: Any) -> List[str]:
    """Create every index of ``indexes`` (IndexModel instances); returns their names."""
    from mongofw.core.collection_reads import run_write_command

    if not isinstance(indexes, list):
        raise TypeError(f"indexes must be a list of IndexModel instances, "
                        f"not {type(indexes).__name__}")
    if not indexes:
        raise ValueError("indexes must be a non-empty list of IndexModel instances")
    documents = []
    for model in indexes:
        if not isinstance(model, IndexModel):
            raise TypeError(f"{model!r} is not an instance of pymongo.operations.IndexModel")
        documents.append(model.document)
    if any("collation" in doc for doc in documents):
        _require_collation_support(collection)
    cmd = SON([("createIndexes", collection.name), ("indexes", documents)])
    run_write_command(collection, cmd)
    return [doc["name"] for doc in documents]


def _require_collation_support(collection: Any) -> None:
    from mongofw.core.errors import ConfigurationError

    client = collection.database.client
    with client._socket_for_writes() as sock_info:
        if sock_info.max_wire_version < 5:
            raise ConfigurationError(f"collation requires wire version 5 (MongoDB 3.4); the "
                                     f"server speaks {sock_info.max_wire_version}")


def create_index(collection: Any, keys: Any, **kwargs: Any) -> str:
    """Create one index; returns its name."""
    return create_indexes(collection, [IndexModel(keys, **kwargs)])[0]


def ensure_index(collection: Any, key_or_list: Any, cache_for: int = 300,
                 **kwargs: Any) -> str:
    """DEPRECATED: create the index (the server ignores an existing one); returns its name.

    PyMongo kept a per-client cache so a cached index returned None without a round
    trip; ``createIndexes`` of an existing index is a no-op on every supported server,
    so the name is always returned.
    """
    warnings.warn("ensure_index is deprecated. Use create_index instead.",
                  DeprecationWarning, stacklevel=3)
    if not isinstance(cache_for, (int, float)) or isinstance(cache_for, bool):
        raise TypeError(f"cache_for must be an integer or float, not "
                        f"{type(cache_for).__name__}")
    return create_index(collection, key_or_list, **kwargs)


def drop_index(collection: Any, index_or_name: Any) -> None:
    """Drop one index by name or by the key specifier it was created with."""
    from mongofw.core.collection_reads import run_write_command

    name = index_or_name
    if isinstance(index_or_name, list):
        name = gen_index_name(index_list(index_or_name))
    if not isinstance(name, str):
        raise TypeError(f"index_or_name must be an index name (str) or a list of "
                        f"(key, direction) pairs, not {type(index_or_name).__name__}")
    cmd = SON([("dropIndexes", collection.name), ("index", name)])
    run_write_command(collection, cmd, allowable_errors=["ns not found", NAMESPACE_NOT_FOUND])


def reindex(collection: Any) -> Mapping[str, Any]:
    """Rebuild every index of the collection; returns the server's reply."""
    from mongofw.core.collection_reads import run_write_command

    return run_write_command(collection, SON([("reIndex", collection.name)]))


def list_indexes(collection: Any) -> Any:
    """A CommandCursor over the index documents (empty for a missing collection)."""
    from mongofw.core import cursor_legacy
    from mongofw.core.command_cursor import CommandCursor

    client = collection.database.client
    codec_options = collection.codec_options
    with client._socket_for_writes() as sock_info:
        address = sock_info.address
        if sock_info.max_wire_version < 3:
            # MongoDB 2.6 keeps index documents in <db>.system.indexes.
            namespace = f"{collection.database.name}.system.indexes"
            cursor_id, batch = cursor_legacy.run_query(
                sock_info, namespace, {"filter": {"ns": collection.full_name}}, False, None,
                codec_options)
            info = {"id": cursor_id, "firstBatch": batch, "ns": namespace}
            return CommandCursor(collection, info, address)
        cmd = SON([("listIndexes", collection.name), ("cursor", {})])
        try:
            reply = sock_info.command(collection.database.name, cmd,
                                      codec_options=codec_options)
        except OperationFailure as exc:
            if exc.code != NAMESPACE_NOT_FOUND:
                raise
            reply = {"cursor": {"id": 0, "firstBatch": []}}
    return CommandCursor(collection, reply["cursor"], address)


def index_information(collection: Any) -> Dict[str, Any]:
    """``{name: {"key": [(key, direction), ...], <other options>}}`` for every index."""
    info: Dict[str, Any] = {}
    for index in list_indexes(collection):
        index = dict(index)
        name = index.pop("name")
        index.pop("ns", None)
        index["key"] = list(index["key"].items())
        info[name] = index
    return info


def hint_document(index: Any) -> Optional[Any]:
    """A hint as the server takes it: an index name, a key document, or None."""
    if index is None or isinstance(index, str):
        return index
    return index_document(index_list(index), "hint")
