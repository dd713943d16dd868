"""Read helpers for ``Collection``: count, distinct, aggregation, map/reduce, group, scans.

Each function takes the collection, checks its arguments, builds the command in the
order the server expects and runs it through
:mod:`mongofw.client.collection_commands`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List

from bson.code import Code
from bson.son import SON
from mongofw.client.collection_commands import run_read_command, run_write_command
from mongofw.client.command_cursor import CommandCursor, SessionShare
from mongofw.client.index_specs import hint_document
from mongofw.options.collation import validate_collation_or_none
from mongofw.options.read_preferences import ReadPreference


def _check_filter(value: Any, name: str = "filter") -> None:
    if value is not None and not isinstance(value, Mapping):
        raise TypeError(f"{name} must be an instance of dict, bson.son.SON, or another type "
                        f"that inherits from collections.abc.Mapping, not "
                        f"{type(value).__name__}")


def count(collection: Any, filter: Any = None, session: Any = None, **kwargs: Any) -> int:
    """The number of documents matching ``filter`` (hint, limit, skip, maxTimeMS, collation)."""
    _check_filter(filter)
    cmd = SON([("count", collection.name)])
    if filter is not None:
        cmd["query"] = filter
    if "hint" in kwargs:
        kwargs["hint"] = hint_document(kwargs["hint"])
    collation = validate_collation_or_none(kwargs.pop("collation", None))
    cmd.update(kwargs)
    return run_count(collection, cmd, collation, session)


def count_documents(collection: Any, filter: Any, session: Any = None, **kwargs: Any) -> int:
    """The number of documents matching ``filter``, counted by an aggregation (3.7).

    ``skip`` and ``limit`` become pipeline stages; ``hint``, ``collation`` and
    ``maxTimeMS`` go to the aggregate command.  Unlike ``count``, it works in a
    transaction and never trusts collection metadata.
    """
    if not isinstance(filter, Mapping):
        raise TypeError(f"filter must be an instance of dict, bson.son.SON, or another type "
                        f"that inherits from collections.abc.Mapping, not "
                        f"{type(filter).__name__}")
    pipeline: List[Any] = [{"$match": filter}]
    for stage in ("skip", "limit"):
        if stage in kwargs:
            value = kwargs.pop(stage)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or \
                    (stage == "limit" and value == 0):
                raise ValueError(f"{stage} must be a {'positive' if stage == 'limit' else 'non-negative'} "
                                 f"integer, not {value!r}")
            pipeline.append({f"${stage}": value})
    pipeline.append({"$group": {"_id": 1, "n": {"$sum": 1}}})
    if "hint" in kwargs and not isinstance(kwargs["hint"], str):
        kwargs["hint"] = hint_document(kwargs["hint"])
    with aggregate(collection, pipeline, session=session, **kwargs) as cursor:
        for result in cursor:
            return int(result["n"])
    return 0


def estimated_document_count(collection: Any, **kwargs: Any) -> int:
    """The collection's document count from its metadata (the ``count`` command, 3.7)."""
    cmd = SON([("count", collection.name)])
    cmd.update(kwargs)
    return run_count(collection, cmd)


def run_count(collection: Any, cmd: Mapping[str, Any], collation: Any = None,
              session: Any = None) -> int:
    """Run a prepared ``count`` command; a missing collection counts 0."""
    reply, _ = run_read_command(collection, cmd, collation=collation,
                                read_concern=collection.read_concern,
                                allowable_errors=["ns missing"], session=session,
                                retryable=True)
    if reply.get("errmsg", "") == "ns missing":
        return 0
    return int(reply["n"])


def count_for_cursor(collection: Any, opts: Mapping[str, Any],
                     with_limit_and_skip: bool, session: Any = None) -> int:
    """``Cursor.count``: the count command for a cursor's options (see ``Cursor.__opts``)."""
    spec = opts["spec"]
    cmd = SON([("count", collection.name), ("query", spec.get("$query", spec))])
    if opts["max_time_ms"] is not None:
        cmd["maxTimeMS"] = opts["max_time_ms"]
    if opts["hint"] is not None:
        cmd["hint"] = opts["hint"]
    if with_limit_and_skip:
        if opts["limit"]:
            cmd["limit"] = abs(opts["limit"])
        if opts["skip"]:
            cmd["skip"] = opts["skip"]
    return run_count(collection, cmd, opts["collation"], session)


def distinct_for_cursor(collection: Any, opts: Mapping[str, Any], key: Any,
                        session: Any = None) -> List[Any]:
    """``Cursor.distinct``: distinct values of ``key`` under a cursor's filter and options."""
    options: dict = {}
    spec = opts["spec"]
    if spec:
        options["query"] = spec.get("$query", spec)
    if opts["max_time_ms"] is not None:
        options["maxTimeMS"] = opts["max_time_ms"]
    if opts["collation"] is not None:
        options["collation"] = opts["collation"]
    return distinct(collection, key, session=session, **options)


