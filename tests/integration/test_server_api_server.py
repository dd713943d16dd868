"""A client with a declared versioned API against the real server."""
from __future__ import annotations

from pymongo import MongoClient
from pymongo.server_api import ServerApi
from tests.support.listeners import RecordingListener


def test_a_declared_api_version_round_trips(server_uri, db):
    listener = RecordingListener()
    with MongoClient(server_uri, server_api=ServerApi("1"),
                     event_listeners=[listener]) as client:
        coll = client[db.name].c
        coll.insert_many([{"i": i} for i in range(5)])
        assert sorted(d["i"] for d in coll.find(batch_size=2)) == [0, 1, 2, 3, 4]
    assert all(cmd.get("apiVersion") == "1" for cmd in listener.started_commands("insert"))
    assert all("apiVersion" not in cmd for cmd in listener.started_commands("getMore"))
