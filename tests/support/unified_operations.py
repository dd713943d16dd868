"""The entity operations of the unified test format that the sessions, convenient
transactions and change streams files use, as calls of the PyMongo 3.x API.

Each function takes the entity, the operation's arguments (``session`` already resolved
to a ClientSession or None) and returns what the format calls the result.  An operation
the 3.x API cannot express raises :class:`Unsupported`; the skip list names those cases.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Mapping

from bson.son import SON
from pymongo import ReturnDocument
from tests.support import legacy_operations as legacy


class Unsupported(Exception):
    """An operation or argument the PyMongo 3.x API does not have."""


def _session(args: Mapping[str, Any]) -> Dict[str, Any]:
    session = args.get("session")
    return {"session": session} if session is not None else {}


def _only(args: Mapping[str, Any], name: str, *allowed: str) -> None:
    unknown = set(args) - set(allowed) - {"session"}
    if unknown:
        raise Unsupported(f"{name} with {sorted(unknown)}")


def collection_operation(collection: Any, name: str, args: Mapping[str, Any]) -> Any:
    s = _session(args)
    if name == "insertOne":
        _only(args, name, "document")
        return {"insertedId": collection.insert_one(args["document"], **s).inserted_id}
    if name == "insertMany":
        _only(args, name, "documents", "ordered")
        result = collection.insert_many(args["documents"], ordered=args.get("ordered", True),
                                        **s)
        return {"insertedIds": {str(i): v for i, v in enumerate(result.inserted_ids)}}
    if name == "deleteOne":
        _only(args, name, "filter")
        return {"deletedCount": collection.delete_one(args["filter"], **s).deleted_count}
    if name in ("updateOne", "replaceOne"):
        _only(args, name, "filter", "update", "replacement", "upsert")
        if name == "updateOne":
            result = collection.update_one(args["filter"], args["update"],
                                           args.get("upsert", False), **s)
        else:
            result = collection.replace_one(args["filter"], args["replacement"],
                                            args.get("upsert", False), **s)
        return dict(legacy.update_fields(result))
    if name == "findOneAndUpdate":
        _only(args, name, "filter", "update", "returnDocument", "upsert", "sort")
        after = args.get("returnDocument") == "After"
        return collection.find_one_and_update(
            args["filter"], args["update"], upsert=args.get("upsert", False),
            sort=list(args["sort"].items()) if "sort" in args else None,
            return_document=ReturnDocument.AFTER if after else ReturnDocument.BEFORE, **s)
    if name == "find":
        _only(args, name, "filter", "sort", "limit", "batchSize")
        kwargs: Dict[str, Any] = dict(s)
        if "sort" in args:
            kwargs["sort"] = list(args["sort"].items())
        for key, keyword in (("limit", "limit"), ("batchSize", "batch_size")):
            if key in args:
                kwargs[keyword] = args[key]
        return list(collection.find(args.get("filter", {}), **kwargs))
    if name == "aggregate":
        _only(args, name, "pipeline", "batchSize")
        kwargs = dict(s)
        if "batchSize" in args:
            kwargs["batchSize"] = args["batchSize"]
        return list(collection.aggregate(args["pipeline"], **kwargs))
    if name == "countDocuments":
        _only(args, name, "filter")
        return collection.count_documents(args.get("filter", {}), **s)
    if name == "distinct":
        _only(args, name, "fieldName", "filter")
        return collection.distinct(args["fieldName"], args.get("filter"), **s)
    if name == "listIndexes":
        _only(args, name)
        return list(collection.list_indexes(**s))
    if name == "createIndex":
        _only(args, name, "keys", "name")
        return collection.create_index(list(args["keys"].items()), name=args.get("name"), **s)
    if name == "dropIndex":
        _only(args, name, "name")
        return collection.drop_index(args["name"], **s)
    if name == "rename":
        _only(args, name, "to", "dropTarget")
        extra = {"dropTarget": args["dropTarget"]} if "dropTarget" in args else {}
        return collection.rename(args["to"], **s, **extra)
    if name == "createChangeStream":
        return watch(collection, args)
    raise Unsupported(f"collection operation {name}")


def database_operation(database: Any, name: str, args: Mapping[str, Any]) -> Any:
    s = _session(args)
    if name == "runCommand":
        _only(args, name, "command", "commandName", "readPreference")
        kwargs = dict(s)
        if "readPreference" in args:
            kwargs["read_preference"] = legacy.read_preference(args["readPreference"])
        return database.command(SON(args["command"]), **kwargs)
    if name == "createCollection":
        _only(args, name, "collection")
        return database.create_collection(args["collection"], **s)
    if name == "dropCollection":
        _only(args, name, "collection")
        return database.drop_collection(args["collection"], **s)
    if name == "listCollections":
        _only(args, name)
        return list(database.list_collections(**s))
    if name == "aggregate":
        _only(args, name, "pipeline")
        return list(database.aggregate(args["pipeline"], **s))
    if name == "createChangeStream":
        return watch(database, args)
    raise Unsupported(f"database operation {name}")


def client_operation(client: Any, name: str, args: Mapping[str, Any]) -> Any:
    if name == "listDatabases":
        _only(args, name)
        return list(client.list_databases(**_session(args)))
    if name == "createChangeStream":
        return watch(client, args)
    raise Unsupported(f"client operation {name}")


_WATCH_OPTIONS = {"batchSize": "batch_size", "fullDocument": "full_document",
                  "resumeAfter": "resume_after", "startAfter": "start_after",
                  "startAtOperationTime": "start_at_operation_time",
                  "maxAwaitTimeMS": "max_await_time_ms"}


def watch(target: Any, args: Mapping[str, Any]) -> Any:
    """``createChangeStream`` on a collection, database or client."""
    unknown = set(args) - set(_WATCH_OPTIONS) - {"pipeline", "session"}
    if unknown:
        raise Unsupported(f"watch() with {sorted(unknown)}")
    kwargs = {_WATCH_OPTIONS[k]: v for k, v in args.items() if k in _WATCH_OPTIONS}
    return target.watch(args.get("pipeline"), **kwargs, **_session(args))


def iterate(stream: Any, seconds: float = 10.0) -> Any:
    """``iterateUntilDocumentOrError``: the next change, or the stream's error (failing
    after ``seconds`` without either, where a server would keep the test waiting)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        change = stream.try_next()
        if change is not None:
            return change
        if not stream.alive:
            raise AssertionError("the change stream closed without a change")
    raise AssertionError(f"no change arrived within {seconds} s")


def transaction_options(args: Mapping[str, Any]) -> Dict[str, Any]:
    return legacy.concern_options(args)


def session_operation(session: Any, name: str, args: Mapping[str, Any],
                      run_callback: Any) -> Any:
    if name == "startTransaction":
        return session.start_transaction(**transaction_options(args))
    if name == "commitTransaction":
        return session.commit_transaction()
    if name == "abortTransaction":
        return session.abort_transaction()
    if name == "endSession":
        return session.end_session()
    if name == "withTransaction":
        options = {k: v for k, v in args.items() if k != "callback"}
        return session.with_transaction(lambda s: run_callback(args["callback"]),
                                        **transaction_options(options))
    raise Unsupported(f"session operation {name}")
