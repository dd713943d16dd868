"""pymongo.operations as PyMongo 3.4's: documents checked at bulk_write, 3.4's
IndexModel document."""
from __future__ import annotations

import pytest

from pymongo.operations import IndexModel, InsertOne, ReplaceOne, UpdateOne


def test_operations_with_bad_documents_can_be_built():
    assert repr(UpdateOne({}, {})) == "UpdateOne({}, {}, False)"
    assert repr(ReplaceOne({}, {"$set": {}})) == "ReplaceOne({}, {'$set': {}}, False)"
    assert repr(InsertOne(1)) == "InsertOne(1)"
    assert UpdateOne({}, {"a": 1}) == UpdateOne({}, {"a": 1})


def test_filter_and_upsert_are_checked_when_built():
    with pytest.raises(TypeError):
        UpdateOne(1, {"$set": {}})
    with pytest.raises(TypeError):
        UpdateOne({}, {"$set": {}}, upsert=1)


def test_index_model_document_is_3_4s_dict():
    model = IndexModel([("a", 1)], name="x", unique=True)
    assert type(model.document) is dict
    assert list(model.document) == ["name", "unique", "key"]
    assert list(IndexModel("a", sparse=True).document) == ["sparse", "name", "key"]


def test_difference_index_model_name_must_be_a_string():
    """3.4 sent any name to the server, which refused a non-string one."""
    with pytest.raises(TypeError, match="name must be an instance of str"):
        IndexModel("a", name=5)


def test_difference_map_reduce_is_sent_as_map_reduce():
    """3.4 sent 'mapreduce'; the specifications (and command monitoring) name it
    'mapReduce'.  The server takes both spellings."""
    from pymongo import monitoring
    from tests.support.replica_set_peer import ReplicaSetPeer

    seen = []

    class Listener(monitoring.CommandListener):
        def started(self, event):
            seen.append(event.command_name)

        def succeeded(self, event):
            pass

        def failed(self, event):
            pass

    with ReplicaSetPeer() as peer, peer.client(event_listeners=[Listener()]) as client:
        client.db.c.map_reduce("function () {}", "function (k, v) {}", "out")
        client.db.c.inline_map_reduce("function () {}", "function (k, v) {}")
    first, second = peer.sent("mapReduce")
    assert next(iter(first)) == next(iter(second)) == "mapReduce"
    assert second["out"] == {"inline": 1}
    assert [name for name in seen if name.lower() == "mapreduce"] == ["mapReduce"] * 2
