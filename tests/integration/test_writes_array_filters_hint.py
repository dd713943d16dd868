"""3.6-3.11 write options against the real server: array_filters, hint, pipeline updates.

FerretDB 1.24 implements neither arrayFilters nor pipeline updates (see the server gaps):
there the tests that need the server's answer skip, and their companions check the exact
command we send.
"""
from __future__ import annotations

from contextlib import nullcontext

import pytest

from pymongo import ASCENDING, MongoClient, ReturnDocument
from pymongo.errors import ConfigurationError, OperationFailure
from pymongo.operations import DeleteMany, DeleteOne, ReplaceOne, UpdateMany, UpdateOne
from pymongo.write_concern import WriteConcern
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import against_ferretdb, requires


@pytest.fixture
def grades(db):
    db.grades.insert_many([
        {"_id": 1, "scores": [95, 92, 90]},
        {"_id": 2, "scores": [98, 100, 102]},
        {"_id": 3, "scores": [85, 100, 101]},
    ])
    return db.grades


@pytest.fixture
def recorded(server_uri, db):
    """(the grades collection on a listening client, the listener)."""
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    yield client[db.name].grades, listener
    client.close()


def _refused_on_ferretdb():
    """The server's refusal where FerretDB lacks the feature (a real mongod applies it)."""
    return pytest.raises(OperationFailure) if against_ferretdb() else nullcontext()


def _last(listener, command_name, field):
    return listener.started_commands(command_name)[-1][field]


def _scores(coll):
    return [d["scores"] for d in coll.find(sort=[("_id", ASCENDING)])]


# ---------------------------------------------------------------- array_filters


@requires("arrayFilters")
def test_update_one_applies_array_filters(grades):
    result = grades.update_one({"_id": 2}, {"$set": {"scores.$[high]": 100}},
                               array_filters=[{"high": {"$gte": 100}}])
    assert (result.matched_count, result.modified_count) == (1, 1)
    assert grades.find_one({"_id": 2})["scores"] == [98, 100, 100]


@requires("arrayFilters")
def test_update_many_and_bulk_models_apply_array_filters(grades):
    grades.update_many({}, {"$set": {"scores.$[high]": 100}},
                       array_filters=[{"high": {"$gt": 100}}])
    grades.bulk_write([
        UpdateOne({"_id": 1}, {"$set": {"scores.$[x]": 0}}, array_filters=[{"x": 92}]),
        UpdateMany({"_id": {"$gt": 1}}, {"$inc": {"scores.$[x]": 1}},
                   array_filters=[{"x": 98}]),
    ])
    assert _scores(grades) == [[95, 0, 90], [99, 100, 100], [85, 100, 100]]


@requires("arrayFilters")
def test_find_one_and_update_with_array_filters_returns_the_new_document(grades):
    doc = grades.find_one_and_update({"_id": 3}, {"$inc": {"scores.$[low]": 10}},
                                     array_filters=[{"low": {"$lt": 90}}],
                                     return_document=ReturnDocument.AFTER)
    assert doc == {"_id": 3, "scores": [95, 100, 101]}


def test_array_filters_travel_in_each_statement_and_find_and_modify(recorded):
    coll, listener = recorded
    high = [{"high": {"$gte": 100}}]
    for call in (lambda: coll.update_one({"_id": 2}, {"$set": {"s.$[high]": 1}},
                                         array_filters=high),
                 lambda: coll.update_many({}, {"$set": {"s.$[high]": 1}},
                                          array_filters=high),
                 lambda: coll.bulk_write([UpdateOne({}, {"$set": {"s.$[high]": 1}},
                                                    array_filters=high)])):
        with _refused_on_ferretdb():
            call()
        assert _last(listener, "update", "updates")[0]["arrayFilters"] == high
    with _refused_on_ferretdb():
        coll.find_one_and_update({"_id": 3}, {"$set": {"s.$[high]": 1}}, array_filters=high)
    assert _last(listener, "findAndModify", "arrayFilters") == high


def test_array_filters_must_be_a_list_of_documents(grades):
    with pytest.raises(TypeError, match="array_filters must be a list, not dict"):
        grades.update_one({}, {"$set": {"a": 1}}, array_filters={"x": 1})
    with pytest.raises(TypeError, match="each item of array_filters must be an instance of "
                                        "dict"):
        UpdateMany({}, {"$set": {"a": 1}}, array_filters=[1])


