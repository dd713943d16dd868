"""The command path copies the caller's command document at most once: the caller's
document is never changed, and listeners see the command without the OP_MSG fields."""
from __future__ import annotations

import collections

from bson.son import SON
from mongofw.core.wire.message import copy_command
from pymongo import MongoClient, monitoring
from pymongo.write_concern import WriteConcern
from tests.support.wire_peer import WirePeer, hello_reply


class _Started(monitoring.CommandListener):
    def __init__(self):
        self.commands = []

    def started(self, event):
        self.commands.append((event.command_name, dict(event.command)))

    def succeeded(self, event):
        """Only the started events' commands matter here."""

    def failed(self, event):
        """Only the started events' commands matter here."""


def _peer():
    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply("standalone", logicalSessionTimeoutMinutes=30)
        return {"ok": 1.0, "n": 1}

    return WirePeer(handler)


def test_copy_command_keeps_the_order_and_makes_a_new_son():
    for spec in ({"b": 1, "a": 2}, SON([("b", 1), ("a", 2)])):
        copy = copy_command(spec)
        assert type(copy) is SON and copy is not spec
        assert list(copy.items()) == [("b", 1), ("a", 2)]
        copy["c"] = 3
        assert "c" not in spec


def test_copy_command_follows_an_ordered_dict_s_own_order():
    spec = collections.OrderedDict([("find", "c"), ("filter", {}), ("limit", 1)])
    spec.move_to_end("find", last=False)
    spec.move_to_end("filter")
    assert list(copy_command(spec)) == ["find", "limit", "filter"]


def test_the_callers_command_is_not_changed_with_or_without_a_session():
    with _peer() as peer, MongoClient(peer.uri) as client:
        spec = SON([("ping", 1), ("comment", "x")])
        client.admin.command(spec)
        with client.start_session() as session:
            client.admin.command(spec, session=session)
        assert list(spec.items()) == [("ping", 1), ("comment", "x")]
        pings = peer.commands("ping")
        assert len(pings) == 2
        for ping in pings:
            assert list(ping)[:2] == ["ping", "comment"]
            assert ping["$db"] == "admin" and "lsid" in ping


def test_a_write_concern_copy_is_sent_and_the_callers_document_kept():
    with _peer() as peer, MongoClient(peer.uri) as client:
        coll = client.db.get_collection("c", write_concern=WriteConcern(w=1, j=True))
        doc = {"x": 1}
        coll.insert_one(doc)
        assert set(doc) == {"x", "_id"}
        [insert] = peer.commands("insert")
        assert insert["writeConcern"] == {"w": 1, "j": True}
        assert insert["$db"] == "db" and "lsid" in insert


def test_listeners_see_the_command_without_the_op_msg_fields():
    listener = _Started()
    with _peer() as peer, MongoClient(peer.uri, event_listeners=[listener]) as client:
        client.admin.command("ping")
        client.db.c.insert_one({"x": 1})
        [(_, ping)] = [c for c in listener.commands if c[0] == "ping"]
        assert "$db" not in ping and "lsid" in ping
        [sent] = peer.commands("ping")
        assert sent["$db"] == "admin"
        [(_, insert)] = [c for c in listener.commands if c[0] == "insert"]
        assert "$db" not in insert and insert["documents"][0]["x"] == 1
