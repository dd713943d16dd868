"""The deprecated insert/save/update/remove/find_and_modify, with SON manipulators, on the server."""
from __future__ import annotations

import warnings

import pytest

from bson.errors import InvalidDocument
from bson.objectid import ObjectId
from bson.son import SON
from mongofw.errors import DuplicateKeyError
from mongofw.son_manipulators.manipulators import (
    NamespaceInjector,
    ObjectIdShuffler,
    SONManipulator,
)
from pymongo import MongoClient
from tests.support.listeners import RecordingListener

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class Stamp(SONManipulator):
    """Adds ``stamped: True`` on the way in and ``seen: True`` on the way out."""

    def transform_incoming(self, son, collection):
        son["stamped"] = True
        return son

    def transform_outgoing(self, son, collection):
        son["seen"] = True
        return son


@pytest.mark.parametrize("call, name", [
    (lambda c: c.insert({}), "insert"), (lambda c: c.save({}), "save"),
    (lambda c: c.update({}, {"$set": {"a": 1}}), "update"), (lambda c: c.remove({}), "remove"),
    (lambda c: c.find_and_modify({}, remove=True), "find_and_modify"),
])
def test_legacy_methods_warn_that_they_are_deprecated(db, call, name):
    with pytest.warns(DeprecationWarning, match=f"^{name} is deprecated"):
        call(db.c)


def test_insert_one_document_returns_its_id(db):
    doc = {"a": 1}
    _id = db.c.insert(doc)
    assert isinstance(_id, ObjectId) and doc["_id"] == _id
    assert db.c.find_one() == {"_id": _id, "a": 1}


def test_insert_a_list_returns_the_ids_in_order(db):
    ids = db.c.insert([{"_id": 3}, {"b": 1}, {"_id": 1}])
    assert ids[0] == 3 and isinstance(ids[1], ObjectId) and ids[2] == 1


def test_insert_duplicate_raises_duplicate_key_error(db):
    db.c.insert({"_id": 1})
    with pytest.raises(DuplicateKeyError):
        db.c.insert({"_id": 1})


def test_insert_continue_on_error_inserts_the_rest_and_raises_the_last_error(db):
    db.c.insert({"_id": 1})
    with pytest.raises(DuplicateKeyError) as info:
        db.c.insert([{"_id": 1}, {"_id": 2}, {"_id": 1}], continue_on_error=True)
    assert info.value.details["index"] == 2
    assert sorted(d["_id"] for d in db.c.find()) == [1, 2]


def test_insert_without_continue_on_error_stops_at_the_first_error(db):
    db.c.insert({"_id": 1})
    with pytest.raises(DuplicateKeyError):
        db.c.insert([{"_id": 1}, {"_id": 2}])
    assert db.c.count() == 1


def test_insert_check_keys(db):
    with pytest.raises(InvalidDocument):
        db.c.insert({"a.b": 1})


def test_insert_kwargs_are_the_write_concern(server_uri, db):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        client[db.name].c.insert({"_id": 1}, w=1, wtimeout=500)
        with pytest.raises(TypeError, match="unknown write concern option.*'bogus'"):
            client[db.name].c.insert({"_id": 2}, bogus=1)
    [cmd] = listener.started_commands("insert")
    assert cmd["writeConcern"] == {"w": 1, "wtimeout": 500}


def test_insert_applies_incoming_manipulators_when_manipulate(db):
    db.add_son_manipulator(Stamp())
    db.add_son_manipulator(NamespaceInjector())
    db.c.insert({"_id": 1})
    db.c.insert({"_id": 2}, manipulate=False)
    assert db.c.find_one({"_id": 1}, manipulate=False) == {"_id": 1, "stamped": True,
                                                           "_ns": "c"}
    assert db.c.find_one({"_id": 2}, manipulate=False) == {"_id": 2}


