"""Cursor behaviour against the real server: arguments, modifiers, slicing, state, errors.

Where FerretDB lacks a feature the test checks the find command we send (through a
command listener) and a ``requires`` twin checks the server's answer.
"""
from __future__ import annotations

import time

import pytest

from bson.code import Code
from bson.son import SON
from mongofw.errors import (
    CursorNotFound,
    ExecutionTimeout,
    InvalidOperation,
    OperationFailure,
)
from pymongo import ASCENDING, DESCENDING, MongoClient
from pymongo.collation import Collation
from pymongo.cursor import Cursor, CursorType
from pymongo.son_manipulator import SONManipulator
from tests.support.listeners import RecordingListener, without_session_fields
from tests.support.server_gaps import requires


@pytest.fixture
def rec(server_uri, db):
    """(listener, collection) on the test's database through a recording client; 10 docs."""
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    coll = client[db.name].c
    coll.insert_many([{"_id": i, "x": i % 3, "name": f"n{i}"} for i in range(10)])
    listener.clear()
    yield listener, coll
    client.close()


def _find(listener):
    [cmd] = listener.started_commands("find")
    return cmd


def test_filter_projection_skip_limit_and_sort(rec):
    _, coll = rec
    docs = list(coll.find({"x": 1}, ["name"]).sort("_id", DESCENDING).skip(1).limit(2))
    assert docs == [{"_id": 4, "name": "n4"}, {"_id": 1, "name": "n1"}]
    assert list(coll.find({}, {"_id": False, "x": True}, limit=1)) == [{"x": 0}]
    assert list(coll.find(projection=[], limit=1)) == [{"_id": 0}]
    ordered = coll.find(sort=[("x", DESCENDING), ("_id", ASCENDING)], limit=4)
    assert [d["_id"] for d in ordered] == [2, 5, 8, 1]


def test_find_sends_the_documented_options_in_one_find_command(rec):
    listener, coll = rec
    list(coll.find({"x": 1}, {"name": 1}, skip=1, limit=5, sort=[("_id", 1)], batch_size=2,
                   oplog_replay=True).comment("why").max_time_ms(5000).hint([("_id", 1)]))
    cmd = _find(listener)
    assert list(cmd)[:2] == ["find", "filter"]
    assert cmd["filter"] == {"x": 1} and cmd["projection"] == {"name": 1}
    assert (cmd["skip"], cmd["limit"], cmd["batchSize"]) == (1, 5, 2)
    assert cmd["sort"] == {"_id": 1} and cmd["hint"] == {"_id": 1}
    assert (cmd["comment"], cmd["maxTimeMS"], cmd["oplogReplay"]) == ("why", 5000, True)


def test_modifiers_become_find_options_and_methods_override_them(rec):
    listener, coll = rec
    list(coll.find(modifiers={"$maxTimeMS": 500, "$comment": "a", "$hint": "_id_"})
         .comment("b"))
    cmd = _find(listener)
    assert (cmd["maxTimeMS"], cmd["comment"], cmd["hint"]) == (500, "b", "_id_")


def test_a_query_wrapped_in_dollar_query_is_unwrapped(rec):
    listener, coll = rec
    docs = list(coll.find({"$query": {"x": 2}, "$orderby": {"_id": -1}}))
    assert [d["_id"] for d in docs] == [8, 5, 2]
    assert _find(listener)["sort"] == {"_id": -1}


def test_negative_limit_asks_for_a_single_batch(rec):
    listener, coll = rec
    assert len(list(coll.find().limit(-3))) == 3
    cmd = _find(listener)
    assert (cmd["limit"], cmd["singleBatch"]) == (3, True)
    assert listener.started_commands("getMore") == []


def test_find_one_by_id_by_filter_and_with_max_time_ms(rec):
    listener, coll = rec
    assert coll.find_one(3) == {"_id": 3, "x": 0, "name": "n3"}
    assert coll.find_one({"x": 2}, max_time_ms=700)["_id"] == 2
    assert coll.find_one({"x": 99}) is None
    assert listener.started_commands("find")[1]["maxTimeMS"] == 700


def test_index_and_slice(rec):
    _, coll = rec
    assert coll.find().sort("_id", 1)[4]["_id"] == 4
    assert [d["_id"] for d in coll.find().sort("_id", 1)[2:5]] == [2, 3, 4]
    assert [d["_id"] for d in coll.find().sort("_id", 1)[8:]] == [8, 9]
    assert list(coll.find()[3:3]) == []
    with pytest.raises(IndexError, match="no such item"):
        coll.find()[10]
    with pytest.raises(IndexError, match="negative"):
        coll.find()[-1]
    with pytest.raises(IndexError, match="slice steps"):
        coll.find()[1:5:2]
    with pytest.raises(IndexError, match="greater than start"):
        coll.find()[5:2]


