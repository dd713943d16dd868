"""Sessions, retryable writes and reads, and transactions against a scripted replica set.

The peer answers as the primary of a one-member replica set that supports sessions (what
FerretDB 1.24, a standalone, cannot show): it records every command and misbehaves on cue,
so the exact commands the driver sends, and resends, are checked.
"""
from __future__ import annotations

import uuid

import pytest

from bson.timestamp import Timestamp
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    InvalidOperation,
    OperationFailure,
    PyMongoError,
)
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference
from pymongo.write_concern import WriteConcern
from tests.support.replica_set_peer import CLUSTER_TIME, ReplicaSetPeer, default_reply
from tests.support.replica_set_peer import error_reply as _error
from tests.support.wire_peer import CLOSE


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


# ---------------------------------------------------------------- sessions


def test_every_operation_carries_an_lsid_and_implicit_ids_are_reused(rs):
    with rs.client() as client:
        client.db.c.insert_one({"x": 1})
        client.db.c.find_one()
        client.db.command("ping")
    ids = [cmd["lsid"] for name in ("insert", "find", "ping") for cmd in rs.sent(name)]
    assert len(ids) == 3 and all(i == ids[0] for i in ids)  # one pooled id, reused
    assert isinstance(ids[0]["id"], uuid.UUID)  # binary subtype 4, as the peer decodes it
    # The cluster time the first reply gossiped goes out with the next commands.
    assert rs.sent("find")[0]["$clusterTime"] == CLUSTER_TIME


def test_an_explicit_session_is_causally_consistent(rs):
    with rs.client() as client, client.start_session() as session:
        assert session.options.causal_consistency is True
        client.db.c.insert_one({"x": 1}, session=session)
        assert session.operation_time == Timestamp(1700000000, 5)
        assert session.cluster_time == CLUSTER_TIME
        client.db.c.find_one({}, session=session)
        session_id = session.session_id
    [find] = rs.sent("find")
    assert find["lsid"] == {"id": uuid.UUID(bytes=bytes(session_id["id"]))}
    assert find["readConcern"] == {"afterClusterTime": Timestamp(1700000000, 5)}
    # endSessions at close gives the id back to the server.
    assert rs.sent("endSessions")[0]["endSessions"] == [find["lsid"]]


def test_an_inline_map_reduce_is_a_causal_read_and_one_into_a_collection_is_not(rs):
    with rs.client() as client, client.start_session() as session:
        client.db.c.insert_one({"x": 1}, session=session)
        client.db.c.inline_map_reduce("function () {}", "function (k, v) {}",
                                      session=session)
        client.db.c.map_reduce("function () {}", "function (k, v) {}", "out",
                               session=session)
    inline, into_out = rs.sent("mapReduce")
    assert inline["readConcern"] == {"afterClusterTime": Timestamp(1700000000, 5)}
    assert "readConcern" not in into_out


def test_a_session_refuses_misuse(rs):
    with rs.client() as client, rs.client() as other:
        session = client.start_session()
        with pytest.raises(InvalidOperation, match="Can only use session with the "
                                                   "MongoClient that started it"):
            other.db.c.insert_one({}, session=session)
        session.end_session()
        assert session.has_ended
        with pytest.raises(InvalidOperation, match="Cannot use ended session"):
            client.db.c.insert_one({}, session=session)
        with pytest.raises(TypeError, match="session must be an instance of ClientSession"):
            client.db.c.insert_one({}, session="not a session")


def test_unacknowledged_writes_carry_no_session(rs):
    with rs.client(w=0) as client:
        client.db.c.insert_one({"x": 1})
        with client.start_session() as session, \
                pytest.raises(ConfigurationError, match="Explicit sessions are incompatible "
                                                        "with unacknowledged write concern"):
            client.db.c.insert_one({"x": 2}, session=session)
    [insert] = rs.sent("insert")
    assert "lsid" not in insert and "txnNumber" not in insert


def test_advance_cluster_and_operation_time(rs):
    with rs.client() as client, client.start_session() as session:
        session.advance_operation_time(Timestamp(5, 1))
        session.advance_operation_time(Timestamp(4, 1))
        assert session.operation_time == Timestamp(5, 1)
        session.advance_cluster_time({"clusterTime": Timestamp(9, 9)})
        assert session.cluster_time == {"clusterTime": Timestamp(9, 9)}
        with pytest.raises(TypeError):
            session.advance_operation_time(5)
        with pytest.raises(ValueError, match="Invalid cluster_time"):
            session.advance_cluster_time({"clusterTime": 1})


# ---------------------------------------------------------------- retryable writes and reads


def test_a_write_is_retried_once_with_the_same_transaction_number(rs):
    rs.script["insert"] = [CLOSE]
    with rs.client() as client:
        client.db.c.insert_one({"x": 1})
    first, second = rs.sent("insert")
    assert first["txnNumber"] == second["txnNumber"] == 1
    assert first["lsid"] == second["lsid"]