def explain_find(collection: Any, find_cmd: SON) -> Mapping[str, Any]:
    """The explain plan of a find command (a ``$explain`` query before MongoDB 3.2)."""
    from mongofw.core.dispatch import cursor_legacy

    client = collection.database.client
    read_preference = collection.read_preference
    with client._socket_for_reads(read_preference) as (sock_info, slave_ok):
        if sock_info.max_wire_version < cursor_legacy.FIND_COMMAND_WIRE_VERSION:
            find_cmd["explain"] = True  # becomes the $explain modifier of an OP_QUERY
            find_cmd["singleBatch"] = True
            _, docs = cursor_legacy.run_query(sock_info, collection.full_name, find_cmd,
                                              slave_ok, read_preference,
                                              collection.codec_options)
            return docs[0]
        return sock_info.command(collection.database.name, SON([("explain", find_cmd)]),
                                 slave_ok, read_preference, collection.codec_options)


def distinct(collection: Any, key: Any, filter: Any = None, session: Any = None,
             **kwargs: Any) -> List[Any]:
    """The distinct values of ``key`` among documents matching ``filter``."""
    if not isinstance(key, str):
        raise TypeError(f"key must be an instance of str, not {type(key).__name__}")
    _check_filter(filter)
    cmd = SON([("distinct", collection.name), ("key", key)])
    if filter is not None:
        if "query" in kwargs:
            raise ValueError("can't pass both filter and query")
        kwargs["query"] = filter
    collation = validate_collation_or_none(kwargs.pop("collation", None))
    cmd.update(kwargs)
    reply, _ = run_read_command(collection, cmd, collation=collation,
                                read_concern=collection.read_concern, session=session,
                                retryable=True)
    return list(reply["values"])


def writes_output(pipeline: List[Any]) -> bool:
    """Whether the pipeline ends in a stage that writes (``$out``, or ``$merge`` from 4.2)."""
    last = pipeline[-1] if pipeline else None
    return isinstance(last, Mapping) and ("$out" in last or "$merge" in last)


def aggregate(collection: Any, pipeline: Any, database_level: bool = False,
              cursor_class: type = CommandCursor, session: Any = None,
              **kwargs: Any) -> CommandCursor:
    """Run an aggregation pipeline; returns a ``cursor_class`` over the results.

    ``database_level`` runs ``{aggregate: 1}`` on the collection's database (the
    collection then only names the namespace, ``<db>.$cmd.aggregate``).
    """
    if not isinstance(pipeline, list):
        raise TypeError(f"pipeline must be a list, not {type(pipeline).__name__}")
    use_cursor = kwargs.pop("useCursor", True)
    batch_size = kwargs.pop("batchSize", None)
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 0):
        raise ValueError(f"batchSize must be a non-negative integer, not {batch_size!r}")
    collation = validate_collation_or_none(kwargs.pop("collation", None))
    writes = writes_output(pipeline)
    cmd = SON([("aggregate", 1 if database_level else collection.name),
               ("pipeline", pipeline)])
    cmd.update(kwargs)
    if use_cursor and "cursor" not in cmd:
        cmd["cursor"] = {"batchSize": batch_size} if batch_size else {}
    # A pipeline that writes runs on the primary (PyMongo 3.9 fixed sending it to a
    # secondary), with the collection's write concern (3.4+) and, from MongoDB 4.2 (wire
    # version 8) on, its read concern too.
    client = collection.database.client
    session, owned = client._cursor_session(session)
    try:
        reply, address = run_read_command(
            collection, cmd, read_preference=ReadPreference.PRIMARY if writes else None,
            collation=collation, read_concern=collection.read_concern,
            write_concern=collection.write_concern if writes else None, session=session,
            retryable=not writes, read_concern_wire_version=8 if writes else 0)
    except BaseException:
        if owned:
            session.end_session()
        raise
    if "cursor" in reply:
        info = reply["cursor"]
    else:
        info = {"id": 0, "firstBatch": reply.get("result", []), "ns": collection.full_name}
    cursor = cursor_class(collection, info, address, session=session,
                          explicit_session=not owned)
    return cursor.batch_size(batch_size or 0)


def _check_code(value: Any, name: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be JavaScript code (str or bson.code.Code), "
                        f"not {type(value).__name__}")


