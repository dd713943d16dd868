"""3.6-3.9 read and listing helpers against the real server."""
from __future__ import annotations

from contextlib import nullcontext

import pytest

from pymongo import ASCENDING, MongoClient
from pymongo.command_cursor import CommandCursor
from pymongo.errors import ConfigurationError, OperationFailure
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import against_ferretdb, requires


@pytest.fixture
def people(db):
    db.people.insert_many([{"_id": i, "age": 20 + i, "team": "ab"[i % 2]} for i in range(10)])
    return db.people


# ---------------------------------------------------------------- counting


def test_count_documents_counts_what_the_filter_matches(people):
    assert people.count_documents({}) == 10
    assert people.count_documents({"team": "a"}) == 5
    assert people.count_documents({"age": {"$gte": 25}}, skip=2, limit=2) == 2
    assert people.count_documents({"age": {"$gte": 25}}, skip=4) == 1
    assert people.count_documents({"age": {"$gt": 100}}) == 0


def test_count_documents_of_a_missing_collection_is_zero(db):
    assert db.nothing_here.count_documents({}) == 0


def test_count_documents_runs_one_aggregation(server_uri, db, people):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        client[db.name].people.count_documents({"team": "b"}, limit=3, hint=[("_id", 1)],
                                               maxTimeMS=5000)
    [cmd] = listener.started_commands("aggregate")
    assert cmd["pipeline"] == [{"$match": {"team": "b"}}, {"$limit": 3},
                               {"$group": {"_id": 1, "n": {"$sum": 1}}}]
    assert (cmd["hint"], cmd["maxTimeMS"]) == ({"_id": 1}, 5000)


def test_count_documents_checks_its_arguments(people):
    with pytest.raises(TypeError, match="filter must be an instance of dict"):
        people.count_documents(None)
    with pytest.raises(ValueError, match="limit must be a positive integer, not 0"):
        people.count_documents({}, limit=0)
    with pytest.raises(ValueError, match="skip must be a non-negative integer, not -1"):
        people.count_documents({}, skip=-1)
    with pytest.raises(TypeError, match="session must be an instance of ClientSession"):
        people.count_documents({}, session=object())


def test_estimated_document_count_reads_the_collection_size(people, db):
    assert people.estimated_document_count() == 10
    assert people.estimated_document_count(maxTimeMS=5000) == 10
    assert db.nothing_here.estimated_document_count() == 0


# ---------------------------------------------------------------- listing


def test_list_collections_is_a_command_cursor_of_collection_documents(db, people):
    db.other.insert_one({})
    cursor = db.list_collections()
    assert isinstance(cursor, CommandCursor)
    infos = {info["name"]: info for info in cursor}
    assert set(infos) == {"people", "other"}
    assert infos["people"]["type"] == "collection"
    assert [c["name"] for c in db.list_collections(filter={"name": "other"})] == ["other"]


def test_list_collection_names_asks_for_names_only(server_uri, db, people):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        assert client[db.name].list_collection_names() == ["people"]
        assert client[db.name].list_collection_names(filter={"name": "nope"}) == []
    first, second = listener.started_commands("listCollections")
    assert first["nameOnly"] is True and "filter" not in first
    assert second["nameOnly"] is True and second["filter"] == {"name": "nope"}


def test_list_databases_and_their_names(client, people, db):
    names = client.list_database_names()
    assert db.name in names
    infos = {info["name"]: info for info in client.list_databases()}
    assert db.name in infos and "sizeOnDisk" in infos[db.name]
    assert set(client.database_names()) == set(names)


@requires("database aggregate")
def test_database_level_aggregate_returns_the_pipeline_results(db):
    assert list(db.aggregate([{"$documents": [{"x": 1}, {"x": 2}]}])) == [{"x": 1}, {"x": 2}]


def test_database_level_aggregate_sends_aggregate_1(server_uri, db):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        with pytest.raises(OperationFailure) if against_ferretdb() else nullcontext():
            client[db.name].aggregate([{"$documents": [{"x": 1}]}], batchSize=5)
    [cmd] = listener.started_commands("aggregate")
    assert (cmd["aggregate"], cmd["pipeline"], cmd["cursor"]) == \
        (1, [{"$documents": [{"x": 1}]}], {"batchSize": 5})


@requires("aggregate $merge")
def test_aggregate_with_merge_writes_its_output(people, db):
    people.aggregate([{"$match": {"team": "a"}}, {"$merge": {"into": "team_a"}}])
    assert sorted(d["_id"] for d in db.team_a.find()) == [0, 2, 4, 6, 8]


# ---------------------------------------------------------------- default database


def test_get_database_without_a_name_is_the_uri_database(server_uri):
    with MongoClient(server_uri.rstrip("/") + "/fromuri", connect=False) as client:
        assert client.get_database().name == "fromuri"
        assert client.get_default_database("other").name == "fromuri"
    with MongoClient(server_uri, connect=False) as client:
        assert client.get_default_database("other").name == "other"
        with pytest.raises(ConfigurationError, match="No default database defined"):
            client.get_database()
        with pytest.raises(ConfigurationError, match="No default database defined"):
            client.get_default_database()


def test_get_default_database_takes_options(server_uri):
    from pymongo import ReadPreference

    with MongoClient(server_uri, connect=False) as client:
        db = client.get_default_database("x", read_preference=ReadPreference.SECONDARY)
        assert db.read_preference == ReadPreference.SECONDARY


def test_sorted_listing_helper_keeps_order(people):
    assert [d["_id"] for d in people.find(sort=[("_id", ASCENDING)], limit=3)] == [0, 1, 2]
