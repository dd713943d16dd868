"""Cursor arguments, modifiers and the find command they become (no server needed)."""
from __future__ import annotations

import copy

import pytest

from bson.code import Code
from mongofw.errors import InvalidOperation
from pymongo import MongoClient
from pymongo.collation import Collation
from pymongo.cursor import Cursor, CursorType


@pytest.fixture
def coll():
    client = MongoClient("mongodb://127.0.0.1:1/", connect=False)
    yield client.db.c
    client.close()


def cmd(cursor):
    return cursor._find_command()


def test_cursor_type_values():
    assert (CursorType.NON_TAILABLE, CursorType.TAILABLE, CursorType.TAILABLE_AWAIT,
            CursorType.EXHAUST) == (0, 2, 34, 64)


def test_the_plain_find_command(coll):
    assert list(cmd(coll.find()).items()) == [("find", "c"), ("filter", {})]


def test_every_option_in_command_order(coll):
    cursor = coll.find({"a": 1}, ["a", "b"], skip=2, limit=10, sort=[("a", -1)],
                       batch_size=4, cursor_type=CursorType.TAILABLE_AWAIT,
                       no_cursor_timeout=True, allow_partial_results=True, oplog_replay=True,
                       collation=Collation("en"), modifiers={"$snapshot": True})
    cursor.hint("a_1").comment("c").max_time_ms(5).max_scan(9).min([("a", 1)]) \
        .max([("a", 5)])
    assert list(cmd(cursor).items()) == [
        ("find", "c"), ("filter", {"a": 1}), ("snapshot", True), ("sort", {"a": -1}),
        ("hint", "a_1"), ("comment", "c"), ("maxScan", 9), ("maxTimeMS", 5),
        ("max", {"a": 5}), ("min", {"a": 1}), ("projection", {"a": 1, "b": 1}), ("skip", 2),
        ("limit", 10), ("batchSize", 4), ("tailable", True), ("oplogReplay", True),
        ("noCursorTimeout", True), ("awaitData", True), ("allowPartialResults", True),
        ("collation", {"locale": "en"})]


def test_limit_and_batch_size_combine(coll):
    assert (cmd(coll.find().limit(3).batch_size(10))["batchSize"]) == 3
    single = cmd(coll.find().limit(-2))
    assert (single["limit"], single["singleBatch"]) == (2, True)
    assert "limit" not in cmd(coll.find().limit(0))


def test_modifiers_and_legacy_wrapped_filters(coll):
    c = cmd(coll.find({"$query": {"a": 1}, "$orderby": {"a": 1}, "$explain": True},
                      modifiers={"$showDiskLoc": True, "$returnKey": True}))
    assert c["filter"] == {"a": 1} and c["sort"] == {"a": 1}
    assert (c["showRecordId"], c["returnKey"]) == (True, True) and "$explain" not in c
    assert cmd(coll.find(modifiers={"$maxTimeMS": 1}).max_time_ms(None))["maxTimeMS"] == 1
    assert cmd(coll.find(modifiers={"$maxTimeMS": 1}).max_time_ms(7))["maxTimeMS"] == 7


def test_where_copies_the_filter(coll):
    spec = {"a": 1}
    c = cmd(coll.find(spec).where("this.a == 1"))
    assert c["filter"] == {"a": 1, "$where": Code("this.a == 1")} and spec == {"a": 1}


