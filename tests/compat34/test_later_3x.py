"""Where a later PyMongo 3.x changed what 3.4 did, and mongofw takes the change.

Each ``test_difference_*`` here is an entry of docs/differences.md ("The 3.x line").  The
servers are scripted wire-level peers: what the driver sends is the point.
"""
from __future__ import annotations

from typing import Any

import pytest

from pymongo import MongoClient
from pymongo.errors import ConfigurationError
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference
from pymongo.write_concern import WriteConcern
from tests.support.replica_set_peer import ReplicaSetPeer
from tests.support.wire_peer import CLOSE, WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


class _Member:
    """One member of a two-member replica set; answers aggregate with an empty cursor."""

    def __init__(self, role: str, wire_version: int = 21) -> None:
        self.role = role
        self.wire_version = wire_version
        self.hosts: list = []
        self.peer = WirePeer(self._handle)

    def _handle(self, name: str, command: Any) -> Any:
        if name in HANDSHAKES:
            return hello_reply(self.role, set_name="rs", hosts=self.hosts,
                               max_wire_version=self.wire_version)
        if name == "aggregate":
            return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.c", "firstBatch": []}}
        return {"ok": 1.0}


@pytest.fixture
def primary_and_secondary():
    primary, secondary = _Member("primary"), _Member("secondary")
    hosts = [f"127.0.0.1:{primary.peer.port}", f"127.0.0.1:{secondary.peer.port}"]
    primary.hosts = secondary.hosts = hosts
    with primary.peer, secondary.peer:
        yield primary, secondary


def _set_client(primary: _Member, **kwargs: Any) -> MongoClient:
    return MongoClient(f"mongodb://127.0.0.1:{primary.peer.port}/?replicaSet=rs",
                       serverSelectionTimeoutMS=3000, **kwargs)


def test_difference_a_writing_pipeline_runs_on_the_primary(primary_and_secondary):
    primary, secondary = primary_and_secondary
    with _set_client(primary) as client:
        client.admin.command("ping")  # discover both members
        coll = client.db.get_collection("c", read_preference=ReadPreference.SECONDARY)
        list(coll.aggregate([{"$match": {}}]))
        list(coll.aggregate([{"$match": {}}, {"$out": "other"}]))
    [read] = secondary.peer.commands("aggregate")
    [write] = primary.peer.commands("aggregate")
    assert "$out" not in str(read["pipeline"]) and write["pipeline"][-1] == {"$out": "other"}


@pytest.mark.parametrize("wire_version,sent", [(7, False), (8, True)])
def test_difference_a_writing_pipeline_sends_the_read_concern_to_4_2(wire_version, sent):
    member = _Member("standalone", wire_version)
    with member.peer, MongoClient(member.peer.uri, serverSelectionTimeoutMS=3000) as client:
        coll = client.db.get_collection("c", read_concern=ReadConcern("majority"))
        list(coll.aggregate([{"$out": "other"}]))
    [command] = member.peer.commands("aggregate")
    assert ("readConcern" in command) is sent


def test_difference_writes_are_retried_once_by_default(rs):
    rs.script["insert"] = [CLOSE]  # the first attempt's connection drops
    with rs.client() as client:
        assert client.options.retry_writes is True
        assert client.db.c.insert_one({"_id": 1}).inserted_id == 1
    first, second = rs.sent("insert")
    assert first["txnNumber"] == second["txnNumber"] and first["lsid"] == second["lsid"]
    rs.script["insert"] = [CLOSE]
    with rs.client(retryWrites=False) as client, pytest.raises(Exception) as raised:
        client.db.c.insert_one({"_id": 2})
    assert type(raised.value).__name__ == "AutoReconnect"
    assert "txnNumber" not in rs.sent("insert")[-1]


def test_difference_operations_carry_an_implicit_session_id(rs):
    with rs.client() as client:
        client.db.c.find_one()
        client.db.get_collection("c", write_concern=WriteConcern(w=0)).insert_one({})
    [find] = rs.sent("find")
    [unacknowledged] = rs.sent("insert")
    assert "lsid" in find and "lsid" not in unacknowledged


def test_difference_clients_databases_and_collections_are_hashable():
    first = MongoClient("mongodb://127.0.0.1:1,127.0.0.1:2/", connect=False)
    same = MongoClient("mongodb://127.0.0.1:2,127.0.0.1:1/", connect=False)
    with first, same:
        assert first == same and hash(first) == hash(same)  # the seeds, no I/O
        keyed = {first: 1, first.db: 2, first.db.c: 3}
        assert keyed[same] == 1 and keyed[same.db] == 2 and keyed[same.db.c] == 3


def test_difference_create_index_sends_max_time_ms_with_the_command(rs):
    with rs.client() as client:
        client.db.c.create_index("a", maxTimeMS=10)
    [command] = rs.sent("createIndexes")
    assert command["maxTimeMS"] == 10
    assert command["indexes"] == [{"key": {"a": 1}, "name": "a_1"}]


def test_difference_a_mechanism_without_a_username_is_refused():
    with pytest.raises(ConfigurationError, match="requires a username"):
        MongoClient("mongodb://127.0.0.1:1/?authMechanism=SCRAM-SHA-1", connect=False)


def test_an_unknown_mechanism_is_a_value_error_as_in_3_4():
    for kwargs in ({"authMechanism": "BOGUS", "username": "u", "password": "p"}, {}):
        uri = "mongodb://u:p@127.0.0.1:1/" + ("" if kwargs else "?authMechanism=BOGUS")
        with pytest.raises(ValueError, match="authMechanism must be one of") as raised:
            MongoClient(uri if not kwargs else "mongodb://127.0.0.1:1/", connect=False,
                        **kwargs)
        assert isinstance(raised.value, ConfigurationError)


def test_difference_gridfs_computes_the_md5_while_uploading(rs):
    import hashlib

    import gridfs
    data = b"0123456789" * 30_000  # two chunks of the default 255 kB
    with rs.client() as client:
        gridfs.GridFS(client.db).put(data, filename="f")
    assert rs.sent("filemd5") == []  # 3.4 asked the server once the chunks were stored
    files = [doc for command in rs.sent("insert") if command["insert"] == "fs.files"
             for doc in command["documents"]]
    assert [doc["md5"] for doc in files] == [hashlib.md5(data).hexdigest()]
    chunks = [doc for command in rs.sent("insert") if command["insert"] == "fs.chunks"
              for doc in command["documents"]]
    assert b"".join(doc["data"] for doc in chunks) == data
