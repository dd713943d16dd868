"""bulk_write, the bulk builders and the 100,000-operation batching check, on the real server."""
from __future__ import annotations

import pytest

import bson
from bson.objectid import ObjectId
from mongofw.errors import BulkWriteError, InvalidOperation
from pymongo import MongoClient
from pymongo.bulk import BulkOperationBuilder
from pymongo.operations import (
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)
from pymongo.write_concern import WriteConcern
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import requires


@pytest.fixture
def recorded(server_uri, db):
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    yield client[db.name].c, listener
    client.close()


def test_bulk_write_reports_every_count(db):
    db.c.insert_many([{"_id": i, "x": 1} for i in range(4)])
    result = db.c.bulk_write([
        InsertOne({"_id": 10}), UpdateOne({"_id": 0}, {"$set": {"x": 2}}),
        UpdateMany({"x": 1}, {"$set": {"y": 1}}), ReplaceOne({"_id": 1}, {"z": 1}),
        DeleteOne({"_id": 2}), DeleteMany({"x": 9})])
    assert result.acknowledged
    assert (result.inserted_count, result.matched_count, result.modified_count,
            result.deleted_count, result.upserted_count) == (1, 5, 5, 1, 0)
    assert result.upserted_ids == {}


def test_bulk_write_upsert_at_the_first_request_maps_index_to_id(db):
    result = db.c.bulk_write([ReplaceOne({"w": 1}, {"z": 1}, upsert=True)])
    assert result.upserted_count == 1
    [(index, new_id)] = result.upserted_ids.items()
    assert index == 0 and db.c.find_one({"z": 1})["_id"] == new_id


@requires("upserted index")
def test_bulk_write_upserted_ids_use_request_indexes(db):
    result = db.c.bulk_write([InsertOne({"_id": 1}), UpdateOne({"_id": 2}, {"$set": {"a": 1}},
                                                               upsert=True)])
    assert result.upserted_ids == {1: 2}


def test_bulk_write_error_details_have_the_documented_shape(db):
    db.c.insert_one({"_id": 1})
    with pytest.raises(BulkWriteError) as info:
        db.c.bulk_write([InsertOne({"_id": 2}), DeleteOne({"_id": 2}), InsertOne({"_id": 1}),
                         InsertOne({"_id": 3})])
    details = info.value.details
    assert set(details) == {"nInserted", "nMatched", "nModified", "nRemoved", "nUpserted",
                            "upserted", "writeConcernErrors", "writeErrors"}
    assert (details["nInserted"], details["nRemoved"]) == (1, 1)
    [error] = details["writeErrors"]
    assert (error["index"], error["code"], error["op"]) == (2, 11000, {"_id": 1})
    assert "E11000" in error["errmsg"]
    assert info.value.code == 65
    assert db.c.find_one({"_id": 3}) is None


def test_unordered_bulk_write_attempts_everything(db):
    db.c.insert_one({"_id": 1})
    with pytest.raises(BulkWriteError) as info:
        db.c.bulk_write([InsertOne({"_id": 1}), InsertOne({"_id": 2}), DeleteOne({"_id": 1}),
                         InsertOne({"_id": 2})], ordered=False)
    details = info.value.details
    assert [e["index"] for e in details["writeErrors"]] == [0, 3]
    assert (details["nInserted"], details["nRemoved"]) == (1, 1)


@pytest.mark.parametrize("requests, error, message", [
    ((InsertOne({}),), TypeError, "requests must be a list"),
    ([{"insert": 1}], TypeError, "is not a valid request"),
    ([], InvalidOperation, "No operations to execute"),
])
def test_bulk_write_rejects_bad_requests(db, requests, error, message):
    with pytest.raises(error, match=message):
        db.c.bulk_write(requests)


def test_insert_one_in_a_bulk_adds_an_id_to_the_callers_document(db):
    doc = {"a": 1}
    db.c.bulk_write([InsertOne(doc)])
    assert isinstance(doc["_id"], ObjectId) and db.c.find_one() == doc


def test_unacknowledged_bulk_write_result_raises_for_counts(recorded):
    coll, listener = recorded
    # Ordered: every batch but the last waits (w=1) so an error can stop the rest; one
    # batch alone therefore waits for nothing.  Checked on the command sent.
    coll = coll.with_options(write_concern=WriteConcern(w=0))
    try:
        result = coll.bulk_write([InsertOne({"_id": 1})])
    finally:
        [cmd] = listener.started_commands("insert")
    assert cmd["writeConcern"] == {"w": 0}
    assert result.acknowledged is False
    with pytest.raises(InvalidOperation, match="inserted_count"):
        _ = result.inserted_count


# ---------------------------------------------------------------- the legacy builders


