"""Small 3.5-3.13 additions to the client API, checked on what goes over the wire (a
scripted replica-set primary, or a mongos) or on the values they make."""
from __future__ import annotations

from decimal import Decimal

import pytest

import bson
from bson.codec_options import TypeEncoder, TypeRegistry
from mongofw.client import client_setup
from mongofw.codecs import default_plugin
from mongofw.plugin_manager import Plugins, create_plugin_manager
from pymongo import IndexModel, MongoClient
from pymongo.command_cursor import CommandCursor
from pymongo.errors import DuplicateKeyError, OperationFailure
from pymongo.read_preferences import Nearest
from tests.support.replica_set_peer import ReplicaSetPeer
from tests.support.wire_peer import WirePeer, hello_reply


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


def test_index_commands_take_command_options(rs):
    """3.6: keyword arguments of create_indexes, drop_index(es) and reindex go to the
    command; create_index sends maxTimeMS to the command, not into the index."""
    with rs.client() as client:
        coll = client.db.c
        coll.create_indexes([IndexModel("a")], maxTimeMS=5, commitQuorum="majority")
        coll.create_index("b", maxTimeMS=6, unique=True)
        coll.drop_index("a_1", maxTimeMS=7)
        coll.drop_indexes(comment="all")
        coll.reindex(maxTimeMS=8)
    first, second = rs.sent("createIndexes")
    assert (first["maxTimeMS"], first["commitQuorum"]) == (5, "majority")
    assert second["maxTimeMS"] == 6
    assert second["indexes"] == [{"key": {"b": 1}, "name": "b_1", "unique": True}]
    drop_one, drop_all = rs.sent("dropIndexes")
    assert (drop_one["index"], drop_one["maxTimeMS"]) == ("a_1", 7)
    assert (drop_all["index"], drop_all["comment"]) == ("*", "all")
    assert rs.sent("reIndex")[0]["maxTimeMS"] == 8


def test_a_command_cursor_s_getmores_use_its_batch_size_and_max_await_time(rs):
    rs.script["getMore"] = [{"ok": 1.0, "cursor": {"id": 0, "ns": "db.c",
                                                   "nextBatch": [{"_id": 2}]}}]
    with rs.client() as client, client.start_session() as session:
        cursor = CommandCursor(client.db.c, {"id": 42, "ns": "db.c", "firstBatch": [{"_id": 1}]},
                               rs.peer.address, 0, 3, 250, session, True)
        assert [doc["_id"] for doc in cursor] == [1, 2]
        assert cursor.session is session and not session.has_ended
    [get_more] = rs.sent("getMore")
    assert (get_more["batchSize"], get_more["maxTimeMS"]) == (3, 250)


def test_a_command_cursor_ends_an_implicit_session_when_done(rs):
    with rs.client() as client:
        session = client._implicit_session()
        cursor = CommandCursor(client.db.c, {"id": 0, "firstBatch": []}, None,
                               session=session)
        assert cursor.session is None and session.has_ended


class _DecimalAsString(TypeEncoder):
    python_type = Decimal

    def transform_python(self, value):
        return str(value)


def test_type_registry_joins_the_plugins_codecs_and_prevails(monkeypatch):
    """3.8's ``type_registry=``: its codec wins over a plugin's for the same type, and
    its fallback encoder is kept."""
    pm = create_plugin_manager(entry_points=[], plugins=[("default_codecs", default_plugin)])
    monkeypatch.setattr(client_setup, "_load_plugins", lambda: Plugins(pm))
    registry = TypeRegistry([_DecimalAsString()], fallback_encoder=repr)
    with MongoClient("mongodb://127.0.0.1:1/", connect=False,
                     type_registry=registry) as client:
        options = client.codec_options
    assert [type(c).__name__ for c in options.type_registry.type_codecs] == [
        "DecimalEncoder", "_DecimalAsString"]
    assert bson.decode(bson.encode({"d": Decimal("1.5"), "x": object}, codec_options=options)) \
        == {"d": "1.5", "x": repr(object)}
    with pytest.raises(TypeError, match="type_registry must be an instance of"):
        MongoClient(connect=False, type_registry={})


def test_hedge_goes_to_mongos_in_the_read_preference():
    def handle(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply("mongos")
        return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.c", "firstBatch": []}}

    with WirePeer(handle) as peer, MongoClient(peer.uri, serverSelectionTimeoutMS=3000) as c:
        c.db.get_collection("c", read_preference=Nearest(hedge={"enabled": True})).find_one()
        [find] = peer.commands("find")
    assert find["$readPreference"] == {"mode": "nearest", "hedge": {"enabled": True}}


def test_operation_failures_take_the_server_s_wire_version():
    assert OperationFailure("boom", 1, {}, max_wire_version=13)._max_wire_version == 13
    assert DuplicateKeyError("dup", 11000)._max_wire_version is None
