"""Index specifiers, generated names and IndexModel (no server)."""
from __future__ import annotations

import pytest

from bson.son import SON
from mongofw.client.index_specs import (
    gen_index_name,
    hint_document,
    index_document,
    index_list,
)
from pymongo import ASCENDING, DESCENDING, GEO2D, GEOHAYSTACK, GEOSPHERE, HASHED, TEXT
from pymongo.collation import Collation
from pymongo.operations import IndexModel


def test_index_list_from_a_key_a_key_and_direction_and_a_list():
    assert index_list("a") == [("a", 1)]
    assert index_list("a", DESCENDING) == [("a", -1)]
    assert index_list([("a", 1), ["b", TEXT]]) == [("a", 1), ("b", "text")]


@pytest.mark.parametrize("value, error, message", [
    ({"a": 1}, TypeError, r"passing a dict .* did you mean \[\('a', 1\)\]"),
    (5, TypeError, "must be an instance of list"),
    ([], ValueError, "must not be the empty list"),
    ([("a", 1, 2)], TypeError, r"\(key, direction\) pair"),
])
def test_index_list_rejects_bad_specifiers(value, error, message):
    with pytest.raises(error, match=message):
        index_list(value)


def test_index_document_keeps_order_and_checks_keys_and_directions():
    doc = index_document([("b", DESCENDING), ("a", ASCENDING)])
    assert isinstance(doc, SON) and list(doc.items()) == [("b", -1), ("a", 1)]
    assert index_document([("s", {"$meta": "textScore"})]) == {"s": {"$meta": "textScore"}}
    with pytest.raises(TypeError, match="first item in each key pair must be"):
        index_document([(1, 1)])
    with pytest.raises(TypeError, match="second item in each key pair must be"):
        index_document([("a", 1.5)])
    with pytest.raises(TypeError, match="passing a dict"):
        index_document({"a": 1})


def test_generated_names():
    assert gen_index_name([("mike", DESCENDING), ("eliot", ASCENDING)]) == "mike_-1_eliot_1"
    assert gen_index_name([("loc", GEO2D), ("h", HASHED)]) == "loc_2d_h_hashed"
    assert (GEOHAYSTACK, GEOSPHERE) == ("geoHaystack", "2dsphere")


def test_hint_document():
    assert hint_document(None) is None
    assert hint_document("a_1") == "a_1"
    assert hint_document([("a", 1)]) == {"a": 1}


def test_index_model_document():
    model = IndexModel([("hello", DESCENDING), ("world", ASCENDING)], name="hello_world",
                       unique=True, collation=Collation("en"))
    # PyMongo 3.4's order: the options as given, then the key and the collation.
    assert list(model.document.items()) == [
        ("name", "hello_world"), ("unique", True), ("key", {"hello": -1, "world": 1}),
        ("collation", {"locale": "en"})]
    assert IndexModel("goodbye").document == {"name": "goodbye_1", "key": {"goodbye": 1}}
    with pytest.raises(TypeError, match="name must be an instance of str"):
        IndexModel("a", name=5)


def test_a_direction_needs_a_single_key():
    with pytest.raises(TypeError, match="key must be an instance of str when a direction"):
        index_list([("a", 1)], DESCENDING)


def test_index_model_repr_shows_its_document():
    assert repr(IndexModel([("a", ASCENDING)], unique=True)) == \
        "IndexModel({'unique': True, 'name': 'a_1', 'key': SON([('a', 1)])})"


@pytest.mark.parametrize("indexes, error, message", [
    (IndexModel("a"), TypeError, "indexes must be a list of IndexModel instances, not "
                                 "IndexModel"),
    ([], ValueError, "must be a non-empty list"),
    (["a"], TypeError, "'a' is not an instance of pymongo.operations.IndexModel"),
])
def test_create_indexes_checks_its_argument_before_any_io(indexes, error, message):
    from pymongo import MongoClient

    with MongoClient("mongodb://127.0.0.1:1/", connect=False,
                     serverSelectionTimeoutMS=100) as client:
        with pytest.raises(error, match=message):
            client.db.c.create_indexes(indexes)