def map_reduce(collection: Any, map: Any, reduce: Any, out: Any, full_response: bool = False,
               session: Any = None, **kwargs: Any) -> Any:
    """Map/reduce into ``out``; returns the output Collection (or the full reply)."""
    _check_code(map, "map")
    _check_code(reduce, "reduce")
    if not isinstance(out, (str, Mapping)):
        raise TypeError(f"'out' must be an instance of str or a mapping, "
                        f"not {type(out).__name__}")
    collation = validate_collation_or_none(kwargs.pop("collation", None))
    cmd = SON([("mapReduce", collection.name), ("map", map), ("reduce", reduce), ("out", out)])
    cmd.update(kwargs)
    inline = isinstance(out, Mapping) and "inline" in out
    reply = run_write_command(collection, cmd, collation=collation,
                              read_concern=collection.read_concern if inline else None,
                              apply_write_concern=not inline, session=session)
    result = reply.get("result")
    if full_response or not result:
        return reply
    database = collection.database
    if isinstance(result, Mapping):
        return database.client[result["db"]][result["collection"]]
    return database[result]


def inline_map_reduce(collection: Any, map: Any, reduce: Any, full_response: bool = False,
                      session: Any = None, **kwargs: Any) -> Any:
    """Map/reduce in memory; returns the result documents (or the full reply)."""
    _check_code(map, "map")
    _check_code(reduce, "reduce")
    collation = validate_collation_or_none(kwargs.pop("collation", None))
    cmd = SON([("mapReduce", collection.name), ("map", map), ("reduce", reduce),
               ("out", {"inline": 1})])
    cmd.update(kwargs)
    reply, _ = run_read_command(collection, cmd, collation=collation,
                                read_concern=collection.read_concern, session=session)
    return reply if full_response else reply.get("results")


def group(collection: Any, key: Any, condition: Any, initial: Any, reduce: Any,
          finalize: Any = None, **kwargs: Any) -> List[Any]:
    """SQL-like ``group by`` with JavaScript; returns the grouped documents."""
    spec = SON()
    if isinstance(key, str):  # a str or Code is a key function
        spec["$keyf"] = Code(key)
    elif key is not None:
        if not isinstance(key, (list, tuple)) or not all(isinstance(k, str) for k in key):
            raise TypeError(f"key must be None, a JavaScript function (str or Code) or a "
                            f"list of field names, not {key!r}")
        spec["key"] = SON((k, 1) for k in key)
    _check_code(reduce, "reduce")
    spec["ns"] = collection.name
    spec["$reduce"] = Code(reduce)
    spec["cond"] = condition
    spec["initial"] = initial
    if finalize is not None:
        _check_code(finalize, "finalize")
        spec["finalize"] = Code(finalize)
    collation = validate_collation_or_none(kwargs.pop("collation", None))
    cmd = SON([("group", spec)])
    cmd.update(kwargs)
    reply, _ = run_read_command(collection, cmd, collation=collation)
    return list(reply["retval"])


def parallel_scan(collection: Any, num_cursors: Any, session: Any = None,
                  **kwargs: Any) -> List[CommandCursor]:
    """Up to ``num_cursors`` CommandCursors that together cover the collection once."""
    if not isinstance(num_cursors, int) or isinstance(num_cursors, bool):
        raise TypeError(f"num_cursors must be an integer, not {type(num_cursors).__name__}")
    if num_cursors < 1:
        raise ValueError(f"num_cursors must be >= 1, not {num_cursors}")
    cmd = SON([("parallelCollectionScan", collection.name), ("numCursors", num_cursors)])
    cmd.update(kwargs)
    # The cursors share one session (their getMores must carry its lsid); an implicit one
    # ends when the last of them is closed or exhausted.
    session, owned = collection.database.client._cursor_session(session)
    try:
        reply, address = run_read_command(collection, cmd,
                                          read_concern=collection.read_concern,
                                          session=session)
    except BaseException:
        if owned:
            session.end_session()
        raise
    items = reply["cursors"]
    share = SessionShare(session, len(items)) if owned else None
    return [CommandCursor(collection, item["cursor"], address, session=session,
                          explicit_session=not owned, session_share=share)
            for item in items]


def options(collection: Any, session: Any = None) -> Mapping[str, Any]:
    """The options the collection was created with ({} if it does not exist yet)."""
    from mongofw.core.dispatch import cursor_legacy

    database = collection.database
    client = database.client
    with client._tmp_session(session) as session, \
            client._socket_for_writes(session=session) as sock_info:
        if sock_info.max_wire_version < 3:
            # MongoDB 2.6 lists collections in <db>.system.namespaces.
            _, docs = cursor_legacy.run_query(
                sock_info, f"{database.name}.system.namespaces",
                {"filter": {"name": collection.full_name}}, False, None,
                collection.codec_options)
        else:
            cmd = SON([("listCollections", 1), ("filter", {"name": collection.name}),
                       ("cursor", {})])
            reply = sock_info.command(database.name, cmd,
                                      codec_options=collection.codec_options, session=session)
            docs = reply["cursor"].get("firstBatch", [])
    if not docs:
        return {}
    found = dict(docs[0].get("options") or {})
    found.pop("create", None)
    return found