def test_a_retryable_server_error_is_retried_and_a_second_failure_raised(rs):
    # From MongoDB 4.4 (this peer's wire version) the server labels what is retryable.
    rs.script["update"] = [_error(6, ["RetryableWriteError"])] * 2  # HostUnreachable twice
    with rs.client() as client, pytest.raises(OperationFailure) as info:
        client.db.c.update_one({}, {"$set": {"a": 1}})
    assert info.value.code == 6 and len(rs.sent("update")) == 2
    assert info.value.has_error_label("RetryableWriteError")


def test_multi_document_writes_and_retry_writes_false_are_not_retried(rs):
    rs.script["update"] = [CLOSE]
    rs.script["insert"] = [CLOSE]
    with rs.client() as client:
        with pytest.raises(AutoReconnect):
            client.db.c.update_many({}, {"$set": {"a": 1}})
        assert "txnNumber" not in rs.sent("update")[0]
    with rs.client(retryWrites=False) as client, pytest.raises(AutoReconnect):
        client.db.c.insert_one({})
    assert len(rs.sent("update")) == 1 and len(rs.sent("insert")) == 1


def test_a_non_retryable_error_is_not_retried(rs):
    rs.script["insert"] = [_error(2), _error(6)]  # BadValue; an unlabelled HostUnreachable
    with rs.client() as client:
        for _ in range(2):
            with pytest.raises(OperationFailure):
                client.db.c.insert_one({})
    assert len(rs.sent("insert")) == 2


def test_each_bulk_batch_is_its_own_retryable_write(rs):
    rs.script["insert"] = [lambda cmd: default_reply("insert", cmd), CLOSE]
    with rs.client() as client:
        client.db.c.insert_many([{"i": i} for i in range(3)])
        client.db.c.insert_one({"i": 9})
    numbers = [cmd["txnNumber"] for cmd in rs.sent("insert")]
    assert numbers == [1, 2, 2]  # the second write failed once and was sent again


def test_find_one_and_update_is_a_retryable_write(rs):
    rs.script["findAndModify"] = [CLOSE]
    with rs.client() as client:
        assert client.db.c.find_one_and_update({}, {"$set": {"a": 1}}) == {"_id": 1}
    first, second = rs.sent("findAndModify")
    assert first["txnNumber"] == second["txnNumber"]


def test_reads_are_retried_once(rs):
    rs.script["find"] = [CLOSE]
    rs.script["count"] = [CLOSE, CLOSE]
    with rs.client() as client:
        assert client.db.c.find_one() == {"_id": 1}
        with pytest.raises(AutoReconnect):
            client.db.c.count()
    assert len(rs.sent("find")) == 2 and len(rs.sent("count")) == 2
    with rs.client(retryReads=False) as client:
        rs.script["find"] = [CLOSE]
        with pytest.raises(AutoReconnect):
            client.db.c.find_one()


# ---------------------------------------------------------------- transactions


def test_a_transaction_s_commands_and_its_commit(rs):
    with rs.client() as client, client.start_session() as session:
        with session.start_transaction(read_concern=ReadConcern("snapshot"),
                                       write_concern=WriteConcern(w="majority")):
            assert session.in_transaction
            client.db.c.insert_one({"x": 1}, session=session)
            client.db.c.find_one({}, session=session)
        assert not session.in_transaction
    insert, = rs.sent("insert")
    find, = rs.sent("find")
    commit, = rs.sent("commitTransaction")
    assert (insert["startTransaction"], insert["autocommit"], insert["txnNumber"]) == \
        (True, False, 1)
    assert insert["readConcern"] == {"level": "snapshot"} and "writeConcern" not in insert
    assert "startTransaction" not in find and find["autocommit"] is False
    assert find["txnNumber"] == 1 and "readConcern" not in find
    assert commit["writeConcern"] == {"w": "majority"} and commit["txnNumber"] == 1
    assert commit["$db"] == "admin" and commit["lsid"] == insert["lsid"]


def test_an_exception_in_the_block_aborts(rs):
    with rs.client() as client, client.start_session() as session:
        with pytest.raises(ZeroDivisionError), session.start_transaction():
            client.db.c.insert_one({"x": 1}, session=session)
            raise ZeroDivisionError("the application failed mid-transaction")
    assert len(rs.sent("abortTransaction")) == 1 and not rs.sent("commitTransaction")


def test_transaction_state_errors(rs):
    with rs.client() as client, client.start_session() as session:
        with pytest.raises(InvalidOperation, match="No transaction started"):
            session.commit_transaction()
        session.start_transaction()
        with pytest.raises(InvalidOperation, match="Transaction already in progress"):
            session.start_transaction()
        session.commit_transaction()  # nothing ran: nothing sent
        with pytest.raises(InvalidOperation, match="after calling commitTransaction"):
            session.abort_transaction()
        session.start_transaction(read_preference=ReadPreference.SECONDARY)
        with pytest.raises(InvalidOperation, match="read preference in a transaction must "
                                                   "be primary"):
            client.db.c.find_one({}, session=session)
        session.abort_transaction()
        with pytest.raises(InvalidOperation, match="Cannot call abortTransaction twice"):
            session.abort_transaction()
    assert not rs.sent("commitTransaction") and not rs.sent("abortTransaction")


