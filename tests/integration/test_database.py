"""Database admin and read helpers against the real server."""
from __future__ import annotations

import pytest

from bson.code import Code
from bson.dbref import DBRef
from mongofw.errors import AutoReconnect, CollectionInvalid, OperationFailure
from pymongo import ALL, OFF, SLOW_ONLY, MongoClient, ReadPreference
from pymongo.database import Database
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import requires


@pytest.fixture
def rec(server_uri, db):
    listener = RecordingListener()
    client = MongoClient(server_uri, event_listeners=[listener])
    yield listener, client[db.name]
    client.close()


def test_validate_collection_by_name_and_by_collection(db):
    db.c.insert_many([{"_id": i} for i in range(3)])
    assert db.validate_collection("c")["valid"] is True
    assert db.validate_collection(db.c, scandata=True, full=True)["valid"] is True
    with pytest.raises(TypeError, match="name_or_collection"):
        db.validate_collection(5)
    with pytest.raises(OperationFailure):
        db.validate_collection("missing")


def test_validate_collection_raises_collection_invalid_for_an_invalid_reply(db, monkeypatch):
    monkeypatch.setattr(Database, "command", lambda self, *a, **k: {"ok": 1, "valid": False})
    with pytest.raises(CollectionInvalid, match="c invalid"):
        db.validate_collection("c")


def test_validate_sends_scandata_and_full(rec):
    listener, database = rec
    database.c.insert_one({})
    database.validate_collection("c", scandata=True, full=False)
    [cmd] = listener.started_commands("validate")
    assert list(cmd.items())[:3] == [("validate", "c"), ("scandata", True), ("full", False)]


def test_current_op_runs_on_admin(rec):
    listener, database = rec
    assert "inprog" in database.current_op(include_all=True)
    [event] = [e for e in listener.events if getattr(e, "command_name", "") == "currentOp"
               and hasattr(e, "command")]
    assert event.command["$all"] is True and event.database_name == "admin"


def test_profiling_commands_are_sent_and_levels_checked(rec):
    listener, database = rec
    with pytest.raises(ValueError, match="level must be one of"):
        database.set_profiling_level(3)
    with pytest.raises(TypeError, match="slow_ms must be an integer"):
        database.set_profiling_level(OFF, slow_ms="100")
    for call in (database.profiling_level, lambda: database.set_profiling_level(SLOW_ONLY, 50)):
        with pytest.raises(OperationFailure):  # FerretDB: GAPS["profile"]
            call()
    sent = listener.started_commands("profile")
    assert [c["profile"] for c in sent] == [-1, 1] and sent[1]["slowms"] == 50


@requires("profile")
def test_profiling_level_round_trip(db):
    db.set_profiling_level(ALL)
    assert db.profiling_level() == ALL
    db.c.find_one()
    assert isinstance(db.profiling_info(), list)
    db.set_profiling_level(OFF)
    assert db.profiling_level() == OFF


def test_profiling_info_reads_system_profile(rec):
    listener, database = rec
    assert database.profiling_info() == []
    assert listener.started_commands("find")[0]["find"] == "system.profile"


def test_dereference(db):
    db.people.insert_one({"_id": 1, "name": "ann"})
    assert db.dereference(DBRef("people", 1)) == {"_id": 1, "name": "ann"}
    assert db.dereference(DBRef("people", 1, db.name), projection={"_id": 0}) == {"name": "ann"}
    assert db.dereference(DBRef("people", 2)) is None
    with pytest.raises(TypeError, match="cannot dereference"):
        db.dereference({"$ref": "people", "$id": 1})
    with pytest.raises(ValueError, match="another database"):
        db.dereference(DBRef("people", 1, "elsewhere"))


def test_eval_sends_code_and_args(rec):
    listener, database = rec
    with pytest.raises(TypeError, match="code must be"):
        database.eval(5)
    with pytest.raises((OperationFailure, AutoReconnect)):  # FerretDB: GAPS["eval"]
        database.eval("function (x) { return x + 1; }", 5)
    [cmd] = listener.started_commands("$eval")
    assert cmd["$eval"] == Code("function (x) { return x + 1; }") and cmd["args"] == [5]


@requires("eval")
def test_system_js_docs_example(db):
    db.system_js.add1 = "function (x) { return x + 1; }"
    assert db.system.js.find({"_id": "add1"}).count() == 1
    assert db.system_js.add1(5) == 6.0
    assert db.system_js.list() == ["add1"]
    del db.system_js.add1
    assert db.system.js.find({"_id": "add1"}).count() == 0


def test_system_js_writes_functions_into_system_js(rec):
    listener, database = rec
    with pytest.raises((OperationFailure, AutoReconnect)):  # GAPS["javascript values"]
        database.system_js["add1"] = "function (x) { return x + 1; }"
    [update] = listener.started_commands("update")
    assert update["update"] == "system.js"
    statement = update["updates"][0]
    assert statement["q"] == {"_id": "add1"} and statement["upsert"] is True
    assert statement["u"] == {"_id": "add1", "value": Code("function (x) { return x + 1; }")}


@requires("javascript values")
def test_system_js_stores_lists_and_deletes_functions(db):
    db.system_js["add1"] = "function (x) { return x + 1; }"
    assert db.system_js.list() == ["add1"]
    del db.system_js["add1"]
    assert db.system_js.list() == []


def test_error_helpers_are_deprecated_and_send_their_commands(rec):
    listener, database = rec
    for method in (database.error, database.last_status, database.previous_error,
                   database.reset_error_history):
        with pytest.warns(DeprecationWarning), pytest.raises(OperationFailure):
            method()  # FerretDB: GAPS["getlasterror"]
    names = [e.command_name for e in listener.events if hasattr(e, "command")]
    assert names == ["getlasterror", "getlasterror", "getpreverror", "reseterror"]


@requires("getlasterror")
def test_error_is_none_after_a_good_write(db):
    db.c.insert_one({})
    with pytest.warns(DeprecationWarning):
        assert db.error() is None


def test_calling_a_database_is_a_type_error(db):
    with pytest.raises(TypeError, match="'Database' object is not callable.*'" + db.name):
        db()


def test_database_docs_example_get_collection_read_preference(db):
    # PyMongo 3.4 itself prints "Secondary(tag_sets=None, max_staleness=-1)" here.
    assert repr(db.read_preference) == "Primary()"
    coll1 = db.test
    assert repr(coll1.read_preference) == "Primary()"
    coll2 = db.get_collection('test', read_preference=ReadPreference.SECONDARY)
    assert coll2.read_preference == ReadPreference.SECONDARY
    assert repr(coll2.read_preference).startswith("Secondary(tag_sets=None")
