"""Which write errors are retried and which carry the RetryableWriteError label, against a
scripted replica set primary of MongoDB 4.4+ (wire version 21) or 4.2 (wire version 8).

From 4.4 the server labels the errors it considers retryable and the driver goes by the
label alone; before, the driver decides by the error code.  Network errors are the
driver's to label, whatever the version.  A ``writeConcernError`` is retried like any
other error, for single writes, ``findAndModify`` and each batch of a bulk write.
"""
from __future__ import annotations

import pytest

from pymongo import InsertOne, UpdateOne
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    NotMasterError,
    OperationFailure,
    WriteConcernError,
)
from tests.support.replica_set_peer import ReplicaSetPeer, default_reply
from tests.support.replica_set_peer import error_reply as _error
from tests.support.wire_peer import CLOSE

LABEL = "RetryableWriteError"


def _concern_error(code: int, labels=()):
    """A reply whose write succeeded but whose write concern failed with ``code``."""
    def reply(command):
        document = default_reply(next(iter(command)), command)
        document["writeConcernError"] = {"code": code, "errmsg": f"concern error {code}"}
        if labels:
            document["errorLabels"] = list(labels)
        return document
    return reply


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


@pytest.fixture
def rs42():
    with ReplicaSetPeer(max_wire_version=8) as peer:
        yield peer


def test_an_unlabelled_not_primary_error_is_not_retried_on_4_4(rs):
    rs.script["insert"] = [_error(10107)]  # NotWritablePrimary, which 4.4 did not label
    with rs.client() as client, pytest.raises(NotMasterError) as info:
        client.db.c.insert_one({})
    assert len(rs.sent("insert")) == 1
    assert not info.value.has_error_label(LABEL)


def test_a_labelled_not_primary_error_is_retried_on_4_4(rs):
    rs.script["insert"] = [_error(10107, [LABEL])]
    with rs.client() as client:
        client.db.c.insert_one({})
    assert len(rs.sent("insert")) == 2


def test_before_4_4_the_code_decides_and_the_driver_labels(rs42):
    rs42.script["insert"] = [_error(10107), _error(10107)]
    with rs42.client() as client, pytest.raises(NotMasterError) as info:
        client.db.c.insert_one({})
    assert len(rs42.sent("insert")) == 2
    assert info.value.has_error_label(LABEL)


def test_a_network_error_twice_is_raised_with_the_label(rs):
    rs.script["update"] = [CLOSE, CLOSE]
    with rs.client() as client, pytest.raises(AutoReconnect) as info:
        client.db.c.update_one({}, {"$set": {"a": 1}})
    assert len(rs.sent("update")) == 2
    assert info.value.has_error_label(LABEL)


def test_a_network_error_is_not_labelled_without_retry_writes(rs):
    rs.script["insert"] = [CLOSE]
    with rs.client(retryWrites=False) as client, pytest.raises(AutoReconnect) as info:
        client.db.c.insert_one({})
    assert not info.value.has_error_label(LABEL)


def test_a_write_concern_error_carries_the_labels_of_its_reply(rs):
    rs.script["insert"] = [_concern_error(91, [LABEL, "SomeOtherLabel"])] * 2
    with rs.client() as client, pytest.raises(WriteConcernError) as info:
        client.db.c.insert_one({})
    assert len(rs.sent("insert")) == 2
    assert info.value.code == 91 and info.value.details["code"] == 91
    assert info.value.error_labels == {LABEL, "SomeOtherLabel"}


def test_an_unlabelled_write_concern_error_is_not_retried_on_4_4(rs):
    rs.script["delete"] = [_concern_error(91)]
    with rs.client() as client, pytest.raises(WriteConcernError) as info:
        client.db.c.delete_one({})
    assert len(rs.sent("delete")) == 1 and not info.value.has_error_label(LABEL)


def test_find_one_and_update_retries_a_labelled_write_concern_error(rs):
    rs.script["findAndModify"] = [_concern_error(91, [LABEL])]
    with rs.client() as client:
        assert client.db.c.find_one_and_update({}, {"$set": {"a": 1}}) == {"_id": 1}
    first, second = rs.sent("findAndModify")
    assert first["txnNumber"] == second["txnNumber"]


def test_a_bulk_batch_retries_a_labelled_write_concern_error(rs):
    rs.script["insert"] = [_concern_error(91, [LABEL])]
    with rs.client() as client:
        result = client.db.c.insert_many([{"_id": 1}, {"_id": 2}])
    assert result.inserted_ids == [1, 2]
    first, second = rs.sent("insert")
    assert first["txnNumber"] == second["txnNumber"]


def test_a_bulk_write_concern_error_a_retry_did_not_cure_is_in_the_result(rs):
    rs.script["insert"] = [_concern_error(91, [LABEL])] * 2
    rs.script["update"] = [_concern_error(64)]  # not retryable: sent once
    with rs.client() as client, pytest.raises(BulkWriteError) as info:
        client.db.c.bulk_write([InsertOne({"_id": 1}),
                                UpdateOne({}, {"$set": {"a": 1}})])
    details = info.value.details
    assert [e["code"] for e in details["writeConcernErrors"]] == [91, 64]
    assert details["nInserted"] == 1
    assert len(rs.sent("insert")) == 2 and len(rs.sent("update")) == 1
    assert info.value.has_error_label(LABEL)


def test_an_error_that_is_not_retryable_is_raised_at_once(rs42):
    rs42.script["insert"] = [_error(11000)]
    with rs42.client() as client, pytest.raises(OperationFailure) as info:
        client.db.c.insert_one({})
    assert len(rs42.sent("insert")) == 1 and not info.value.has_error_label(LABEL)


@pytest.mark.parametrize("document", [{"multi": True}, {"limit": 0}, {"limit": 5}])
def test_an_insert_is_retryable_whatever_fields_its_document_holds(rs, document):
    # The fields that make an update or delete statement multi-document are data here.
    rs.script["insert"] = [_error(10107, [LABEL])]
    with rs.client() as client:
        client.db.c.insert_one(dict(document))
    first, retry = rs.sent("insert")
    assert first["txnNumber"] == retry["txnNumber"]
