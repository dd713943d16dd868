"""The thin path through the whole driver, against the real server."""
from __future__ import annotations

import datetime

from bson.objectid import ObjectId
from bson.son import SON


def test_ping_answers_ok(client):
    assert client.admin.command("ping")["ok"] == 1.0


def test_a_document_of_every_basic_type_round_trips(db):
    doc = {"s": "text é", "i": 42, "big": 2 ** 40, "f": 2.5, "t": True, "n": None,
           "oid": ObjectId(), "when": datetime.datetime(2026, 11, 27, 12, 30, 1, 250000),
           "sub": {"list": [1, "two", {"three": 3.0}], "empty": {}}}
    result = db.people.insert_one(doc)
    assert result.acknowledged and result.inserted_id == doc["_id"]
    assert db.people.find_one({"_id": result.inserted_id}) == doc


def test_insert_one_adds_an_id_to_the_callers_document(db):
    doc = {"x": 1}
    db.c.insert_one(doc)
    assert isinstance(doc["_id"], ObjectId)


def test_update_and_delete_report_exact_counts(db):
    db.c.insert_many([{"k": i % 2} for i in range(10)])
    assert db.c.update_many({"k": 0}, {"$set": {"seen": True}}).modified_count == 5
    assert db.c.delete_many({"k": 1}).deleted_count == 5
    assert sorted(d["k"] for d in db.c.find()) == [0] * 5


def test_find_iterates_past_the_first_batch(db):
    db.c.insert_many([{"i": i} for i in range(250)])
    got = [d["i"] for d in db.c.find({}, batch_size=30).sort("i")]
    assert got == list(range(250))


def test_command_keeps_the_order_of_a_son_command(db):
    db.c.insert_one({"a": 1})
    reply = db.command(SON([("count", "c"), ("query", {"a": 1})]))
    assert reply["n"] == 1
