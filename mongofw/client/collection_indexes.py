"""Index management for ``Collection``: the createIndexes/dropIndexes/listIndexes commands.

The specifiers (key lists, names, ``IndexModel``) are :mod:`mongofw.client.index_specs`.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Mapping

from bson.son import SON
from mongofw.client.collection_commands import run_write_command
from mongofw.client.index_specs import IndexModel, gen_index_name, index_list
from mongofw.errors import OperationFailure
from mongofw.options.read_preferences import ReadPreference

# Server error code for "namespace not found" (listIndexes on a missing collection).
NAMESPACE_NOT_FOUND = 26


def create_indexes(collection: Any, indexes: Any, session: Any = None,
                   **kwargs: Any) -> List[str]:
    """Create every index of ``indexes`` (IndexModel instances); returns their names.

    ``kwargs`` are options of the ``createIndexes`` command (``maxTimeMS``,
    ``commitQuorum``...).
    """
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
    cmd.update(kwargs)
    run_write_command(collection, cmd, session=session)
    return [doc["name"] for doc in documents]


def _require_collation_support(collection: Any) -> None:
    from mongofw.errors import ConfigurationError

    client = collection.database.client
    with client._socket_for_writes() as sock_info:
        if sock_info.max_wire_version < 5:
            raise ConfigurationError(f"collation requires wire version 5 (MongoDB 3.4); the "
                                     f"server speaks {sock_info.max_wire_version}")


def create_index(collection: Any, keys: Any, session: Any = None, **kwargs: Any) -> str:
    """Create one index; returns its name.  ``maxTimeMS`` among ``kwargs`` goes to the
    command (3.6), the other keywords describe the index."""
    command_options = {}
    if "maxTimeMS" in kwargs:
        command_options["maxTimeMS"] = kwargs.pop("maxTimeMS")
    return create_indexes(collection, [IndexModel(keys, **kwargs)], session,
                          **command_options)[0]


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


def drop_index(collection: Any, index_or_name: Any, session: Any = None,
               **kwargs: Any) -> None:
    """Drop one index by name or by the key specifier it was created with; ``kwargs``
    are options of the ``dropIndexes`` command (``maxTimeMS``...)."""
    name = index_or_name
    if isinstance(index_or_name, list):
        name = gen_index_name(index_list(index_or_name))
    if not isinstance(name, str):
        raise TypeError(f"index_or_name must be an index name (str) or a list of "
                        f"(key, direction) pairs, not {type(index_or_name).__name__}")
    cmd = SON([("dropIndexes", collection.name), ("index", name)])
    cmd.update(kwargs)
    run_write_command(collection, cmd, allowable_errors=["ns not found", NAMESPACE_NOT_FOUND],
                      session=session)


def reindex(collection: Any, session: Any = None, **kwargs: Any) -> Mapping[str, Any]:
    """Rebuild every index of the collection; returns the server's reply.  ``kwargs``
    are options of the ``reIndex`` command."""
    cmd = SON([("reIndex", collection.name)])
    cmd.update(kwargs)
    return run_write_command(collection, cmd, session=session)


def list_indexes(collection: Any, session: Any = None) -> Any:
    """A CommandCursor over the index documents (empty for a missing collection)."""
    client = collection.database.client
    session, owned = client._cursor_session(session)
    try:
        return _list_indexes(collection, session, owned)
    except BaseException:
        if owned:
            session.end_session()
        raise


def _list_indexes(collection: Any, session: Any, owned: bool) -> Any:
    """listIndexes on the primary, a retryable read (retried once when allowed)."""
    from mongofw.client.command_cursor import CommandCursor
    from mongofw.core.dispatch import cursor_legacy

    client = collection.database.client
    codec_options = collection.codec_options

    def run(sock_info: Any, slave_ok: bool) -> Any:
        address = sock_info.address
        if sock_info.max_wire_version < 3:
            # MongoDB 2.6 keeps index documents in <db>.system.indexes.
            namespace = f"{collection.database.name}.system.indexes"
            cursor_id, batch = cursor_legacy.run_query(
                sock_info, namespace, {"filter": {"ns": collection.full_name}}, slave_ok,
                None, codec_options)
            info = {"id": cursor_id, "firstBatch": batch, "ns": namespace}
            return info, address
        cmd = SON([("listIndexes", collection.name), ("cursor", {})])
        try:
            reply = sock_info.command(collection.database.name, cmd, slave_ok,
                                      ReadPreference.PRIMARY, codec_options, session=session)
        except OperationFailure as exc:
            if exc.code != NAMESPACE_NOT_FOUND:
                raise
            reply = {"cursor": {"id": 0, "firstBatch": []}}
        return reply["cursor"], address

    info, address = client._retryable_read(session, ReadPreference.PRIMARY, run)
    return CommandCursor(collection, info, address, session=session,
                         explicit_session=not owned)


def index_information(collection: Any, session: Any = None) -> Dict[str, Any]:
    """``{name: {"key": [(key, direction), ...], <other options>}}`` for every index."""
    info: Dict[str, Any] = {}
    for index in list_indexes(collection, session):
        index = dict(index)
        name = index.pop("name")
        index.pop("ns", None)
        index["key"] = list(index["key"].items())
        info[name] = index
    return info