def test_with_transaction_retries_a_transient_error(rs):
    rs.script["insert"] = [_error(112, ["TransientTransactionError"])]  # WriteConflict
    calls = []

    def callback(session):
        calls.append(1)
        return session.client.db.c.insert_one({"x": 1}, session=session).inserted_id

    with rs.client() as client, client.start_session() as session:
        assert session.with_transaction(callback) is not None
    assert len(calls) == 2
    assert [c["txnNumber"] for c in rs.sent("insert")] == [1, 2]
    assert len(rs.sent("abortTransaction")) == 1 and len(rs.sent("commitTransaction")) == 1


def test_with_transaction_retries_an_unknown_commit_result(rs):
    rs.script["commitTransaction"] = [CLOSE, CLOSE]  # the commit's own retry fails too

    def callback(session):
        session.client.db.c.insert_one({"x": 1}, session=session)

    with rs.client() as client, client.start_session() as session:
        session.with_transaction(callback)
    commits = rs.sent("commitTransaction")
    assert len(commits) == 3 and len(rs.sent("insert")) == 1
    assert "w" not in commits[0].get("writeConcern", {})
    assert commits[1]["writeConcern"] == commits[2]["writeConcern"] == \
        {"w": "majority", "wtimeout": 10000}


def test_a_network_error_in_a_transaction_is_transient(rs):
    rs.script["insert"] = [CLOSE]
    with rs.client() as client, client.start_session() as session:
        session.start_transaction()
        with pytest.raises(PyMongoError) as info:
            client.db.c.insert_one({"x": 1}, session=session)
        assert info.value.has_error_label("TransientTransactionError")
        assert len(rs.sent("insert")) == 1  # never retried inside a transaction
        session.abort_transaction()


def test_parallel_scan_cursors_share_an_implicit_session_until_the_last_ends(rs):
    cursors = {"cursors": [{"cursor": {"id": 5, "ns": "db.c", "firstBatch": [{"_id": 1}]},
                            "ok": True},
                           {"cursor": {"id": 6, "ns": "db.c", "firstBatch": [{"_id": 2}]},
                            "ok": True}], "ok": 1.0}
    rs.script["parallelCollectionScan"] = [cursors]
    rs.script["getMore"] = [{"ok": 1.0, "cursor": {"id": 0, "ns": "db.c", "nextBatch": []}}] * 2
    with rs.client() as client:
        first, second = client.db.c.parallel_scan(2)
        assert first.session is None  # implicit: not the caller's
        assert list(first) == [{"_id": 1}]
        client.db.c.find_one()  # the scan's session is still held: another id
        assert list(second) == [{"_id": 2}]
        client.db.c.find_one()  # now the scan's id is back in the pool and reused
    scan_id = rs.sent("parallelCollectionScan")[0]["lsid"]
    assert [more["lsid"] for more in rs.sent("getMore")] == [scan_id, scan_id]
    during, after = (find["lsid"] for find in rs.sent("find"))
    assert during != scan_id and after == scan_id


# ---------------------------------------------------------------- snapshot sessions


def test_every_command_of_a_snapshot_session_but_get_more_reads_the_snapshot(rs):
    rs.script["find"] = [{"ok": 1.0, "cursor": {"id": 5, "ns": "db.c", "firstBatch": [
        {"_id": 1}], "atClusterTime": Timestamp(1700000000, 9)}}]
    rs.script["getMore"] = [{"ok": 1.0, "cursor": {"id": 0, "ns": "db.c",
                                                   "nextBatch": [{"_id": 2}]}}]
    with rs.client() as client, client.start_session(snapshot=True) as session:
        assert len(list(client.db.c.find({}, session=session, batch_size=1))) == 2
        client.db.c.insert_one({}, session=session)  # the server refuses it, not the driver
    [find], [get_more], [insert] = rs.sent("find"), rs.sent("getMore"), rs.sent("insert")
    assert find["readConcern"] == {"level": "snapshot"} and "readConcern" not in get_more
    assert insert["readConcern"] == {"level": "snapshot",
                                     "atClusterTime": Timestamp(1700000000, 9)}


def test_a_snapshot_session_needs_mongodb_5_0():
    with ReplicaSetPeer(max_wire_version=12) as peer, peer.client() as client, \
            client.start_session(snapshot=True) as session:
        with pytest.raises(ConfigurationError, match="Snapshot reads require MongoDB 5.0"):
            client.db.c.find_one({}, session=session)
    assert peer.sent("find") == []