def test_array_filters_refuse_an_unacknowledged_write(grades):
    unacknowledged = grades.with_options(write_concern=WriteConcern(w=0))
    with pytest.raises(ConfigurationError, match="arrayFilters is unsupported for "
                                                 "unacknowledged writes"):
        unacknowledged.update_one({}, {"$set": {"scores.$[x]": 0}}, array_filters=[{"x": 1}])
    with pytest.raises(ConfigurationError, match="arrayFilters is unsupported"):
        unacknowledged.find_one_and_update({}, {"$set": {"a": 1}}, array_filters=[{"x": 1}])
    assert grades.find_one({"_id": 1})["scores"] == [95, 92, 90]


def test_array_filters_none_is_the_same_as_not_giving_them(recorded):
    coll, listener = recorded
    coll.insert_one({"_id": 1, "a": 1})
    result = coll.update_one({"_id": 1}, {"$set": {"a": 2}}, array_filters=None)
    assert result.modified_count == 1
    assert "arrayFilters" not in _last(listener, "update", "updates")[0]


# ---------------------------------------------------------------- hint


def test_hint_travels_in_update_and_delete_statements(recorded):
    coll, listener = recorded
    coll.insert_many([{"_id": 1, "a": 1}, {"_id": 2, "a": 2}])
    coll.update_one({"_id": 1}, {"$set": {"a": 5}}, hint="_id_")
    assert _last(listener, "update", "updates")[0]["hint"] == "_id_"
    coll.replace_one({"_id": 1}, {"a": 6}, hint=[("_id", ASCENDING)])
    assert _last(listener, "update", "updates")[0]["hint"] == {"_id": 1}
    coll.delete_one({"_id": 2}, hint="_id_")
    assert _last(listener, "delete", "deletes")[0]["hint"] == "_id_"
    assert list(coll.find()) == [{"_id": 1, "a": 6}]


def test_bulk_models_carry_hints(recorded):
    coll, listener = recorded
    coll.insert_many([{"_id": 1}, {"_id": 2}, {"_id": 3}])
    coll.bulk_write([ReplaceOne({"_id": 1}, {"b": 1}, hint="_id_"),
                     DeleteOne({"_id": 2}, hint=[("_id", 1)]),
                     DeleteMany({"_id": 3}, hint="_id_")])
    assert _last(listener, "update", "updates")[0]["hint"] == "_id_"
    assert [d["hint"] for d in _last(listener, "delete", "deletes")] == [{"_id": 1}, "_id_"]
    assert list(coll.find()) == [{"_id": 1, "b": 1}]


def test_hint_refuses_an_unacknowledged_write(grades):
    unacknowledged = grades.with_options(write_concern=WriteConcern(w=0))
    with pytest.raises(ConfigurationError, match="hint is unsupported for unacknowledged"):
        unacknowledged.delete_many({}, hint="_id_")
    with pytest.raises(ConfigurationError, match="hint is unsupported for unacknowledged"):
        unacknowledged.find_one_and_delete({}, hint="_id_")
    assert grades.count() == 3


def test_find_one_and_delete_sends_its_hint(recorded):
    coll, listener = recorded
    coll.insert_one({"_id": 1})
    assert coll.find_one_and_delete({"_id": 1}, hint="_id_") == {"_id": 1}
    assert _last(listener, "findAndModify", "hint") == "_id_"


def test_a_hint_must_name_an_index_or_list_its_keys(grades):
    with pytest.raises(TypeError, match="passing a dict to sort/create_index/hint"):
        grades.delete_one({}, hint={"_id": 1})
    with pytest.raises(TypeError):
        UpdateOne({}, {"$set": {"a": 1}}, hint=5)


# ---------------------------------------------------------------- pipeline updates


@requires("update pipelines")
def test_update_with_a_pipeline(grades):
    grades.update_one({"_id": 1}, [{"$set": {"total": {"$sum": "$scores"}}}])
    assert grades.find_one({"_id": 1})["total"] == 277


def test_update_pipeline_is_sent_as_a_list_of_stages(recorded):
    coll, listener = recorded
    with _refused_on_ferretdb():
        coll.update_many({}, [{"$set": {"b": 1}}, {"$unset": "c"}])
    assert _last(listener, "update", "updates")[0]["u"] == [{"$set": {"b": 1}}, {"$unset": "c"}]


def test_update_pipeline_must_be_a_non_empty_list_of_stages(grades):
    with pytest.raises(ValueError, match="update must not be an empty pipeline"):
        grades.update_one({}, [])
    with pytest.raises(TypeError, match="each stage of an update pipeline"):
        grades.update_many({}, ["$set"])
