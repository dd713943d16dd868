"""SON manipulators and how a Database orders and applies them."""
from __future__ import annotations

import pytest

from bson.dbref import DBRef
from bson.objectid import ObjectId
from bson.son import SON
from mongofw.son_manipulators import default_plugin as son_manipulators_plugin
from pymongo import MongoClient
from pymongo.son_manipulator import (
    AutoReference,
    NamespaceInjector,
    ObjectIdInjector,
    ObjectIdShuffler,
    SONManipulator,
)


@pytest.fixture
def db():
    client = MongoClient("mongodb://127.0.0.1:1/", connect=False)
    yield client.test
    client.close()


def test_base_manipulator_returns_documents_unchanged(db):
    doc = {"a": 1}
    base = SONManipulator()
    assert base.will_copy() is False
    assert base.transform_incoming(doc, db.c) is doc
    assert base.transform_outgoing(doc, db.c) is doc


def test_object_id_injector_adds_a_missing_id_only(db):
    doc = ObjectIdInjector().transform_incoming({"a": 1}, db.c)
    assert isinstance(doc["_id"], ObjectId)
    assert ObjectIdInjector().transform_incoming({"_id": 5}, db.c) == {"_id": 5}


def test_object_id_shuffler_moves_id_first_in_a_copy(db):
    original = {"a": 1, "_id": 2}
    moved = ObjectIdShuffler().transform_incoming(original, db.c)
    assert isinstance(moved, SON) and list(moved) == ["_id", "a"]
    assert list(original) == ["a", "_id"] and ObjectIdShuffler().will_copy() is True


def test_namespace_injector_adds_the_collection_name(db):
    assert NamespaceInjector().transform_incoming({"a": 1}, db.people) == \
        {"a": 1, "_ns": "people"}


def test_auto_reference_turns_embedded_saved_documents_into_dbrefs_and_back(db, monkeypatch):
    auto = AutoReference(db)
    doc = {"owner": {"_id": 7, "_ns": "people", "name": "ann"},
           "pets": [{"_id": 8, "_ns": "pets"}], "plain": {"x": 1}}
    stored = auto.transform_incoming(doc, db.c)
    assert stored["owner"] == DBRef("people", 7) and stored["pets"] == [DBRef("pets", 8)]
    assert stored["plain"] == {"x": 1} and doc["owner"]["name"] == "ann"
    monkeypatch.setattr(type(db), "dereference",
                        lambda self, ref: {"_id": ref.id, "from": ref.collection})
    loaded = auto.transform_outgoing(stored, db.c)
    assert loaded["owner"] == {"_id": 7, "from": "people"}
    assert loaded["pets"] == [{"_id": 8, "from": "pets"}]


def test_database_orders_manipulators_and_lists_them_by_class_name(db):
    db.add_son_manipulator(NamespaceInjector())
    db.add_son_manipulator(ObjectIdInjector())
    db.add_son_manipulator(ObjectIdShuffler())
    db.add_son_manipulator(AutoReference(db))
    assert db.incoming_manipulators == ["ObjectIdInjector", "NamespaceInjector"]
    assert db.incoming_copying_manipulators == ["ObjectIdShuffler", "AutoReference"]
    assert db.outgoing_manipulators == []
    assert db.outgoing_copying_manipulators == ["AutoReference"]
    with pytest.raises(TypeError, match="SONManipulator"):
        db.add_son_manipulator(object())


def test_the_default_plugin_starts_a_database_with_no_manipulators(db):
    assert son_manipulators_plugin.mongofw_son_manipulators(db) == []
