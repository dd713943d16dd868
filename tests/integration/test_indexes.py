"""Index management against the real server."""
from __future__ import annotations

import pytest

from mongofw.errors import OperationFailure
from pymongo import ASCENDING, DESCENDING, GEO2D, HASHED, TEXT, MongoClient
from pymongo.collation import Collation
from pymongo.command_cursor import CommandCursor
from pymongo.operations import IndexModel
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import requires


def test_create_index_generates_names_and_index_information_lists_keys(db):
    my_collection = db.c
    assert my_collection.create_index("mike") == "mike_1"
    assert my_collection.create_index([("mike", DESCENDING), ("eliot", ASCENDING)]) == \
        "mike_-1_eliot_1"
    assert my_collection.create_index([("mike", DESCENDING)], background=True) == "mike_-1"
    assert my_collection.create_index("s", name="custom", unique=True) == "custom"
    info = my_collection.index_information()
    assert set(info) == {"_id_", "mike_1", "mike_-1_eliot_1", "mike_-1", "custom"}
    assert info["mike_-1_eliot_1"]["key"] == [("mike", -1), ("eliot", 1)]
    assert info["custom"]["unique"] is True
    assert "name" not in info["custom"] and "ns" not in info["custom"]


def test_create_indexes_docs_example(db):
    index1 = IndexModel([("hello", DESCENDING), ("world", ASCENDING)], name="hello_world")
    index2 = IndexModel([("goodbye", DESCENDING)])
    assert db.test.create_indexes([index1, index2]) == ["hello_world", "goodbye_-1"]
    with pytest.raises(TypeError, match="IndexModel"):
        db.test.create_indexes([{"key": {"a": 1}}])


def test_unique_index_rejects_duplicates(db):
    db.u.create_index("k", unique=True)
    db.u.insert_one({"k": 1})
    with pytest.raises(OperationFailure) as info:
        db.u.insert_one({"k": 1})
    assert info.value.code == 11000


def test_list_indexes_is_a_command_cursor_and_empty_for_a_missing_collection(db):
    db.c.insert_one({})
    cursor = db.c.list_indexes()
    assert isinstance(cursor, CommandCursor)
    assert [ix["name"] for ix in cursor] == ["_id_"]
    assert list(db.missing.list_indexes()) == []
    assert db.missing.index_information() == {}


def test_drop_index_by_name_and_by_spec_then_drop_indexes(db):
    db.c.create_index([("a", 1)])
    db.c.create_index([("b", -1), ("c", 1)])
    db.c.create_index("d")
    db.c.drop_index("a_1")
    db.c.drop_index([("b", -1), ("c", 1)])
    assert set(db.c.index_information()) == {"_id_", "d_1"}
    with pytest.raises(OperationFailure):
        db.c.drop_index("nope_1")
    with pytest.raises(TypeError, match="index_or_name"):
        db.c.drop_index(5)
    db.c.drop_indexes()
    assert set(db.c.index_information()) == {"_id_"}
    db.missing.drop_indexes()  # a missing collection is not an error


def test_ensure_index_is_deprecated_and_returns_the_name(db):
    with pytest.warns(DeprecationWarning):
        assert db.c.ensure_index("x", unique=True) == "x_1"
    assert db.c.index_information()["x_1"]["unique"] is True


def test_index_commands_carry_the_collection_write_concern(server_uri, db):
    from pymongo.write_concern import WriteConcern

    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        coll = client[db.name].get_collection("c", write_concern=WriteConcern(w=1, wtimeout=500))
        coll.create_index("a")
        coll.drop_index("a_1")
    [create] = listener.started_commands("createIndexes")
    assert create["indexes"] == [{"name": "a_1", "key": {"a": 1}}]
    assert create["writeConcern"] == {"w": 1, "wtimeout": 500}
    assert listener.started_commands("dropIndexes")[0]["writeConcern"] == \
        {"w": 1, "wtimeout": 500}


def test_index_types_and_options_are_sent_as_given(server_uri, db):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        coll = client[db.name].c
        for keys, kwargs in (([("t", TEXT)], {}), ([("loc", GEO2D)], {"min": -10, "max": 10}),
                             ([("h", HASHED)], {}), ("ts", {"expireAfterSeconds": 60}),
                             ("p", {"partialFilterExpression": {"p": {"$gt": 1}}}),
                             ("w", {"collation": Collation("en_US")})):
            try:
                coll.create_index(keys, **kwargs)
            except OperationFailure:
                pass  # FerretDB: see GAPS["special indexes"], GAPS["index options"]
    sent = [c["indexes"][0] for c in listener.started_commands("createIndexes")]
    assert [ix["name"] for ix in sent] == ["t_text", "loc_2d", "h_hashed", "ts_1", "p_1", "w_1"]
    assert (sent[1]["min"], sent[3]["expireAfterSeconds"]) == (-10, 60)
    assert sent[5]["collation"] == {"locale": "en_US"}


@requires("special indexes")
def test_text_index_supports_text_search(db):
    db.c.create_index([("t", TEXT)])
    db.c.insert_many([{"t": "hello world"}, {"t": "goodbye"}])
    assert [d["t"] for d in db.c.find({"$text": {"$search": "hello"}})] == ["hello world"]


@requires("index options")
def test_ttl_index_option_is_kept(db):
    db.c.create_index("ts", expireAfterSeconds=60)
    assert db.c.index_information()["ts_1"]["expireAfterSeconds"] == 60


def test_reindex_sends_reindex(server_uri, db):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        client[db.name].c.insert_one({})
        try:
            client[db.name].c.reindex()
        except OperationFailure:
            pass  # FerretDB: GAPS["reIndex"]
    assert listener.started_commands("reIndex")[0]["reIndex"] == "c"


@requires("reIndex")
def test_reindex_rebuilds(db):
    db.c.insert_one({})
    assert db.c.reindex()["ok"] == 1


def test_hint_by_index_spec_and_name_on_find_and_count(db):
    db.c.insert_many([{"a": i} for i in range(5)])
    db.c.create_index("a")
    assert [d["a"] for d in db.c.find().hint([("a", ASCENDING)]).limit(2)] == [0, 1]
    assert db.c.find({"a": {"$gt": 1}}).hint("a_1").count() == 3
    assert db.c.count(hint="a_1") == 5
