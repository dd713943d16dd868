"""Database names, identity and options (no server), and SystemJS against a scripted peer."""
from __future__ import annotations

import pytest

from bson.code import Code
from mongofw.client.names import validate_database_name
from mongofw.errors import InvalidName
from pymongo import MongoClient, ReadPreference, WriteConcern
from pymongo.database import Database
from tests.support.wire_peer import WirePeer, hello_reply


@pytest.fixture(scope="module")
def client():
    with MongoClient("mongodb://127.0.0.1:1/", connect=False) as c:
        yield c


@pytest.mark.parametrize("name", ["", "a b", "a.b", "a/b", "a\\b", 'a"b', "a$b", "a\x00b"])
def test_invalid_database_names(name):
    with pytest.raises(InvalidName):
        validate_database_name(name)


def test_database_name_rules():
    assert validate_database_name("$external") == "$external"
    with pytest.raises(TypeError, match="name must be an instance of str, not int"):
        validate_database_name(5)


def test_databases_compare_by_client_and_name(client):
    assert client.a == client["a"] and hash(client.a) == hash(client["a"])
    assert client.a != client.b and not client.a == client.b
    assert client.a != "a"
    assert repr(client.a) == f"Database({client!r}, 'a')"


def test_a_database_is_not_iterable(client):
    with pytest.raises(TypeError, match="'Database' object is not iterable"):
        for _ in client.a:
            pass


def test_underscore_names_are_not_collections(client):
    with pytest.raises(AttributeError, match=r"use database\['_private'\]"):
        client.a._private  # noqa: B018 - the attribute access is the behaviour under test


def test_get_collection_and_with_options_inherit_what_is_not_given(client):
    db = client.get_database("a", write_concern=WriteConcern(w=2))
    coll = db.get_collection("c", read_preference=ReadPreference.NEAREST)
    assert (coll.read_preference, coll.write_concern) == (ReadPreference.NEAREST,
                                                          WriteConcern(w=2))
    other = db.with_options(read_preference=ReadPreference.SECONDARY)
    assert isinstance(other, Database) and other.name == "a"
    assert (other.read_preference, other.write_concern) == (ReadPreference.SECONDARY,
                                                            WriteConcern(w=2))


def _js_peer():
    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply()
        if name == "$eval":
            return {"ok": 1.0, "retval": command["args"][0] + 1}
        if name == "find":
            return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.system.js",
                                          "firstBatch": [{"_id": "add1"}]}}
        return {"ok": 1.0, "n": 1}

    return WirePeer(handler)


def test_system_js_stores_lists_calls_and_removes_functions():
    source = "function (x) { return x + 1; }"
    with _js_peer() as peer, MongoClient(peer.uri, serverSelectionTimeoutMS=2000) as client:
        js = client.db.system_js
        js.add1 = source
        assert js.list() == ["add1"]
        assert js.add1(5) == 6
        assert js["add1"](1) == 2
        del js.add1
    [update] = peer.commands("update")
    assert update["update"] == "system.js"
    [statement] = update["updates"]
    assert statement["q"] == {"_id": "add1"} and statement["upsert"] is True
    assert statement["u"] == {"_id": "add1", "value": Code(source)}
    assert peer.commands("find")[0]["projection"] == {"_id": 1}
    evals = peer.commands("$eval")
    assert [e["args"] for e in evals] == [[5], [1]]
    assert all(isinstance(e["$eval"], Code) and e["$eval"].scope == {"name": "add1"}
               for e in evals)
    [delete] = peer.commands("delete")
    assert delete["deletes"][0]["q"] == {"_id": "add1"}


@pytest.mark.parametrize("name, error", [(5, TypeError), ("", InvalidName), ("a$b", InvalidName)])
def test_create_collection_checks_the_name_before_any_io(client, name, error):
    with pytest.raises(error):
        client.a.create_collection(name)  # the client has no server to ask
