"""Change streams against a scripted replica set: the aggregation, getMores, resuming.

FerretDB 1.24 has no change streams (a server gap); the peer plays a 4.4+ primary.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from bson.timestamp import Timestamp
from pymongo.change_stream import ClusterChangeStream, CollectionChangeStream
from pymongo.errors import InvalidOperation, OperationFailure, PyMongoError
from tests.support.replica_set_peer import ReplicaSetPeer
from tests.support.wire_peer import CLOSE

OPERATION_TIME = Timestamp(1700000000, 1)


def _change(n: int) -> Dict[str, Any]:
    return {"_id": {"_data": f"token-{n}"}, "operationType": "insert",
            "fullDocument": {"_id": n}, "ns": {"db": "db", "coll": "c"},
            "documentKey": {"_id": n}}


def _cursor(batch_key: str, changes: List[int], cursor_id: int = 77, **extra: Any) -> Any:
    return lambda cmd: {"ok": 1.0, "operationTime": OPERATION_TIME,
                        "cursor": {"id": cursor_id, "ns": "db.c",
                                   batch_key: [_change(n) for n in changes], **extra}}


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


def test_watch_opens_the_aggregation_and_follows_it_with_get_mores(rs):
    rs.script["aggregate"] = [_cursor("firstBatch", [1])]
    rs.script["getMore"] = [_cursor("nextBatch", []), _cursor("nextBatch", [2, 3])]
    with rs.client() as client, client.db.c.watch([{"$match": {"operationType": "insert"}}],
                                                  full_document="updateLookup",
                                                  max_await_time_ms=50, batch_size=10) as stream:
        assert isinstance(stream, CollectionChangeStream)
        assert next(stream)["fullDocument"] == {"_id": 1}
        assert stream.resume_token == {"_data": "token-1"}
        assert stream.try_next() is None  # one empty getMore
        assert [next(stream)["documentKey"]["_id"] for _ in range(2)] == [2, 3]
        assert stream.resume_token == {"_data": "token-3"}
    [aggregate] = rs.sent("aggregate")
    assert aggregate["pipeline"] == [
        {"$changeStream": {"fullDocument": "updateLookup"}},
        {"$match": {"operationType": "insert"}}]
    assert aggregate["cursor"] == {"batchSize": 10}
    get_more = rs.sent("getMore")[0]
    assert (get_more["maxTimeMS"], get_more["batchSize"], get_more["collection"]) == \
        (50, 10, "c")
    assert get_more["lsid"] == aggregate["lsid"]
    assert rs.sent("killCursors")  # closing kills the server cursor


def test_a_network_error_resumes_after_the_last_change(rs):
    rs.script["aggregate"] = [_cursor("firstBatch", [1]), _cursor("firstBatch", [3], 78)]
    rs.script["getMore"] = [_cursor("nextBatch", [2]), CLOSE]
    with rs.client() as client, client.db.c.watch() as stream:
        assert [next(stream)["documentKey"]["_id"] for _ in range(3)] == [1, 2, 3]
    first, second = rs.sent("aggregate")
    assert "resumeAfter" not in first["pipeline"][0]["$changeStream"]
    assert second["pipeline"][0]["$changeStream"] == {"resumeAfter": {"_data": "token-2"}}


def test_a_resumable_server_error_resumes_and_others_are_raised(rs):
    error = {"ok": 0.0, "code": 280, "errmsg": "boom",
             "errorLabels": ["ResumableChangeStreamError"]}
    rs.script["aggregate"] = [_cursor("firstBatch", []), _cursor("firstBatch", [1], 78),
                              _cursor("firstBatch", [])]
    rs.script["getMore"] = [error, {"ok": 0.0, "code": 2, "errmsg": "bad value"}]
    with rs.client() as client:
        stream = client.db.c.watch()
        assert next(stream)["documentKey"]["_id"] == 1
        with pytest.raises(OperationFailure, match="bad value"):
            stream.try_next()
        assert not stream.alive
    # Nothing seen before the error: it resumes where the stream first started.
    assert rs.sent("aggregate")[1]["pipeline"][0]["$changeStream"] == \
        {"startAtOperationTime": OPERATION_TIME}


def test_the_post_batch_resume_token_is_the_resume_token_after_an_empty_batch(rs):
    rs.script["aggregate"] = [_cursor("firstBatch", [], postBatchResumeToken={"_data": "pb"})]
    with rs.client() as client, client.db.c.watch() as stream:
        assert stream.resume_token == {"_data": "pb"}


def test_start_after_then_resume_after(rs):
    rs.script["aggregate"] = [_cursor("firstBatch", [5]), _cursor("firstBatch", [6], 78)]
    rs.script["getMore"] = [CLOSE]
    with rs.client() as client, \
            client.db.c.watch(start_after={"_data": "token-4"}) as stream:
        assert next(stream)["documentKey"]["_id"] == 5
        assert next(stream)["documentKey"]["_id"] == 6
    first, second = rs.sent("aggregate")
    assert first["pipeline"][0]["$changeStream"] == {"startAfter": {"_data": "token-4"}}
    assert second["pipeline"][0]["$changeStream"] == {"resumeAfter": {"_data": "token-5"}}


def test_a_change_without_its_token_cannot_be_resumed(rs):
    rs.script["aggregate"] = [lambda cmd: {"ok": 1.0, "cursor": {
        "id": 77, "ns": "db.c", "firstBatch": [{"operationType": "insert"}]}}]
    with rs.client() as client, client.db.c.watch() as stream:
        with pytest.raises(InvalidOperation, match="resume token is missing"):
            next(stream)
        assert not stream.alive


def test_database_and_cluster_streams_aggregate_on_1(rs):
    rs.script["aggregate"] = [_cursor("firstBatch", []), _cursor("firstBatch", [])]
    with rs.client() as client:
        client.db.watch().close()
        stream = client.watch(start_at_operation_time=Timestamp(5, 1))
        assert isinstance(stream, ClusterChangeStream)
        stream.close()
    database, cluster = rs.sent("aggregate")
    assert (database["aggregate"], database["$db"]) == (1, "db")
    assert (cluster["aggregate"], cluster["$db"]) == (1, "admin")
    assert cluster["pipeline"][0]["$changeStream"] == {
        "allChangesForCluster": True, "startAtOperationTime": Timestamp(5, 1)}


def test_watch_checks_its_arguments(rs):
    with rs.client() as client:
        with pytest.raises(TypeError, match="pipeline must be a list"):
            client.db.c.watch({"$match": {}})
        with pytest.raises(TypeError, match="start_at_operation_time must be an instance"):
            client.db.c.watch(start_at_operation_time=5)


@pytest.mark.parametrize("wire_version,resumes", [(21, False), (8, True)])
def test_an_unlabelled_error_resumes_by_its_code_before_4_4_only(wire_version, resumes):
    """From MongoDB 4.4 the server labels resumable errors: a listed code alone (here a
    not-primary error, 10107) resumes only an older server's stream."""
    with ReplicaSetPeer(max_wire_version=wire_version) as peer:
        peer.script["aggregate"] = [_cursor("firstBatch", []), _cursor("firstBatch", [1], 78)]
        peer.script["getMore"] = [{"ok": 0.0, "code": 10107, "errmsg": "not primary"}]
        with peer.client() as client, client.db.c.watch() as stream:
            if resumes:
                assert next(stream)["documentKey"]["_id"] == 1
            else:
                with pytest.raises(PyMongoError, match="not primary"):
                    stream.try_next()
                assert not stream.alive
        assert len(peer.sent("aggregate")) == (2 if resumes else 1)


def test_cursor_not_found_resumes_whatever_the_version(rs):
    rs.script["aggregate"] = [_cursor("firstBatch", []), _cursor("firstBatch", [1], 78)]
    rs.script["getMore"] = [{"ok": 0.0, "code": 43, "errmsg": "cursor id not found"}]
    with rs.client() as client, client.db.c.watch() as stream:
        assert next(stream)["documentKey"]["_id"] == 1
    assert len(rs.sent("aggregate")) == 2
