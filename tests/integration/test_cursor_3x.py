"""3.5-3.11 cursor options and the raw-batch cursors against the real server."""
from __future__ import annotations

import pytest

import bson
from pymongo import ASCENDING, MongoClient
from pymongo.command_cursor import RawBatchCommandCursor
from pymongo.cursor import RawBatchCursor
from pymongo.errors import InvalidOperation
from tests.support.listeners import RecordingListener


@pytest.fixture
def numbers(db):
    db.numbers.insert_many([{"_id": i, "n": i} for i in range(25)])
    return db.numbers


@pytest.fixture
def recorded(server_uri, db, numbers):
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    yield client[db.name].numbers, listener
    client.close()


def test_find_takes_the_3_5_modifier_keywords(recorded):
    coll, listener = recorded
    docs = list(coll.find({"n": {"$lt": 5}}, hint=[("_id", ASCENDING)], max_time_ms=5000,
                          comment="why", return_key=False, show_record_id=False,
                          sort=[("_id", ASCENDING)]))
    assert [d["_id"] for d in docs] == [0, 1, 2, 3, 4]
    [cmd] = listener.started_commands("find")
    assert (cmd["hint"], cmd["maxTimeMS"], cmd["comment"]) == ({"_id": 1}, 5000, "why")
    assert (cmd["returnKey"], cmd["showRecordId"]) == (False, False)


def test_allow_disk_use_travels_with_find(recorded):
    coll, listener = recorded
    assert len(list(coll.find(allow_disk_use=True).sort("n", -1))) == 25
    assert len(list(coll.find().allow_disk_use(False))) == 25
    first, second = listener.started_commands("find")
    assert first["allowDiskUse"] is True and second["allowDiskUse"] is False
    with pytest.raises(TypeError, match="allow_disk_use must be True or False"):
        coll.find().allow_disk_use(1)


def test_keyword_modifiers_are_checked_like_their_methods(numbers):
    with pytest.raises(TypeError, match="max_time_ms must be an integer"):
        numbers.find(max_time_ms="1")
    with pytest.raises(TypeError, match="spec must be an instance of list or tuple"):
        numbers.find(max={"n": 1})
    with pytest.raises(TypeError, match="return_key must be True or False"):
        numbers.find(return_key=1)
    assert numbers.find().session is None


def test_find_raw_batches_yields_whole_batches_of_bson(numbers):
    cursor = numbers.find_raw_batches({}, sort=[("_id", ASCENDING)], batch_size=10)
    assert isinstance(cursor, RawBatchCursor)
    batches = list(cursor)
    assert all(isinstance(batch, bytes) for batch in batches)
    assert [len(bson.decode_all(b)) for b in batches] == [10, 10, 5]
    assert [d["n"] for b in batches for d in bson.decode_all(b)] == list(range(25))


def test_find_raw_batches_refuses_what_needs_decoded_documents(numbers):
    with pytest.raises(InvalidOperation, match="manipulate"):
        numbers.find_raw_batches(manipulate=True)
    with pytest.raises(InvalidOperation, match="explain"):
        numbers.find_raw_batches().explain()
    with pytest.raises(InvalidOperation):
        numbers.find_raw_batches()[0]


def test_aggregate_raw_batches_yields_whole_batches_of_bson(numbers):
    cursor = numbers.aggregate_raw_batches([{"$match": {"n": {"$gte": 20}}},
                                            {"$sort": {"n": 1}}])
    assert isinstance(cursor, RawBatchCommandCursor)
    docs = [d for batch in cursor for d in bson.decode_all(batch)]
    assert [d["n"] for d in docs] == [20, 21, 22, 23, 24]


def test_an_empty_result_is_no_batch_at_all(numbers):
    assert list(numbers.find_raw_batches({"n": -1})) == []
    assert list(numbers.aggregate_raw_batches([{"$match": {"n": -1}}])) == []
