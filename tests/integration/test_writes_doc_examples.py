"""The write examples of the pymongo.collection page, run as written (Python 3 printing).

Each test replays one example's statements and checks the values the page shows; where the
page shows a generated ObjectId, the check is that it is one and matches the stored id.
"""
from __future__ import annotations

import pytest

import pymongo
from bson.objectid import ObjectId
from pymongo import DeleteOne, InsertOne, ReplaceOne, ReturnDocument
from tests.support.server_gaps import requires


def test_bulk_write_example(db, capsys):
    db.test.insert_many([{"x": 1}, {"x": 1}])
    requests = [InsertOne({"y": 1}), DeleteOne({"x": 1}),
                ReplaceOne({"w": 1}, {"z": 1}, upsert=True)]
    result = db.test.bulk_write(requests)
    assert result.inserted_count == 1
    assert result.deleted_count == 1
    assert result.modified_count == 0
    [(index, upserted)] = result.upserted_ids.items()
    assert index == 2 and isinstance(upserted, ObjectId)
    for doc in db.test.find({}):
        print(doc)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert sorted(str(sorted(d)) for d in db.test.find({}, {"_id": False})) == [
        "['x']", "['y']", "['z']"]


def test_insert_one_example(db):
    assert db.test.count({"x": 1}) == 0
    result = db.test.insert_one({"x": 1})
    assert isinstance(result.inserted_id, ObjectId)
    assert db.test.find_one({"x": 1}) == {"x": 1, "_id": result.inserted_id}


def test_insert_many_example(db):
    assert db.test.count() == 0
    result = db.test.insert_many([{"x": i} for i in range(2)])
    assert len(result.inserted_ids) == 2
    assert all(isinstance(i, ObjectId) for i in result.inserted_ids)
    assert db.test.count() == 2


def test_replace_one_examples(db):
    _id = db.test.insert_one({"x": 1}).inserted_id
    result = db.test.replace_one({"x": 1}, {"y": 1})
    assert (result.matched_count, result.modified_count) == (1, 1)
    assert list(db.test.find({})) == [{"y": 1, "_id": _id}]
    result = db.test.replace_one({"x": 1}, {"x": 1}, True)
    assert (result.matched_count, result.modified_count) == (0, 0)
    assert db.test.find_one({"x": 1}) == {"x": 1, "_id": result.upserted_id}


@pytest.mark.parametrize("method, matched, after", [
    ("update_one", 1, [4, 1, 1]), ("update_many", 3, [4, 4, 4])])
def test_update_examples(db, method, matched, after):
    db.test.insert_many([{"x": 1, "_id": i} for i in range(3)])
    result = getattr(db.test, method)({"x": 1}, {"$inc": {"x": 3}})
    assert (result.matched_count, result.modified_count) == (matched, matched)
    assert [d["x"] for d in db.test.find().sort("_id")] == after


@pytest.mark.parametrize("method, deleted, left", [("delete_one", 1, 2), ("delete_many", 3, 0)])
def test_delete_examples(db, method, deleted, left):
    db.test.insert_many([{"x": 1} for _ in range(3)])
    assert db.test.count({"x": 1}) == 3
    assert getattr(db.test, method)({"x": 1}).deleted_count == deleted
    assert db.test.count({"x": 1}) == left


def test_find_one_and_delete_examples(db):
    db.test.insert_many([{"x": 1, "_id": i} for i in range(3)])
    assert db.test.find_one_and_delete({"x": 1}) == {"x": 1, "_id": 0}
    assert db.test.count({"x": 1}) == 2
    assert db.test.find_one_and_delete(
        {"x": 1}, sort=[("_id", pymongo.DESCENDING)]) == {"x": 1, "_id": 2}


@requires("findAndModify projection")
def test_find_one_and_delete_projection_example(db):
    db.test.insert_one({"x": 1})
    assert db.test.find_one_and_delete({"x": 1}, projection={"_id": False}) == {"x": 1}


def test_find_one_and_replace_example(db):
    db.test.insert_many([{"x": 1, "_id": i} for i in range(3)])
    assert db.test.find_one_and_replace({"x": 1}, {"y": 1}) == {"x": 1, "_id": 0}
    assert list(db.test.find({}).sort("_id")) == [{"y": 1, "_id": 0}, {"x": 1, "_id": 1},
                                                  {"x": 1, "_id": 2}]


def test_find_one_and_update_examples(db):
    db.test.insert_one({"_id": 665, "done": False, "count": 25})
    assert db.test.find_one_and_update(
        {"_id": 665}, {"$inc": {"count": 1}, "$set": {"done": True}}) == {
        "_id": 665, "done": False, "count": 25}
    assert db.example.find_one_and_update(
        {"_id": "userid"}, {"$inc": {"seq": 1}}, upsert=True,
        return_document=ReturnDocument.AFTER) == {"_id": "userid", "seq": 1}
    db.test.insert_one({"_id": 701, "done": True, "result": {"count": 17}})
    assert db.test.find_one_and_update(
        {"done": True}, {"$set": {"final": True}},
        sort=[("_id", pymongo.DESCENDING)]) == {"_id": 701, "done": True,
                                                "result": {"count": 17}}


@requires("findAndModify projection")
def test_find_one_and_update_projection_examples(db):
    db.example.insert_one({"_id": "userid", "seq": 0})
    assert db.example.find_one_and_update(
        {"_id": "userid"}, {"$inc": {"seq": 1}}, projection={"seq": True, "_id": False},
        return_document=ReturnDocument.AFTER) == {"seq": 1}
    assert db.example.delete_many({}).deleted_count == 1
    assert db.example.find_one_and_update(
        {"_id": "userid"}, {"$inc": {"seq": 1}}, projection={"seq": True, "_id": False},
        upsert=True, return_document=ReturnDocument.AFTER) == {"seq": 1}
