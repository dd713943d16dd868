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


def _open_cursor_peer(fail_first=False):
    """A server that leaves find_one's cursor open (ignoring singleBatch), and optionally
    fails the first find."""
    failed = []

    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply("standalone", logicalSessionTimeoutMinutes=30)
        if name == "find":
            if fail_first and not failed:
                failed.append(1)
                return {"ok": 0.0, "errmsg": "no", "code": 2}
            return {"ok": 1.0, "cursor": {"id": 42, "ns": "db.c",
                                          "firstBatch": [{"_id": 1}, {"_id": 2}]}}
        return {"ok": 1.0, "cursorsKilled": [42]}

    return WirePeer(handler)


def test_a_cursor_the_server_left_open_is_killed_and_the_first_document_returned():
    with _open_cursor_peer() as peer, MongoClient(peer.uri) as client:
        assert client.db.c.find_one({"x": 1}) == {"_id": 1}
        [kill] = peer.commands("killCursors")
        assert kill["killCursors"] == "c" and kill["cursors"] == [42]


def test_the_implicit_session_goes_back_to_the_pool_after_success_and_failure():
    from pymongo.errors import OperationFailure

    with _open_cursor_peer(fail_first=True) as peer, MongoClient(peer.uri) as client:
        with pytest.raises(OperationFailure):
            client.db.c.find_one()
        client.db.c.find_one()
        client.db.c.find_one()
        ids = {find["lsid"]["id"] for find in peer.commands("find")}
        assert len(peer.commands("find")) == 3 and len(ids) == 1


def test_an_explicit_session_is_used_and_left_open():
    with _peer() as peer, MongoClient(peer.uri) as client:
        with client.start_session() as session:
            assert client.db.c.find_one({}, session=session) == {"_id": 1}
            assert not session.has_ended
            [find] = peer.commands("find")
            assert find["lsid"]["id"].bytes == bytes(session.session_id["id"])


def test_a_subclass_overriding_find_still_serves_find_one():
    from pymongo.collection import Collection

    seen = []

    class Audited(Collection):
        def find(self, *args, **kwargs):
            seen.append((args, kwargs))
            return super().find(*args, **kwargs)

    with _peer() as peer, MongoClient(peer.uri) as client:
        assert Audited(client.db, "c").find_one({"x": 2}) == {"_id": 1}
        assert seen == [(({"x": 2},), {"limit": -1})]
        assert peer.commands("find")[0]["filter"] == {"x": 2}


def test_outgoing_son_manipulators_see_find_one_s_document():
    from pymongo.son_manipulator import SONManipulator

    class Tag(SONManipulator):
        def transform_outgoing(self, son, collection):
            son["seen_in"] = collection.name
            return son

    with _peer() as peer, MongoClient(peer.uri) as client:
        db = client.db  # manipulators belong to this Database object
        db.add_son_manipulator(Tag())
        assert db.c.find_one() == {"_id": 1, "seen_in": "c"}


class _EqualsAnything(dict):
    """A document value whose == says yes to everything, None included."""

    def __eq__(self, other):
        return True

    __hash__ = None


def test_an_option_is_given_when_it_is_not_none_whatever_its_eq_says():
    with _peer() as peer, MongoClient(peer.uri) as client:
        list(client.db.c.find({}, comment=_EqualsAnything(why="keyword")))
        list(client.db.c.find({}).comment(_EqualsAnything(why="method")))
        first, second = peer.commands("find")
        assert first["comment"] == {"why": "keyword"}
        assert second["comment"] == {"why": "method"}