def test_a_started_cursor_refuses_every_modifier(rec):
    _, coll = rec
    cursor = coll.find()
    next(cursor)
    calls = [lambda: cursor.limit(1), lambda: cursor.skip(1), lambda: cursor.sort("x"),
             lambda: cursor.batch_size(1), lambda: cursor.hint("_id_"),
             lambda: cursor.max_time_ms(1), lambda: cursor.max_scan(1),
             lambda: cursor.max([("_id", 1)]), lambda: cursor.min([("_id", 1)]),
             lambda: cursor.comment("c"), lambda: cursor.where("true"),
             lambda: cursor.collation(Collation("en_US")), lambda: cursor.add_option(2),
             lambda: cursor.remove_option(2), lambda: cursor.max_await_time_ms(1),
             lambda: cursor[1]]
    for call in calls:
        with pytest.raises(InvalidOperation, match="after executing query"):
            call()


def test_state_properties_through_a_batched_iteration(rec):
    _, coll = rec
    cursor = coll.find().sort("_id", 1).batch_size(4)
    assert (cursor.cursor_id, cursor.address, cursor.retrieved, cursor.alive) == \
        (None, None, 0, True)
    assert cursor.collection == coll
    next(cursor)
    assert cursor.retrieved == 4 and cursor.cursor_id and cursor.alive
    assert cursor.address == coll.database.client.address
    rest = list(cursor)
    assert len(rest) == 9 and cursor.retrieved == 10
    assert cursor.cursor_id == 0 and not cursor.alive


def test_rewind_and_clone_run_the_query_again(rec):
    listener, coll = rec
    cursor = coll.find({"x": 0}).sort("_id", 1)
    first = list(cursor)
    assert list(cursor) == []
    assert list(cursor.rewind()) == first
    twin = cursor.clone()
    assert isinstance(twin, Cursor) and list(twin) == first
    assert len(listener.started_commands("find")) == 3


def test_count_and_distinct_on_a_cursor(rec):
    listener, coll = rec
    cursor = coll.find({"x": {"$gte": 1}}).skip(2).limit(3).hint("_id_").max_time_ms(900)
    assert cursor.count() == 6
    assert cursor.count(with_limit_and_skip=True) == 3
    counted = listener.started_commands("count")
    assert list(without_session_fields(counted[0]).items()) == [
        ("count", "c"), ("query", {"x": {"$gte": 1}}), ("maxTimeMS", 900), ("hint", "_id_")]
    assert (counted[1]["limit"], counted[1]["skip"]) == (3, 2)
    assert sorted(coll.find({"x": {"$gte": 1}}).distinct("x")) == [1, 2]
    with pytest.raises(TypeError, match="key must be an instance of str"):
        coll.find().distinct(5)


def test_explain_returns_the_servers_plan(rec):
    listener, coll = rec
    plan = coll.find({"x": 1}).limit(2).explain()
    assert "queryPlanner" in plan
    [cmd] = listener.started_commands("explain")
    assert cmd["explain"]["find"] == "c" and cmd["explain"]["filter"] == {"x": 1}


def test_max_time_ms_exceeded_raises_execution_timeout(db):
    db.slow.insert_many([{"s": "x" * 100} for _ in range(20000)])
    with pytest.raises(ExecutionTimeout):
        list(db.slow.find({"s": {"$regex": "y"}}).max_time_ms(1))


def test_where_min_max_max_scan_and_collation_are_sent(rec):
    listener, coll = rec
    cursor = coll.find().where("this.x == 1").max_scan(5).min([("_id", 2)]) \
        .max([("_id", 6)]).hint([("_id", 1)]).collation(Collation("en_US", strength=2))
    cmd = find_command_of(cursor)
    assert cmd["filter"] == {"$where": Code("this.x == 1")}
    assert (cmd["maxScan"], cmd["min"], cmd["max"]) == (5, {"_id": 2}, {"_id": 6})
    assert cmd["collation"] == {"locale": "en_US", "strength": 2}
    assert listener.started_commands() == []  # building the command sends nothing


def find_command_of(cursor):
    return cursor._find_command()


@requires("$where")
def test_where_filters_with_javascript(rec):
    _, coll = rec
    assert sorted(d["_id"] for d in coll.find().where("this.x == 1")) == [1, 4, 7]


@requires("min/max")
def test_min_and_max_bound_the_hinted_index(rec):
    _, coll = rec
    docs = coll.find().hint([("_id", 1)]).min([("_id", 2)]).max([("_id", 5)])
    assert [d["_id"] for d in docs] == [2, 3, 4]


@requires("maxScan")
def test_max_scan_limits_scanned_documents(rec):
    _, coll = rec
    assert len(list(coll.find().max_scan(3))) == 3


@requires("collation")
def test_collation_makes_a_query_case_insensitive(db):
    db.words.insert_many([{"w": "Apple"}, {"w": "apple"}, {"w": "banana"}])
    found = db.words.find({"w": "APPLE"}).collation(Collation("en_US", strength=2))
    assert sorted(d["w"] for d in found) == ["Apple", "apple"]


