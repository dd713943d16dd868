"""find_one's find command: one document in a single batch whatever limit the caller
gives, maxTimeMS only when asked, and the cursor options passed through."""
from __future__ import annotations

import pytest

from pymongo import MongoClient
from pymongo.cursor import CursorType
from pymongo.errors import InvalidOperation
from tests.support.wire_peer import WirePeer, hello_reply


def _peer():
    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply("standalone", logicalSessionTimeoutMinutes=30)
        if name == "find":
            batch = [{"_id": 1}, {"_id": 2}]
            return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.c", "firstBatch": batch}}
        return {"ok": 1.0}

    return WirePeer(handler)


@pytest.mark.parametrize("args, kwargs, skip", [
    ((), {}, None), ((None, 3, 5), {}, 3), ((), {"limit": 7}, None), ((None,), {"skip": 2}, 2),
])
def test_find_one_asks_for_a_single_document_whatever_the_limit(args, kwargs, skip):
    with _peer() as peer, MongoClient(peer.uri) as client:
        assert client.db.c.find_one({"x": 1}, *args, **kwargs) == {"_id": 1}
        [find] = peer.commands("find")
        assert (find["limit"], find["singleBatch"]) == (1, True)
        assert find["filter"] == {"x": 1} and "maxTimeMS" not in find
        assert find.get("skip") == skip


def test_find_one_sends_max_time_ms_and_a_non_mapping_filter_as_an_id():
    with _peer() as peer, MongoClient(peer.uri) as client:
        client.db.c.find_one(5, max_time_ms=250)
        [find] = peer.commands("find")
        assert find["maxTimeMS"] == 250 and find["filter"] == {"_id": 5}


def test_find_one_refuses_an_exhaust_cursor_as_before():
    with _peer() as peer, MongoClient(peer.uri) as client:
        with pytest.raises(InvalidOperation, match="limit and exhaust"):
            client.db.c.find_one(cursor_type=CursorType.EXHAUST)
        assert peer.commands("find") == []
