"""Collection read commands against the real server: count, distinct, aggregate, map/reduce,
group, parallel scans and options, with the commands we send checked by a listener."""
from __future__ import annotations

import pytest

from bson.code import Code
from mongofw.errors import AutoReconnect, ExecutionTimeout, OperationFailure
from pymongo import MongoClient
from pymongo.collation import Collation
from pymongo.command_cursor import CommandCursor
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import requires

# Plain strings: FerretDB drops the connection on BSON JavaScript (Code) values.
MAP = "function () { emit(this.x, 1); }"
REDUCE = "function (key, values) { return Array.sum(values); }"


@pytest.fixture
def rec(server_uri, db):
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    coll = client[db.name].c
    coll.insert_many([{"_id": i, "x": i % 3} for i in range(12)])
    listener.clear()
    yield listener, coll
    client.close()


def test_count_with_filter_and_options(rec):
    listener, coll = rec
    assert coll.count() == 12
    assert coll.count({"x": 1}) == 4
    assert coll.count({"x": 1}, limit=2, skip=1, hint=[("_id", 1)], maxTimeMS=1000) == 2
    last = listener.started_commands("count")[-1]
    assert (last["limit"], last["skip"], last["hint"], last["maxTimeMS"]) == \
        (2, 1, {"_id": 1}, 1000)
    assert coll.database.missing.count() == 0
    with pytest.raises(TypeError, match="filter must be"):
        coll.count([("x", 1)])


def test_distinct_with_filter(rec):
    listener, coll = rec
    assert sorted(coll.distinct("x")) == [0, 1, 2]
    assert coll.distinct("x", {"_id": {"$lt": 2}}) == [0, 1]
    assert listener.started_commands("distinct")[-1]["query"] == {"_id": {"$lt": 2}}
    with pytest.raises(TypeError, match="key must be an instance of str"):
        coll.distinct(1)


def test_collation_is_sent_on_count_distinct_and_aggregate(rec):
    listener, coll = rec
    for call in (lambda: coll.count(collation=Collation("fr")),
                 lambda: coll.distinct("x", collation={"locale": "fr"}),
                 lambda: coll.aggregate([], collation=Collation("fr"))):
        try:
            call()
        except OperationFailure:
            pass  # FerretDB: not implemented (see GAPS["collation"])
    sent = [e.command for e in listener.events if hasattr(e, "command")]
    assert [cmd["collation"] for cmd in sent] == [{"locale": "fr"}] * 3


@requires("collation")
def test_count_with_a_case_insensitive_collation(db):
    db.w.insert_many([{"w": "a"}, {"w": "A"}])
    assert db.w.count({"w": "a"}, collation=Collation("en", strength=1)) == 2


def test_aggregate_returns_a_command_cursor_over_batches(rec):
    listener, coll = rec
    cursor = coll.aggregate([{"$match": {"x": 1}}, {"$sort": {"_id": 1}}], batchSize=2,
                            allowDiskUse=True, maxTimeMS=5000)
    assert isinstance(cursor, CommandCursor)
    assert [d["_id"] for d in cursor] == [1, 4, 7, 10]
    [cmd] = listener.started_commands("aggregate")
    assert (cmd["cursor"], cmd["allowDiskUse"], cmd["maxTimeMS"]) == \
        ({"batchSize": 2}, True, 5000)
    assert [g["batchSize"] for g in listener.started_commands("getMore")][0] == 2
    assert cursor.retrieved == 4 and not cursor.alive and cursor.cursor_id == 0


def test_aggregate_docs_example_group_by(rec):
    _, coll = rec
    result = list(coll.aggregate([{"$group": {"_id": "$x", "n": {"$sum": 1}}},
                                  {"$sort": {"_id": 1}}]))
    assert result == [{"_id": 0, "n": 4}, {"_id": 1, "n": 4}, {"_id": 2, "n": 4}]


def test_aggregate_checks_its_pipeline_and_times_out(db):
    with pytest.raises(TypeError, match="pipeline must be a list"):
        db.c.aggregate({"$match": {}})
    db.slow.insert_many([{"s": "x" * 100} for _ in range(20000)])
    with pytest.raises(ExecutionTimeout):
        list(db.slow.aggregate([{"$match": {"s": {"$regex": "y"}}}], maxTimeMS=1))


def test_aggregate_without_cursor_sends_no_cursor_option(rec):
    listener, coll = rec
    with pytest.raises(OperationFailure):
        coll.aggregate([], useCursor=False)
    assert "cursor" not in listener.started_commands("aggregate")[0]


@requires("aggregate without cursor")
def test_aggregate_without_cursor_wraps_the_result(rec):
    _, coll = rec
    assert len(list(coll.aggregate([], useCursor=False))) == 12


def test_command_cursor_close_kills_the_server_cursor(rec):
    listener, coll = rec
    cursor = coll.aggregate([], batchSize=3)
    next(cursor)
    cursor_id = cursor.cursor_id
    assert cursor.alive and cursor_id and cursor.address == coll.database.client.address
    cursor.close()
    assert not cursor.alive
    [kill] = listener.started_commands("killCursors")
    assert kill["killCursors"] == "c" and list(kill["cursors"]) == [cursor_id]
    with pytest.raises(ValueError):
        cursor.batch_size(-1)
    with pytest.raises(TypeError):
        cursor.batch_size("2")


