"""The operations of the legacy spec formats (transactions, sessions, retryable writes and
reads), as calls of the PyMongo 3.x API, and their results in the files' shapes.

Operation and argument names are the specifications' camelCase (``insertOne``,
``returnDocument: "After"``); results come back as the files write them
(``{"insertedId": ...}``, ``{"insertedIds": {"0": ...}}``, counts for a bulk write).
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from bson.son import SON
from pymongo import ReturnDocument
from pymongo.operations import DeleteMany, DeleteOne, InsertOne, ReplaceOne, UpdateMany, UpdateOne
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import (
    Nearest,
    Primary,
    PrimaryPreferred,
    Secondary,
    SecondaryPreferred,
)
from pymongo.write_concern import WriteConcern

_MODES = {"primary": Primary, "primarypreferred": PrimaryPreferred, "secondary": Secondary,
          "secondarypreferred": SecondaryPreferred, "nearest": Nearest}


class Fields(dict):
    """Result fields derived from a 3.x result object (a file may list fewer of them)."""


def read_preference(doc: Mapping[str, Any]) -> Any:
    mode = _MODES[doc["mode"].lower()]
    if mode is Primary:
        return Primary()
    kwargs: Dict[str, Any] = {}
    if "tagSets" in doc:
        kwargs["tag_sets"] = doc["tagSets"]
    if "maxStalenessSeconds" in doc:
        kwargs["max_staleness"] = doc["maxStalenessSeconds"]
    return mode(**kwargs)


def write_concern(doc: Mapping[str, Any]) -> WriteConcern:
    names = {"wtimeoutMS": "wtimeout", "journal": "j"}
    return WriteConcern(**{names.get(k, k): v for k, v in doc.items()})


def concern_options(doc: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """``collectionOptions`` / ``databaseOptions`` / transaction options as keywords."""
    doc = doc or {}
    kwargs: Dict[str, Any] = {}
    if "readConcern" in doc:
        kwargs["read_concern"] = ReadConcern(doc["readConcern"].get("level"))
    if "writeConcern" in doc:
        kwargs["write_concern"] = write_concern(doc["writeConcern"])
    if "readPreference" in doc:
        kwargs["read_preference"] = read_preference(doc["readPreference"])
    if "maxCommitTimeMS" in doc:
        kwargs["max_commit_time_ms"] = doc["maxCommitTimeMS"]
    return kwargs


def _request(request: Mapping[str, Any]) -> Any:
    name = request["name"]
    args = request.get("arguments", request)
    if name == "insertOne":
        return InsertOne(args["document"])
    if name == "deleteOne":
        return DeleteOne(args["filter"])
    if name == "deleteMany":
        return DeleteMany(args["filter"])
    if name == "replaceOne":
        return ReplaceOne(args["filter"], args["replacement"], args.get("upsert", False))
    model = {"updateOne": UpdateOne, "updateMany": UpdateMany}[name]
    return model(args["filter"], args["update"], args.get("upsert", False))


def bulk_fields(result: Any, inserted: Mapping[str, Any]) -> Fields:
    """``inserted``: the ids of the insertOne requests, by request index (the 3.x
    BulkWriteResult does not list them)."""
    api = result.bulk_api_result
    return Fields({"deletedCount": api["nRemoved"], "insertedCount": api["nInserted"],
                   "insertedIds": dict(inserted),
                   "matchedCount": api["nMatched"], "modifiedCount": api["nModified"],
                   "upsertedCount": api["nUpserted"],
                   "upsertedIds": {str(u["index"]): u["_id"] for u in api["upserted"]}})


def update_fields(result: Any) -> Fields:
    fields = Fields({"matchedCount": result.matched_count,
                     "modifiedCount": result.modified_count,
                     "upsertedCount": 0 if result.upserted_id is None else 1})
    if result.upserted_id is not None:
        fields["upsertedId"] = result.upserted_id
    return fields


def _return_document(args: Mapping[str, Any]) -> bool:
    return ReturnDocument.AFTER if args.get("returnDocument") == "After" \
        else ReturnDocument.BEFORE


def collection_operation(collection: Any, name: str, args: Mapping[str, Any],
                         session: Any) -> Any:
    """One collection method; ``session`` already resolved (or None)."""
    s = {"session": session} if session is not None else {}
    if name == "insertOne":
        return Fields({"insertedId": collection.insert_one(args["document"], **s).inserted_id})
    if name == "insertMany":
        ordered = (args.get("options") or {}).get("ordered", True)
        ids = collection.insert_many(args["documents"], ordered=ordered, **s).inserted_ids
        return Fields({"insertedIds": {str(i): v for i, v in enumerate(ids)}})
    if name == "bulkWrite":
        ordered = (args.get("options") or {}).get("ordered", True)
        requests = [_request(r) for r in args["requests"]]
        result = collection.bulk_write(requests, ordered=ordered, **s)
        inserted = {str(i): r["arguments"]["document"].get("_id")
                    for i, r in enumerate(args["requests"]) if r["name"] == "insertOne"}
        return bulk_fields(result, inserted)
    if name in ("deleteOne", "deleteMany"):
        method = collection.delete_one if name == "deleteOne" else collection.delete_many
        return Fields({"deletedCount": method(args["filter"], **s).deleted_count})
    if name == "replaceOne":
        return update_fields(collection.replace_one(args["filter"], args["replacement"],
                                                    args.get("upsert", False), **s))
    if name in ("updateOne", "updateMany"):
        method = collection.update_one if name == "updateOne" else collection.update_many
        return update_fields(method(args["filter"], args["update"], args.get("upsert", False),
                                    **s))
    if name == "findOneAndDelete":
        return collection.find_one_and_delete(args["filter"], sort=_sort(args), **s)
    if name == "findOneAndReplace":
        return collection.find_one_and_replace(
            args["filter"], args["replacement"], sort=_sort(args),
            upsert=args.get("upsert", False), return_document=_return_document(args), **s)
    if name == "findOneAndUpdate":
        return collection.find_one_and_update(
            args["filter"], args["update"], sort=_sort(args), upsert=args.get("upsert", False),
            return_document=_return_document(args), **s)
    return _read(collection, name, args, s)


def _sort(args: Mapping[str, Any]) -> Any:
    return list(args["sort"].items()) if "sort" in args else None


def _read(collection: Any, name: str, args: Mapping[str, Any], s: Dict[str, Any]) -> Any:
    if name in ("find", "findOne"):
        kwargs: Dict[str, Any] = dict(s)
        for key, keyword in (("limit", "limit"), ("skip", "skip"), ("batchSize", "batch_size")):
            if key in args:
                kwargs[keyword] = args[key]
        if "sort" in args:
            kwargs["sort"] = _sort(args)
        if name == "findOne":
            return collection.find_one(args.get("filter", {}), **kwargs)
        return list(collection.find(args.get("filter", {}), **kwargs))
    if name == "aggregate":
        kwargs = dict(s)
        for key in ("batchSize", "maxTimeMS", "allowDiskUse"):
            if key in args:
                kwargs[key] = args[key]
        return list(collection.aggregate(args["pipeline"], **kwargs))
    if name == "distinct":
        return collection.distinct(args["fieldName"], args.get("filter"), **s)
    if name == "count":
        return collection.count(args.get("filter"), **s)
    if name == "countDocuments":
        return collection.count_documents(args.get("filter", {}), **s)
    if name == "estimatedDocumentCount":
        return collection.estimated_document_count()
    if name == "listIndexes":
        return list(collection.list_indexes(**s))
    if name == "listIndexNames":
        return [index["name"] for index in collection.list_indexes(**s)]
    if name == "createIndex":
        return collection.create_index(list(args["keys"].items()), name=args.get("name"), **s)
    if name == "watch":
        collection.watch(**s).close()
        return None
    if name == "mapReduce":
        return collection.map_reduce(args["map"], args["reduce"], args["out"], **s)
    if name == "rename":
        return collection.rename(args["to"], **s)
    if name == "drop":
        return collection.drop(**s)
    raise AssertionError(f"the runner does not know collection operation {name!r}")


def database_operation(database: Any, name: str, args: Mapping[str, Any], session: Any,
                       command_name: Optional[str] = None) -> Any:
    s = {"session": session} if session is not None else {}
    if name == "runCommand":
        command = SON(args["command"])
        kwargs = dict(s)
        if "readPreference" in args:
            kwargs["read_preference"] = read_preference(args["readPreference"])
        return database.command(command, **kwargs)
    if name == "createCollection":
        return database.create_collection(args["collection"], **s)
    if name == "dropCollection":
        return database.drop_collection(args["collection"], **s)
    if name in ("listCollections", "listCollectionObjects"):
        return list(database.list_collections(**s))
    if name == "listCollectionNames":
        return database.list_collection_names(**s)
    if name == "aggregate":
        return list(database.aggregate(args["pipeline"], **s))
    if name == "watch":
        database.watch(**s).close()
        return None
    raise AssertionError(f"the runner does not know database operation {name!r}")


def client_operation(client: Any, name: str, args: Mapping[str, Any], session: Any) -> Any:
    s = {"session": session} if session is not None else {}
    if name in ("listDatabases", "listDatabaseObjects"):
        return list(client.list_databases(**s))
    if name == "listDatabaseNames":
        return client.list_database_names(**s)
    if name == "watch":
        client.watch(**s).close()
        return None
    raise AssertionError(f"the runner does not know client operation {name!r}")


def bucket_operation(bucket: Any, name: str, args: Mapping[str, Any]) -> Any:
    if name == "download":
        return bucket.open_download_stream(args["id"]).read()
    if name == "download_by_name":
        return bucket.open_download_stream_by_name(args["filename"]).read()
    raise AssertionError(f"the runner does not know GridFS operation {name!r}")


def session_operation(session: Any, name: str, args: Mapping[str, Any]) -> Any:
    if name == "startTransaction":
        return session.start_transaction(**concern_options(args.get("options")))
    if name == "commitTransaction":
        return session.commit_transaction()
    if name == "abortTransaction":
        return session.abort_transaction()
    if name == "endSession":
        return session.end_session()
    raise AssertionError(f"the runner does not know session operation {name!r}")