def test_copying_manipulators_run_after_the_id_is_added(db):
    db.add_son_manipulator(ObjectIdShuffler())
    doc = SON([("a", 1)])
    _id = db.c.insert(doc)
    assert list(db.c.find_one({"_id": _id}).keys())[0] == "_id"


def test_save_inserts_without_id_and_upserts_with_one(db):
    doc = {"a": 1}
    _id = db.c.save(doc)
    assert doc["_id"] == _id
    doc["a"] = 2
    assert db.c.save(doc) == _id
    assert db.c.save({"_id": "new", "z": 1}) == "new"
    assert sorted(db.c.find(), key=str) == sorted([{"_id": _id, "a": 2},
                                                   {"_id": "new", "z": 1}], key=str)


def test_save_rejects_a_non_document(db):
    with pytest.raises(TypeError, match="to_save must be an instance of dict"):
        db.c.save("x")


def test_update_returns_the_legacy_result_document(db):
    db.c.insert([{"x": 1}, {"x": 1}])
    assert db.c.update({"x": 1}, {"$set": {"y": 1}}, multi=True) == {
        "n": 2, "nModified": 2, "ok": 1.0, "updatedExisting": True}
    result = db.c.update({"_id": "up"}, {"$set": {"y": 1}}, upsert=True)
    assert result["upserted"] == "up" and result["updatedExisting"] is False


def test_update_replacement_checks_keys_and_applies_manipulators(db):
    db.add_son_manipulator(Stamp())
    db.c.insert({"_id": 1}, manipulate=False)
    with pytest.raises(InvalidDocument):
        db.c.update({"_id": 1}, {"a.b": 1})
    db.c.update({"_id": 1}, {"v": 1}, manipulate=True)
    assert db.c.find_one({"_id": 1}, manipulate=False) == {"_id": 1, "v": 1, "stamped": True}


def test_update_refuses_multi_with_a_replacement(db):
    with pytest.raises(ValueError, match="multi=True only works with \\$ operators"):
        db.c.update({}, {"a": 1}, multi=True)


def test_remove_by_spec_by_id_and_everything(db):
    db.c.insert([{"_id": i, "k": i % 2} for i in range(6)])
    assert db.c.remove(0) == {"n": 1, "ok": 1.0}
    assert db.c.remove({"k": 1}, multi=False)["n"] == 1
    assert db.c.remove()["n"] == 4
    assert db.c.count() == 0


def test_find_and_modify_update_and_full_response(db):
    db.c.insert({"_id": 1, "n": 0})
    assert db.c.find_and_modify({"_id": 1}, {"$inc": {"n": 1}}) == {"_id": 1, "n": 0}
    reply = db.c.find_and_modify({"_id": 1}, {"$inc": {"n": 1}}, new=True, full_response=True)
    assert reply["ok"] == 1.0 and reply["value"] == {"_id": 1, "n": 2}


def test_find_and_modify_remove_sort_and_no_match(db):
    db.c.insert([{"_id": i} for i in range(3)])
    assert db.c.find_and_modify(remove=True, sort=[("_id", -1)]) == {"_id": 2}
    assert db.c.find_and_modify({"_id": 9}, remove=True) is None


def test_find_and_modify_upsert_and_outgoing_manipulators(db):
    db.add_son_manipulator(Stamp())
    got = db.c.find_and_modify({"_id": 5}, {"$set": {"a": 1}}, upsert=True, new=True,
                               manipulate=True)
    assert got == {"_id": 5, "a": 1, "seen": True}


def test_find_and_modify_mapping_sort_is_deprecated(db):
    db.c.insert({"_id": 1})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        db.c.find_and_modify({}, remove=True, sort={"_id": 1})
    assert any("mapping types for `sort`" in str(w.message) for w in caught)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Must either update or remove"),
    ({"update": {"$set": {"a": 1}}, "remove": True}, "Can't do both update and remove"),
])
def test_find_and_modify_needs_exactly_one_of_update_and_remove(db, kwargs, message):
    with pytest.raises(ValueError, match=message):
        db.c.find_and_modify({}, **kwargs)
