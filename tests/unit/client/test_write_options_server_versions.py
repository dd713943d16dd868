"""array_filters and hint need new enough servers: refused before anything is sent."""
from __future__ import annotations

import pytest

from mongofw.errors import ConfigurationError
from pymongo import MongoClient
from pymongo.operations import DeleteOne, UpdateOne
from tests.support.wire_peer import WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")


def _peer(max_wire_version):
    def handler(name, command):
        if name in HANDSHAKES:
            return hello_reply(max_wire_version=max_wire_version)
        return {"ok": 1.0, "n": 1, "nModified": 1}

    return WirePeer(handler)


@pytest.mark.parametrize("call, wire_version, message", [
    (lambda c: c.update_one({}, {"$set": {"a.$[x]": 1}}, array_filters=[{"x": 1}]), 5,
     r"MongoDB 3\.6\+ \(wire version 6\) to use arrayFilters; the server speaks wire version 5"),
    (lambda c: c.bulk_write([UpdateOne({}, {"$set": {"a": 1}}, array_filters=[])]), 5,
     r"MongoDB 3\.6\+"),
    (lambda c: c.find_one_and_update({}, {"$set": {"a": 1}}, array_filters=[]), 5,
     r"MongoDB 3\.6\+ \(wire version 6\) to use arrayFilters"),
    (lambda c: c.update_many({}, {"$set": {"a": 1}}, hint="a_1"), 4,
     r"MongoDB 3\.4\+ \(wire version 5\) to use hint on update and delete statements"),
    (lambda c: c.delete_one({}, hint="a_1"), 4,
     r"MongoDB 3\.4\+ \(wire version 5\) to use hint on update and delete statements"),
    (lambda c: c.bulk_write([DeleteOne({}, hint="a_1")]), 4, r"MongoDB 3\.4\+"),
    (lambda c: c.find_one_and_delete({}, hint="a_1"), 7,
     r"MongoDB 4\.2\+ \(wire version 8\) to use hint on find and modify commands"),
])
def test_an_older_server_refuses_the_option_before_the_write(call, wire_version, message):
    with _peer(wire_version) as peer, MongoClient(peer.uri,
                                                 serverSelectionTimeoutMS=2000) as client:
        with pytest.raises(ConfigurationError, match=message):
            call(client.db.coll)
    sent = [name for name in ("update", "delete", "findAndModify") if peer.commands(name)]
    assert sent == []


def test_the_options_go_out_once_the_server_is_new_enough():
    with _peer(9) as peer, MongoClient(peer.uri, serverSelectionTimeoutMS=2000) as client:
        client.db.coll.update_one({}, {"$set": {"a.$[x]": 1}}, array_filters=[{"x": 1}],
                                  hint="a_1")
        client.db.coll.delete_one({}, hint=[("a", 1)])
    [update] = peer.commands("update")
    [delete] = peer.commands("delete")
    assert update["updates"][0]["arrayFilters"] == [{"x": 1}]
    assert update["updates"][0]["hint"] == "a_1"
    assert delete["deletes"][0]["hint"] == {"a": 1}