@pytest.mark.parametrize("kwargs, error, message", [
    ({"filter": [1]}, TypeError, "filter must be an instance of dict"),
    ({"projection": 5}, TypeError, "projection must be a mapping or a list"),
    ({"skip": "1"}, TypeError, "skip must be an integer"),
    ({"skip": -1}, ValueError, "skip must be >= 0, not -1"),
    ({"limit": 1.0}, TypeError, "limit must be an integer"),
    ({"batch_size": -1}, ValueError, "batch_size must be >= 0"),
    ({"cursor_type": 3}, ValueError, "not a valid value for cursor_type: 3"),
    ({"no_cursor_timeout": 1}, TypeError, "no_cursor_timeout must be True or False"),
    ({"allow_partial_results": "y"}, TypeError, "allow_partial_results must be True"),
    ({"oplog_replay": None}, TypeError, "oplog_replay must be True or False"),
    ({"modifiers": [1]}, TypeError, "modifiers must be a mapping"),
    ({"manipulate": 0}, TypeError, "manipulate must be True or False"),
    ({"collation": "en"}, TypeError, "collation must be a dict"),
    ({"sort": {"a": 1}}, TypeError, "passing a dict"),
    ({"cursor_type": CursorType.EXHAUST, "limit": 1}, InvalidOperation, "limit and exhaust"),
])
def test_bad_find_arguments(coll, kwargs, error, message):
    with pytest.raises(error, match=message):
        coll.find(**kwargs)


@pytest.mark.parametrize("call, error, message", [
    (lambda c: c.limit("1"), TypeError, "limit must be an integer"),
    (lambda c: c.skip(-2), ValueError, "skip must be >= 0"),
    (lambda c: c.batch_size(-1), ValueError, "batch_size must be >= 0"),
    (lambda c: c.max_time_ms("5"), TypeError, "max_time_ms must be an integer or None"),
    (lambda c: c.max_await_time_ms(1.5), TypeError, "max_await_time_ms must be an integer"),
    (lambda c: c.max({"a": 1}), TypeError, "spec must be an instance of list or tuple"),
    (lambda c: c.min("a"), TypeError, "spec must be an instance of list or tuple"),
    (lambda c: c.where(5), TypeError, "code must be an instance of str"),
    (lambda c: c.add_option("2"), TypeError, "mask must be an integer"),
    (lambda c: c.sort([]), ValueError, "must not be the empty list"),
    (lambda c: c["a"], TypeError, "cannot be applied to Cursor instances"),
])
def test_bad_modifier_arguments(coll, call, error, message):
    with pytest.raises(error, match=message):
        call(coll.find())


def test_slices_set_skip_and_limit(coll):
    c = cmd(coll.find()[20:25])
    assert (c["skip"], c["limit"]) == (20, 5)
    c = cmd(coll.find().limit(3)[4:])
    assert c["skip"] == 4 and "limit" not in c
    assert list(coll.find()[5:5]) == []  # empty: answered without a server


def test_clone_copy_and_deepcopy_are_independent(coll):
    spec = {"a": [1]}
    cursor = coll.find(spec).sort("a").limit(4)
    twin = cursor.clone()
    assert isinstance(twin, Cursor) and cmd(twin) == cmd(cursor)
    twin.limit(9)
    assert cmd(cursor)["limit"] == 4
    assert cmd(copy.deepcopy(cursor))["filter"] is not spec
    assert cmd(copy.copy(cursor))["filter"] is spec


def test_option_masks(coll):
    cursor = coll.find().add_option(2 | 16 | 128)
    c = cmd(cursor)
    assert (c["tailable"], c["noCursorTimeout"], c["allowPartialResults"]) == (True,) * 3
    assert "noCursorTimeout" not in cmd(cursor.remove_option(16))
    with pytest.raises(InvalidOperation, match="limit and exhaust"):
        coll.find().limit(1).add_option(64)


def test_a_command_cursor_over_a_finished_first_batch_needs_no_server(coll):
    from pymongo.command_cursor import CommandCursor

    cursor = CommandCursor(coll, {"id": 0, "firstBatch": [{"a": 1}, {"a": 2}]}, None)
    assert (cursor.cursor_id, cursor.retrieved, cursor.alive) == (0, 2, True)
    assert list(cursor) == [{"a": 1}, {"a": 2}]
    assert not cursor.alive and cursor.address is None
    with pytest.raises(TypeError, match="cursor_info must be a cursor document"):
        CommandCursor(coll, {"firstBatch": []}, None)
