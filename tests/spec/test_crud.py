"""CRUD spec (crud/v1): each operation's result and the collection afterwards, on the server.

Spec names are camelCase and map onto the 3.x API (``countDocuments`` onto
``count_documents``, ``arrayFilters`` onto ``array_filters``); result counts come from the
result objects (``insertedIds`` of a bulk write from its ``InsertOne`` requests).  Cases needing a
feature FerretDB lacks are skipped there through ``tests/support/server_gaps.py``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

import pytest

from mongofw.client.collection import ReturnDocument
from mongofw.client.operations import (
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)
from mongofw.errors import BulkWriteError, PyMongoError
from tests.spec.loader import file_cases, params
from tests.support.server_gaps import requires

pytestmark = pytest.mark.server


def _gap_marks(case: Any) -> List[Any]:
    """The FerretDB gaps a case runs into, found from what it asks for."""
    _path, _doc, test = case
    operation = test["operation"]
    text = repr(operation)
    marks = []
    if "'collation'" in text:
        marks.append(requires("collation"))
    if operation["name"].startswith("findOneAnd") and "projection" in operation["arguments"]:
        marks.append(requires("findAndModify projection"))
    if "'$out'" in text:
        marks.append(requires("aggregate $out"))
    if "'arrayFilters'" in text:
        marks.append(requires("arrayFilters"))
    result = test["outcome"].get("result")
    upserted = list(result.get("upsertedIds", {})) if isinstance(result, Mapping) else []
    if upserted != [str(i) for i in range(len(upserted))]:
        marks.append(requires("upserted index"))
    return marks


def _cases() -> List[Any]:
    out = []
    for param in params(file_cases(("crud", "v1"), extended=True)):
        out.append(pytest.param(*param.values, id=param.id,
                                marks=[*param.marks, *_gap_marks(param.values[0])]))
    return out


def _pairs(sort: Mapping[str, Any]) -> List[Any]:
    return list(sort.items())


def _collation(arguments: Dict[str, Any]) -> Dict[str, Any]:
    """The options the 3.x methods share: ``collation`` (3.4) and ``array_filters`` (3.6)."""
    extra = {"collation": arguments["collation"]} if "collation" in arguments else {}
    if "arrayFilters" in arguments:
        extra["array_filters"] = arguments["arrayFilters"]
    return extra


def _request(request: Mapping[str, Any]) -> Any:
    name, args = request["name"], dict(request["arguments"])
    extra = _collation(args)
    if name == "insertOne":
        return InsertOne(args["document"])
    if name == "deleteOne":
        return DeleteOne(args["filter"], **extra)
    if name == "deleteMany":
        return DeleteMany(args["filter"], **extra)
    if name == "replaceOne":
        return ReplaceOne(args["filter"], args["replacement"], args.get("upsert", False), **extra)
    if name == "updateOne":
        return UpdateOne(args["filter"], args["update"], args.get("upsert", False), **extra)
    if name == "updateMany":
        return UpdateMany(args["filter"], args["update"], args.get("upsert", False), **extra)
    raise AssertionError(f"unknown bulk request {name}")


def _bulk_counts(api: Mapping[str, Any]) -> Dict[str, Any]:
    """Result fields from a bulk API result (also BulkWriteError.details)."""
    return Fields(deletedCount=api["nRemoved"], insertedCount=api["nInserted"],
                  matchedCount=api["nMatched"], modifiedCount=api["nModified"],
                  upsertedCount=api["nUpserted"],
                  upsertedIds={str(u["index"]): u["_id"] for u in api["upserted"]})


def _update_fields(result: Any) -> Dict[str, Any]:
    fields = Fields(matchedCount=result.matched_count, modifiedCount=result.modified_count,
                    upsertedCount=0 if result.upserted_id is None else 1)
    if result.upserted_id is not None:
        fields["upsertedId"] = result.upserted_id
    return fields


def _run(coll: Any, name: str, args: Dict[str, Any]) -> Any:
    """Call the 3.x method for spec operation ``name``; return the spec-shaped result."""
    extra = _collation(args)
    if name in ("count", "countDocuments"):
        for key in ("skip", "limit"):
            if key in args:
                extra[key] = args[key]
        method = coll.count if name == "count" else coll.count_documents
        return method(args.get("filter", {}), **extra)
    if name == "estimatedDocumentCount":
        return coll.estimated_document_count(**extra)
    if name == "distinct":
        return coll.distinct(args["fieldName"], args.get("filter"), **extra)
    if name == "find":
        kwargs = {k: args[k] for k in ("skip", "limit") if k in args}
        if "sort" in args:
            kwargs["sort"] = _pairs(args["sort"])
        if "batchSize" in args:
            kwargs["batch_size"] = args["batchSize"]
        return list(coll.find(args.get("filter", {}), **kwargs, **extra))
    if name == "aggregate":
        if "batchSize" in args:
            extra["batchSize"] = args["batchSize"]
        return list(coll.aggregate(args["pipeline"], **extra))
    if name == "insertOne":
        return Fields({"insertedId": coll.insert_one(args["document"]).inserted_id})
    if name == "insertMany":
        ordered = args.get("options", {}).get("ordered", True)
        ids = coll.insert_many(args["documents"], ordered=ordered).inserted_ids
        return Fields({"insertedIds": {str(i): _id for i, _id in enumerate(ids)}})
    if name in ("deleteOne", "deleteMany"):
        method = coll.delete_one if name == "deleteOne" else coll.delete_many
        return Fields({"deletedCount": method(args["filter"], **extra).deleted_count})
    if name in ("updateOne", "updateMany", "replaceOne"):
        method = {"updateOne": coll.update_one, "updateMany": coll.update_many,
                  "replaceOne": coll.replace_one}[name]
        second = args["replacement"] if name == "replaceOne" else args["update"]
        return _update_fields(method(args["filter"], second, args.get("upsert", False),
                                     **extra))
    if name == "bulkWrite":
        requests = [_request(r) for r in args["requests"]]
        ordered = args.get("options", {}).get("ordered", True)
        fields = _bulk_counts(coll.bulk_write(requests, ordered=ordered).bulk_api_result)
        fields["insertedIds"] = {str(i): r._doc["_id"] for i, r in enumerate(requests)
                                 if isinstance(r, InsertOne)}
        return fields
    if name.startswith("findOneAnd"):
        kwargs = dict(extra)
        for key, target in (("projection", "projection"), ("upsert", "upsert")):
            if key in args:
                kwargs[target] = args[key]
        if "sort" in args:
            kwargs["sort"] = _pairs(args["sort"])
        if args.get("returnDocument") == "After":
            kwargs["return_document"] = ReturnDocument.AFTER
        if name == "findOneAndDelete":
            return coll.find_one_and_delete(args["filter"], **kwargs)
        if name == "findOneAndReplace":
            return coll.find_one_and_replace(args["filter"], args["replacement"], **kwargs)
        return coll.find_one_and_update(args["filter"], args["update"], **kwargs)
    raise AssertionError(f"unknown operation {name}")


class Fields(dict):
    """Result fields derived from a 3.4 result object (spec results may list fewer)."""


def _matches(expected: Any, actual: Any) -> None:
    if isinstance(actual, Fields):
        for key, value in expected.items():
            assert key in actual, f"{key} missing from {dict(actual)!r}"
            assert actual[key] == value, f"{key}: expected {value!r}, got {actual[key]!r}"
        return
    assert actual == expected


@pytest.mark.parametrize("case", _cases())
def test_crud(case: Any, db: Any) -> None:
    _path, doc, test = case
    coll = db.test
    if doc.get("data"):
        coll.insert_many([dict(d) for d in doc["data"]])
    operation, outcome = test["operation"], test["outcome"]
    args = dict(operation["arguments"])
    if outcome.get("error"):
        with pytest.raises(PyMongoError) as info:
            _run(coll, operation["name"], args)
        if "result" in outcome:
            assert isinstance(info.value, BulkWriteError)
            _matches(outcome["result"], _bulk_counts(info.value.details))
    else:
        result = _run(coll, operation["name"], args)
        if "result" in outcome:
            _matches(outcome["result"], result)
    if "collection" in outcome:
        target = db[outcome["collection"].get("name", "test")]
        stored = sorted(target.find(), key=lambda d: d["_id"])
        assert stored == sorted(outcome["collection"]["data"], key=lambda d: d["_id"])