def test_map_reduce_group_and_parallel_scan_send_their_commands(rec):
    listener, coll = rec
    calls = {
        "mapReduce": lambda: coll.map_reduce(MAP, REDUCE, "out", limit=5),
        "group": lambda: coll.group(["x"], {"x": {"$gt": 0}}, {"n": 0},
                                    "function (obj, prev) { prev.n += 1; }"),
        "parallelCollectionScan": lambda: coll.parallel_scan(2),
    }
    for call in calls.values():
        # FerretDB has none of these commands; group's Code values make it drop the socket.
        with pytest.raises((OperationFailure, AutoReconnect)):
            call()
    [mr] = listener.started_commands("mapReduce")
    assert list(mr.items())[:5] == [("mapReduce", "c"), ("map", MAP), ("reduce", REDUCE),
                                    ("out", "out"), ("limit", 5)]
    [group] = listener.started_commands("group")
    assert group["group"]["$reduce"] == Code("function (obj, prev) { prev.n += 1; }")
    assert group["group"]["key"] == {"x": 1} and group["group"]["ns"] == "c"
    assert group["group"]["cond"] == {"x": {"$gt": 0}} and group["group"]["initial"] == {"n": 0}
    [scan] = listener.started_commands("parallelCollectionScan")
    assert scan["numCursors"] == 2


def test_inline_map_reduce_asks_for_inline_output(rec):
    listener, coll = rec
    with pytest.raises(OperationFailure):
        coll.inline_map_reduce(MAP, REDUCE, full_response=True)
    assert listener.started_commands("mapReduce")[0]["out"] == {"inline": 1}


def test_read_helpers_check_their_arguments(rec):
    _, coll = rec
    with pytest.raises(TypeError, match="'out' must be"):
        coll.map_reduce(MAP, REDUCE, 5)
    with pytest.raises(TypeError, match="map must be"):
        coll.inline_map_reduce(1, REDUCE)
    with pytest.raises(TypeError, match="num_cursors must be an integer"):
        coll.parallel_scan("2")
    with pytest.raises(ValueError, match="num_cursors must be >= 1"):
        coll.parallel_scan(0)
    with pytest.raises(TypeError, match="key must be None"):
        coll.group(5, {}, {}, "function () {}")


@requires("mapReduce")
def test_map_reduce_results(rec):
    _, coll = rec
    out = coll.map_reduce(MAP, REDUCE, "mr_out")
    assert sorted((d["_id"], d["value"]) for d in out.find()) == [(0, 4), (1, 4), (2, 4)]
    assert len(coll.inline_map_reduce(MAP, REDUCE)) == 3


@requires("group")
def test_group_results(rec):
    _, coll = rec
    rows = coll.group(["x"], {}, {"n": 0}, "function (obj, prev) { prev.n += 1; }")
    assert sorted((r["x"], r["n"]) for r in rows) == [(0, 4), (1, 4), (2, 4)]


@requires("parallelCollectionScan")
def test_parallel_scan_covers_the_collection_once(rec):
    _, coll = rec
    ids = [d["_id"] for cursor in coll.parallel_scan(3) for d in cursor]
    assert sorted(ids) == list(range(12))


def test_options_of_a_capped_and_of_a_missing_collection(db):
    db.create_collection("cap", capped=True, size=4096)
    assert db.cap.options() == {"capped": True, "size": 4096}
    assert db.missing.options() == {}


def test_cursor_distinct_sends_the_cursors_filter_and_time_limit(rec):
    listener, coll = rec
    assert sorted(coll.find({"_id": {"$lt": 4}}).distinct("x")) == [0, 1, 2]
    try:
        coll.find({"_id": {"$lt": 4}}).max_time_ms(5000).distinct("x")
    except OperationFailure as exc:
        assert "maxTimeMS" in str(exc)  # FerretDB's gap; a real server answers [0, 1, 2]
    [plain, timed] = listener.started_commands("distinct")
    assert (plain["query"], "maxTimeMS" in plain) == ({"_id": {"$lt": 4}}, False)
    assert (timed["query"], timed["maxTimeMS"]) == ({"_id": {"$lt": 4}}, 5000)


@requires("distinct maxTimeMS")
def test_cursor_distinct_with_a_time_limit(rec):
    _, coll = rec
    assert sorted(coll.find({"_id": {"$lt": 4}}).max_time_ms(5000).distinct("x")) == [0, 1, 2]


def test_distinct_refuses_a_filter_and_a_query_together(rec):
    _, coll = rec
    with pytest.raises(ValueError, match="can't pass both filter and query"):
        coll.distinct("x", {"x": 1}, query={"x": 2})


def test_aggregate_refuses_a_negative_batch_size(rec):
    listener, coll = rec
    with pytest.raises(ValueError, match="batchSize must be a non-negative integer, not -1"):
        coll.aggregate([], batchSize=-1)
    assert listener.started_commands("aggregate") == []
