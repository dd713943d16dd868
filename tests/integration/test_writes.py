"""Collection write methods against the real server: results, errors, find-and-modify, rename."""
from __future__ import annotations

import pytest

import bson
from bson.errors import InvalidDocument
from bson.objectid import ObjectId
from bson.son import SON
from mongofw.errors import (
    BulkWriteError,
    DocumentTooLarge,
    DuplicateKeyError,
    InvalidName,
    OperationFailure,
    WriteConcernError,
)
from pymongo import MongoClient, ReturnDocument
from pymongo.write_concern import WriteConcern
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import requires


@pytest.fixture
def recorded(server_uri, db):
    """(collection of this test's database on a listening client, the listener)."""
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    yield client[db.name].c, listener
    client.close()


# ---------------------------------------------------------------- insert


def test_insert_one_returns_the_id_it_added(db):
    doc = {"x": 1}
    result = db.c.insert_one(doc)
    assert isinstance(doc["_id"], ObjectId) and result.inserted_id == doc["_id"]
    assert result.acknowledged is True
    assert db.c.find_one() == doc


def test_insert_one_keeps_a_given_id(db):
    assert db.c.insert_one({"_id": "mine"}).inserted_id == "mine"


def test_insert_one_duplicate_raises_duplicate_key_error_with_code_11000(db):
    db.c.insert_one({"_id": 1})
    with pytest.raises(DuplicateKeyError) as info:
        db.c.insert_one({"_id": 1})
    assert info.value.code == 11000
    assert info.value.details["code"] == 11000


def test_insert_one_refuses_keys_the_server_would_misread(db):
    with pytest.raises(InvalidDocument, match="must not start with '\\$'"):
        db.c.insert_one({"$bad": 1})
    assert db.c.count() == 0


def test_insert_one_rejects_a_non_document(db):
    with pytest.raises(TypeError, match="document must be an instance of dict.*not list"):
        db.c.insert_one([("a", 1)])


def test_document_too_large_is_raised_before_sending(recorded):
    coll, listener = recorded
    big = {"x": "a" * (16 * 1024 * 1024)}
    with pytest.raises(DocumentTooLarge, match="16777216 bytes"):
        coll.insert_one(big)
    with pytest.raises(DocumentTooLarge):
        coll.insert_many([{"ok": 1}, big])
    assert listener.started_commands("insert") == []


def test_insert_many_returns_ids_in_order(db):
    docs = [{"i": i} for i in range(5)]
    result = db.c.insert_many(docs)
    assert result.inserted_ids == [d["_id"] for d in docs]
    assert sorted(d["i"] for d in db.c.find()) == list(range(5))


def test_insert_many_accepts_a_generator(db):
    result = db.c.insert_many({"i": i} for i in range(3))
    assert len(result.inserted_ids) == 3 and db.c.count() == 3


def test_insert_many_ordered_stops_at_the_first_duplicate(db):
    with pytest.raises(BulkWriteError) as info:
        db.c.insert_many([{"_id": 1}, {"_id": 1}, {"_id": 2}])
    details = info.value.details
    assert details["nInserted"] == 1
    assert [(e["index"], e["code"], e["op"]) for e in details["writeErrors"]] == [
        (1, 11000, {"_id": 1})]
    assert db.c.count() == 1


def test_insert_many_unordered_attempts_every_document(db):
    with pytest.raises(BulkWriteError) as info:
        db.c.insert_many([{"_id": 1}, {"_id": 1}, {"_id": 2}, {"_id": 2}], ordered=False)
    assert info.value.details["nInserted"] == 2
    assert [e["index"] for e in info.value.details["writeErrors"]] == [1, 3]


@pytest.mark.parametrize("documents", [[], {"a": 1}, 5])
def test_insert_many_needs_a_non_empty_iterable_of_documents(db, documents):
    with pytest.raises(TypeError, match="documents must be a non-empty list"):
        db.c.insert_many(documents)


# ---------------------------------------------------------------- update / replace / delete


def test_update_one_reports_matched_and_modified(db):
    db.c.insert_many([{"_id": i, "x": 1} for i in range(3)])
    result = db.c.update_one({"x": 1}, {"$inc": {"x": 3}})
    assert (result.matched_count, result.modified_count, result.upserted_id) == (1, 1, None)
    assert result.raw_result == {"n": 1, "nModified": 1, "ok": 1.0, "updatedExisting": True}


def test_update_many_upsert_reports_the_new_id(db):
    result = db.c.update_many({"_id": 7}, {"$set": {"x": 1}}, upsert=True)
    assert (result.matched_count, result.modified_count, result.upserted_id) == (0, 0, 7)
    assert result.raw_result["updatedExisting"] is False
    assert db.c.find_one({"_id": 7}) == {"_id": 7, "x": 1}


