"""Transactions against a scripted replica set primary (MongoDB 4.4+, or 4.2 where the
version matters): the state after a transaction, error labels of reads and getMores,
the labels and retry of commit, and writes of a ``w=0`` collection inside a transaction.
"""
from __future__ import annotations

import pytest

from pymongo import InsertOne
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    InvalidOperation,
    NotMasterError,
    PyMongoError,
)
from pymongo.read_preferences import ReadPreference
from pymongo.write_concern import WriteConcern
from tests.support.replica_set_peer import ReplicaSetPeer
from tests.support.replica_set_peer import error_reply as _error
from tests.support.wire_peer import CLOSE

TRANSIENT, UNKNOWN_COMMIT, RETRYABLE = ("TransientTransactionError",
                                        "UnknownTransactionCommitResult",
                                        "RetryableWriteError")


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


@pytest.fixture
def rs42():
    with ReplicaSetPeer(max_wire_version=8) as peer:
        yield peer


def test_an_operation_after_a_transaction_ends_its_state(rs):
    with rs.client() as client, client.start_session() as session:
        for finish in (session.commit_transaction, session.abort_transaction):
            session.start_transaction()
            client.db.c.insert_one({}, session=session)
            finish()
            client.db.c.insert_one({}, session=session)  # outside any transaction
            with pytest.raises(InvalidOperation, match="No transaction started"):
                finish()
    assert len(rs.sent("commitTransaction")) == len(rs.sent("abortTransaction")) == 1


def test_a_get_more_network_error_in_a_transaction_is_transient(rs):
    rs.script["find"] = [{"ok": 1.0, "cursor": {"id": 7, "ns": "db.c",
                                                "firstBatch": [{"_id": 1}]}}]
    rs.script["getMore"] = [CLOSE]
    with rs.client() as client, client.start_session() as session:
        session.start_transaction()
        cursor = client.db.c.find({}, session=session)
        assert next(cursor) == {"_id": 1}
        with pytest.raises(AutoReconnect) as info:
            next(cursor)
        assert info.value.has_error_label(TRANSIENT)
        assert not info.value.has_error_label(RETRYABLE)
        session.abort_transaction()


def test_a_commit_network_error_is_labelled_for_a_retry(rs):
    rs.script["commitTransaction"] = [CLOSE, CLOSE]
    with rs.client(retryWrites=False) as client, client.start_session() as session:
        session.start_transaction()
        client.db.c.insert_one({}, session=session)
        with pytest.raises(AutoReconnect) as info:
            session.commit_transaction()
        assert info.value.error_labels >= {RETRYABLE, UNKNOWN_COMMIT}
        assert not info.value.has_error_label(TRANSIENT)
    assert len(rs.sent("commitTransaction")) == 2


def test_a_commit_error_is_retried_by_label_on_4_4_and_by_code_before(rs, rs42):
    for peer, sent in ((rs, 1), (rs42, 2)):
        peer.script["commitTransaction"] = [_error(11600), _error(11600)]  # unlabelled
        with peer.client() as client, client.start_session() as session:
            session.start_transaction()
            client.db.c.insert_one({}, session=session)
            with pytest.raises(NotMasterError) as info:
                session.commit_transaction()
        assert len(peer.sent("commitTransaction")) == sent
        assert info.value.has_error_label(RETRYABLE) is (sent == 2)


def test_a_command_s_own_read_preference_must_be_primary_in_a_transaction(rs):
    with rs.client() as client, client.start_session() as session:
        session.start_transaction()
        with pytest.raises(InvalidOperation, match="must be primary"):
            client.db.command("find", "c", read_preference=ReadPreference.SECONDARY,
                              session=session)
        client.db.command("find", "c", session=session)  # primary, the default
        session.abort_transaction()
    assert len(rs.sent("find")) == 1


def test_a_w_0_collection_writes_acknowledged_inside_a_transaction(rs):
    with rs.client() as client, client.start_session() as session:
        coll = client.db.get_collection("c", write_concern=WriteConcern(w=0))
        with pytest.raises(ConfigurationError, match="unacknowledged"):
            coll.insert_one({}, session=session)  # outside a transaction: refused
        with session.start_transaction():
            assert coll.insert_one({"_id": 1}, session=session).acknowledged
            assert coll.delete_one({}, session=session).deleted_count == 1
            assert coll.bulk_write([InsertOne({})], session=session).inserted_count == 1
            assert coll.find_one_and_delete({}, session=session) == {"_id": 1}
    commands = rs.sent("insert") + rs.sent("delete") + rs.sent("findAndModify")
    assert len(commands) == 4
    assert all("writeConcern" not in c and c["autocommit"] is False for c in commands)


def test_create_collection_in_a_transaction_leaves_the_check_to_the_server(rs):
    with rs.client() as client, client.start_session() as session:
        with session.start_transaction():
            client.db.create_collection("new", session=session)
    assert not rs.sent("listCollections")
    [create] = rs.sent("create")
    assert create["create"] == "new" and create["startTransaction"] is True


def test_errors_outside_a_transaction_get_no_transient_label(rs):
    rs.script["find"] = [CLOSE, CLOSE]
    with rs.client() as client, client.start_session() as session:
        with pytest.raises(PyMongoError) as info:
            client.db.c.find_one({}, session=session)
    assert not info.value.has_error_label(TRANSIENT)