@requires("noCursorTimeout")
def test_no_cursor_timeout_is_accepted(rec):
    _, coll = rec
    assert len(list(coll.find(no_cursor_timeout=True))) == 10


def test_no_cursor_timeout_and_partial_results_flags_are_sent(rec):
    _, coll = rec
    cmd = find_command_of(coll.find(no_cursor_timeout=True, allow_partial_results=True))
    assert (cmd["noCursorTimeout"], cmd["allowPartialResults"]) == (True, True)


def test_add_and_remove_option_switch_find_flags(rec):
    _, coll = rec
    cursor = coll.find().add_option(2).add_option(16)
    cmd = find_command_of(cursor)
    assert (cmd["tailable"], cmd["noCursorTimeout"]) == (True, True)
    assert "tailable" not in find_command_of(cursor.remove_option(2))
    with pytest.raises(OperationFailure, match="capped"):
        list(coll.find().add_option(2))


def test_tailable_cursor_follows_a_capped_collection(db):
    capped = db.create_collection("cap", capped=True, size=100000)
    capped.insert_many([{"_id": i} for i in range(3)])
    cursor = capped.find(cursor_type=CursorType.TAILABLE).batch_size(2)
    assert [d["_id"] for d in cursor] == [0, 1, 2]
    assert cursor.alive
    capped.insert_one({"_id": 3})
    assert [d["_id"] for d in cursor] == [3]
    cursor.close()
    assert not cursor.alive


def test_tailable_await_waits_max_await_time_ms_on_get_more(server_uri, db):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        capped = client[db.name].create_collection("cap", capped=True, size=100000)
        capped.insert_many([{"_id": i} for i in range(3)])
        cursor = capped.find(cursor_type=CursorType.TAILABLE_AWAIT).batch_size(2) \
            .max_await_time_ms(300)
        start = time.monotonic()
        assert [d["_id"] for d in cursor] == [0, 1, 2]
        assert time.monotonic() - start >= 0.25 and cursor.alive
        assert listener.started_commands("find")[0]["awaitData"] is True
        assert {g["maxTimeMS"] for g in listener.started_commands("getMore")} == {300}
        cursor.close()


def test_a_cursor_killed_elsewhere_raises_cursor_not_found(db):
    db.c.insert_many([{"_id": i} for i in range(10)])
    cursor = db.c.find().batch_size(2)
    next(cursor)
    from bson.int64 import Int64
    db.command(SON([("killCursors", "c"), ("cursors", [Int64(cursor.cursor_id)])]))
    next(cursor)  # still buffered
    with pytest.raises(CursorNotFound):
        next(cursor)
    assert not cursor.alive


def test_exhaust_cursor_returns_every_document_and_refuses_a_limit(rec):
    _, coll = rec
    assert len(list(coll.find(cursor_type=CursorType.EXHAUST).batch_size(3))) == 10
    with pytest.raises(InvalidOperation, match="limit and exhaust"):
        coll.find(cursor_type=CursorType.EXHAUST, limit=2)
    with pytest.raises(InvalidOperation, match="limit and exhaust"):
        coll.find(cursor_type=CursorType.EXHAUST).limit(2)
    with pytest.raises(InvalidOperation, match="limit and exhaust"):
        coll.find(limit=2).add_option(CursorType.EXHAUST)


def test_outgoing_manipulators_apply_unless_manipulate_is_false(rec):
    _, coll = rec

    class Tag(SONManipulator):
        def transform_outgoing(self, son, collection):
            son["tagged"] = collection.name
            return son

    coll.database.add_son_manipulator(Tag())
    assert coll.find_one(1)["tagged"] == "c"
    assert "tagged" not in coll.find_one(1, manipulate=False)


def test_sort_docs_example_runs_as_written(rec):
    _, collection = rec
    import pymongo

    seen = [doc["_id"] for doc in collection.find().sort('_id', pymongo.ASCENDING)]
    assert seen == list(range(10))
    both = collection.find().sort([('x', pymongo.ASCENDING), ('_id', pymongo.DESCENDING)])
    assert [doc["_id"] for doc in both][:3] == [9, 6, 3]


def test_collection_find_docs_examples_run_as_written(db):
    db.test.insert_one({"hello": "world", "extra": 1})
    assert [d["extra"] for d in db.test.find({"hello": "world"})] == [1]
    assert [d["hello"] for d in db.test.find(modifiers={"$maxTimeMS": 500})] == ["world"]
    assert db.test.find_one(max_time_ms=100)["extra"] == 1


@requires("special indexes")
def test_text_search_sorted_by_relevance_docs_example(db):
    db.test.create_index([("t", "text")])
    db.test.insert_many([{"t": "some words"}, {"t": "some"}, {"t": "none"}])
    cursor = db.test.find(
        {'$text': {'$search': 'some words'}},
        {'score': {'$meta': 'textScore'}})
    cursor.sort([('score', {'$meta': 'textScore'})])
    assert [doc["t"] for doc in cursor] == ["some words", "some"]