def test_replace_one_replaces_the_whole_document(db):
    db.c.insert_one({"_id": 1, "x": 1, "y": 2})
    result = db.c.replace_one({"_id": 1}, {"z": 3})
    assert (result.matched_count, result.modified_count) == (1, 1)
    assert db.c.find_one() == {"_id": 1, "z": 3}


@pytest.mark.parametrize("call, message", [
    (lambda c: c.update_one({}, {"x": 1}), "update only works with \\$ operators"),
    (lambda c: c.update_many({}, {}), "update only works with \\$ operators"),
    (lambda c: c.replace_one({}, {"$set": {"x": 1}}), "replacement can not include \\$"),
])
def test_update_and_replacement_documents_are_told_apart(db, call, message):
    with pytest.raises(ValueError, match=message):
        call(db.c)


@pytest.mark.parametrize("call, message", [
    (lambda c: c.update_one("x", {"$set": {}}), "filter must be an instance of dict"),
    (lambda c: c.delete_one(None), "filter must be an instance of dict"),
    (lambda c: c.update_one({}, {"$set": {}}, upsert=1), "upsert must be True or False"),
    (lambda c: c.insert_one({}, bypass_document_validation="no"),
     "bypass_document_validation must be True or False"),
    (lambda c: c.delete_many({}, collation=3), "collation must be a dict"),
])
def test_bad_arguments_raise_type_error_naming_them(db, call, message):
    with pytest.raises(TypeError, match=message):
        call(db.c)


def test_update_error_from_the_server_is_a_write_error(db):
    db.c.insert_one({"_id": 1, "x": "text"})
    with pytest.raises(OperationFailure) as info:
        db.c.update_one({"_id": 1}, {"$inc": {"x": 1}})
    assert type(info.value).__name__ == "WriteError"
    assert info.value.code == 14


def test_delete_one_and_many_report_counts(db):
    db.c.insert_many([{"x": 1} for _ in range(3)])
    assert db.c.delete_one({"x": 1}).deleted_count == 1
    result = db.c.delete_many({"x": 1})
    assert result.deleted_count == 2
    assert result.raw_result == {"n": 2, "ok": 1.0}


def test_bypass_document_validation_is_sent(recorded):
    coll, listener = recorded
    coll.insert_one({"x": 1}, bypass_document_validation=True)
    coll.update_one({}, {"$set": {"y": 1}}, bypass_document_validation=True)
    assert [c["bypassDocumentValidation"] for c in listener.started_commands()
            if next(iter(c)) in ("insert", "update")] == [True, True]


@requires("document validation")
def test_bypass_document_validation_lets_an_invalid_document_in(db):
    db.create_collection("v", validator={"x": {"$type": "int"}})
    with pytest.raises(OperationFailure):
        db.v.insert_one({"x": "text"})
    db.v.insert_one({"x": "text"}, bypass_document_validation=True)
    assert db.v.count() == 1


def test_the_collection_write_concern_is_sent_with_each_write(recorded):
    coll, listener = recorded
    coll = coll.with_options(write_concern=WriteConcern(w=1, wtimeout=1000))
    coll.insert_one({})
    coll.delete_many({})
    assert [c["writeConcern"] for c in listener.started_commands()
            if next(iter(c)) in ("insert", "delete")] == [{"w": 1, "wtimeout": 1000}] * 2


@requires("write concern errors")
def test_an_unsatisfiable_write_concern_raises_write_concern_error(db):
    coll = db.c.with_options(write_concern=WriteConcern(w=5, wtimeout=10))
    with pytest.raises(WriteConcernError):
        coll.insert_one({})


def test_unacknowledged_insert_arrives_without_a_reply(db):
    """FerretDB answers moreToCome requests anyway; the stray replies are dropped."""
    coll = db.c.with_options(write_concern=WriteConcern(w=0))
    results = [coll.insert_one({"x": i}) for i in range(20)]
    assert all(r.acknowledged is False for r in results)
    assert db.c.count() == 20
    assert db.c.find_one({"_id": results[-1].inserted_id})["x"] == 19


# ---------------------------------------------------------------- find_one_and_*


@pytest.fixture
def three(db):
    db.c.insert_many([{"_id": i, "x": 1} for i in range(3)])
    return db.c


def test_find_one_and_update_returns_the_document_before_by_default(three):
    assert three.find_one_and_update({"_id": 1}, {"$inc": {"x": 1}}) == {"_id": 1, "x": 1}
    assert three.find_one({"_id": 1}) == {"_id": 1, "x": 2}


def test_find_one_and_update_return_after_and_upsert(three):
    got = three.find_one_and_update({"_id": "u"}, {"$inc": {"seq": 1}}, upsert=True,
                                    return_document=ReturnDocument.AFTER)
    assert got == {"_id": "u", "seq": 1}


def test_find_one_and_delete_honours_sort(three):
    assert three.find_one_and_delete({"x": 1}, sort=[("_id", -1)]) == {"_id": 2, "x": 1}
    assert three.count() == 2