def test_ordered_bulk_op_builder_runs_every_kind(db):
    db.c.insert_many([{"_id": i, "a": i} for i in range(3)])
    bulk = db.c.initialize_ordered_bulk_op()
    assert isinstance(bulk, BulkOperationBuilder)
    bulk.insert({"_id": 10, "a": 10})
    bulk.find({"_id": 0}).update_one({"$set": {"b": 1}})
    bulk.find({"a": {"$gte": 1}}).update({"$inc": {"a": 100}})
    bulk.find({"_id": 2}).replace_one({"r": 1})
    bulk.find({"_id": 1}).remove_one()
    bulk.find({"_id": 5}).upsert().update_one({"$set": {"u": 1}})
    result = bulk.execute()
    assert (result["nInserted"], result["nMatched"], result["nModified"], result["nRemoved"],
            result["nUpserted"]) == (1, 5, 5, 1, 1)
    assert result["writeErrors"] == [] and result["writeConcernErrors"] == []
    assert sorted(d["_id"] for d in db.c.find()) == [0, 2, 5, 10]


def test_unordered_bulk_op_builder_reports_all_errors(db):
    bulk = db.c.initialize_unordered_bulk_op()
    for _id in (1, 1, 2, 2):
        bulk.insert({"_id": _id})
    bulk.find({}).remove()
    with pytest.raises(BulkWriteError) as info:
        bulk.execute()
    assert [e["index"] for e in info.value.details["writeErrors"]] == [1, 3]
    assert info.value.details["nRemoved"] == 2


def test_builder_execute_with_a_write_concern_document(recorded):
    coll, listener = recorded
    bulk = coll.initialize_ordered_bulk_op()
    bulk.insert({"_id": 1})
    bulk.execute({"w": 1, "wtimeout": 100})
    [cmd] = listener.started_commands("insert")
    assert cmd["writeConcern"] == {"w": 1, "wtimeout": 100}


# ---------------------------------------------------------------- 100,000 operations


def _hundred_thousand_ops():
    """99,994 inserts, then one of every other operation kind, some touching many documents.

    Update and delete statements stay few because FerretDB scans the whole collection for
    each one (seconds at 100,000 documents).
    """
    ops = [InsertOne({"_id": i, "k": i % 10}) for i in range(99_994)]
    ops += [UpdateOne({"_id": 0}, {"$set": {"u": 1}}),
            ReplaceOne({"_id": 1}, {"r": 1}),
            UpdateMany({"k": 2, "_id": {"$lt": 1000}}, {"$set": {"m": 1}}),
            UpdateOne({"_id": 200_000}, {"$set": {"new": 1}}, upsert=True),
            DeleteOne({"_id": 3}),
            DeleteMany({"k": 4, "_id": {"$lt": 2000}})]
    assert len(ops) == 100_000
    return ops


def _check_batches(client, listener):
    limits = client.admin.command("ismaster")
    max_count, max_bytes = limits["maxWriteBatchSize"], limits["maxMessageSizeBytes"]
    sizes = {}
    for cmd in listener.started_commands():
        kind = next(iter(cmd))
        if kind not in ("insert", "update", "delete"):
            continue
        key = {"insert": "documents", "update": "updates", "delete": "deletes"}[kind]
        assert len(cmd[key]) <= max_count
        assert len(bson.BSON.encode(cmd)) <= max_bytes
        sizes.setdefault(kind, []).append(len(cmd[key]))
    return sizes


@pytest.mark.slow
@pytest.mark.parametrize("ordered", [True, False])
def test_bulk_write_of_100000_mixed_operations_batches_within_limits(server_uri, db, ordered):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener], socketTimeoutMS=120_000) as client:
        coll = client[db.name].big
        result = coll.bulk_write(_hundred_thousand_ops(), ordered=ordered)
        sizes = _check_batches(client, listener)
        assert (result.inserted_count, result.matched_count, result.modified_count,
                result.deleted_count, result.upserted_count) == (99_994, 102, 102, 201, 1)
        assert list(result.upserted_ids.values()) == [200_000]
        assert sum(sizes["insert"]) == 99_994
        assert sizes["update"] == [4] and sizes["delete"] == [2]
        assert coll.count() == 99_994 + 1 - 201
        assert coll.count({"u": 1}) == 1 and coll.count({"m": 1}) == 100


def test_inserts_larger_than_one_message_split_by_size(server_uri, db):
    """60 documents of 1 MB exceed the 48 MB message limit: two or more insert commands."""
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        coll = client[db.name].c
        docs = [{"_id": i, "blob": b"x" * (1024 * 1024)} for i in range(60)]
        assert len(coll.insert_many(docs).inserted_ids) == 60
        sizes = _check_batches(client, listener)
        assert len(sizes["insert"]) >= 2 and sum(sizes["insert"]) == 60
        assert coll.count() == 60


@requires("update batches of 100+ statements")
def test_bulk_write_of_a_thousand_updates_in_one_command(db):
    db.c.insert_many([{"_id": i} for i in range(1000)])
    result = db.c.bulk_write([UpdateOne({"_id": i}, {"$set": {"x": 1}}) for i in range(1000)])
    assert (result.matched_count, result.modified_count) == (1000, 1000)