def test_find_one_and_replace_returns_none_when_nothing_matches(three):
    assert three.find_one_and_replace({"_id": 9}, {"y": 1}) is None
    assert three.find_one_and_replace({"_id": 0}, {"y": 1},
                                      return_document=ReturnDocument.AFTER) == {"_id": 0, "y": 1}


def test_find_one_and_modify_sends_the_documented_command(recorded):
    coll, listener = recorded
    coll.insert_one({"_id": 1})
    coll.find_one_and_update({"_id": 1}, {"$set": {"a": 1}}, sort=[("_id", 1)], upsert=True,
                             return_document=ReturnDocument.AFTER, maxTimeMS=500)
    [cmd] = listener.started_commands("findAndModify")
    assert list(cmd.items())[:3] == [("findAndModify", "c"), ("query", {"_id": 1}),
                                     ("new", True)]
    assert cmd["update"] == {"$set": {"a": 1}} and cmd["upsert"] is True
    assert cmd["sort"] == SON([("_id", 1)]) and cmd["maxTimeMS"] == 500


def test_find_one_and_delete_sends_a_projection_as_fields(recorded):
    coll, listener = recorded
    try:
        coll.find_one_and_delete({}, projection=["a"])
    except OperationFailure:
        pass  # FerretDB refuses "fields" (server_gaps); the command sent is what we check.
    [cmd] = listener.started_commands("findAndModify")
    assert cmd["fields"] == {"a": 1} and cmd["remove"] is True


@requires("findAndModify projection")
def test_find_one_and_delete_projection_limits_the_fields(three):
    assert three.find_one_and_delete({"_id": 0}, projection={"_id": False}) == {"x": 1}


@pytest.mark.parametrize("call, error, message", [
    (lambda c: c.find_one_and_update({}, {"x": 1}), ValueError, "\\$ operators"),
    (lambda c: c.find_one_and_replace({}, {"$inc": {"x": 1}}), ValueError, "replacement"),
    (lambda c: c.find_one_and_update({}, {"$set": {}}, return_document="after"), ValueError,
     "return_document must be ReturnDocument.BEFORE or ReturnDocument.AFTER"),
    (lambda c: c.find_one_and_delete({}, sort={"a": 1}), TypeError, "passing a dict to sort"),
    (lambda c: c.find_one_and_delete({}, sort="a"), TypeError,
     "list of \\(key, direction\\) pairs for the sort"),
    (lambda c: c.find_one_and_delete({}, sort=[]), ValueError, "must not be the empty list"),
    (lambda c: c.find_one_and_delete("x"), TypeError, "filter must be an instance of dict"),
])
def test_find_one_and_modify_rejects_bad_arguments(db, call, error, message):
    with pytest.raises(error, match=message):
        call(db.c)


# ---------------------------------------------------------------- rename


def test_rename_moves_the_documents(db):
    db.old.insert_one({"_id": 1})
    db.old.rename("new")
    assert db.new.find_one() == {"_id": 1}
    assert "old" not in db.collection_names()


def test_rename_onto_an_existing_collection_fails(db):
    db.a.insert_one({})
    db.b.insert_one({})
    with pytest.raises(OperationFailure, match="target namespace exists"):
        db.a.rename("b")


def test_rename_passes_options_to_the_command(recorded):
    coll, listener = recorded
    coll.insert_one({})
    try:
        coll.rename("d", dropTarget=True)
    except OperationFailure:
        pass  # FerretDB refuses dropTarget (server_gaps); the command sent is what we check.
    [cmd] = listener.started_commands("renameCollection")
    db_name = coll.database.name
    assert cmd["renameCollection"] == f"{db_name}.c" and cmd["to"] == f"{db_name}.d"
    assert cmd["dropTarget"] is True


@requires("renameCollection dropTarget")
def test_rename_with_drop_target_replaces_the_target(db):
    db.a.insert_one({"_id": "a"})
    db.b.insert_one({"_id": "b"})
    db.a.rename("b", dropTarget=True)
    assert list(db.b.find()) == [{"_id": "a"}]


@pytest.mark.parametrize("name, error", [(5, TypeError), ("", InvalidName),
                                         ("a..b", InvalidName), ("$x", InvalidName),
                                         (".a", InvalidName)])
def test_rename_validates_the_new_name(db, name, error):
    with pytest.raises(error):
        db.c.rename(name)


def test_raw_bson_documents_are_inserted_unchanged(db):
    from bson.raw_bson import RawBSONDocument

    with_id = RawBSONDocument(bson.BSON.encode({"_id": 1, "a": 1}))
    without_id = RawBSONDocument(bson.BSON.encode({"b": 2}))
    assert db.c.insert_one(with_id).inserted_id == 1
    assert db.c.insert_many([without_id]).inserted_ids == [None]
    assert db.c.count() == 2 and db.c.find_one({"b": 2})["_id"] is not None
