"""Transactions on a sharded cluster, against two scripted mongoses (MongoDB 4.2+): the
session pinned to the mongos of a transaction's first command, the recoveryToken of its
replies sent with commit and abort, and the events that unpin the session.
"""
from __future__ import annotations

import itertools
import time
from typing import Any, Dict, List

import pytest

from pymongo import MongoClient
from pymongo.errors import AutoReconnect, OperationFailure
from tests.support.replica_set_peer import HANDSHAKES, default_reply
from tests.support.wire_peer import CLOSE, WirePeer, hello_reply

TRANSACTION_NAMES = ("insert", "find", "update", "commitTransaction", "abortTransaction")


class Mongos:
    """One scripted mongos: ``script[name]`` replies (or CLOSE) consumed in order; every
    reply to a command of a transaction carries ``recoveryToken: {"from": port, "n": k}``."""

    def __init__(self) -> None:
        self.script: Dict[str, List[Any]] = {}
        self.peer = WirePeer(self._handle)
        self.port = self.peer.port
        self._serial = itertools.count(1)

    def _handle(self, name: str, command: Any) -> Any:
        if name in HANDSHAKES:
            return hello_reply("mongos", max_wire_version=8, logicalSessionTimeoutMinutes=30)
        queued = self.script.get(name)
        reply = queued.pop(0) if queued else default_reply(name, command)
        if reply is CLOSE:
            return CLOSE
        reply = dict(reply)
        if "autocommit" in command:
            reply["recoveryToken"] = {"from": self.port, "n": next(self._serial)}
        return reply

    def sent(self, name: str = None) -> List[Dict[str, Any]]:
        return [c for c in self.peer.commands(name) if next(iter(c)) in TRANSACTION_NAMES]


@pytest.fixture
def cluster():
    one, two = Mongos(), Mongos()
    with one.peer, two.peer:
        yield one, two


def _client(cluster: Any, **kwargs: Any) -> MongoClient:
    hosts = ",".join(f"127.0.0.1:{m.port}" for m in cluster)
    kwargs.setdefault("serverSelectionTimeoutMS", 3000)
    # A wide latency window: both mongoses are candidates for every unpinned selection.
    kwargs.setdefault("localThresholdMS", 10000)
    client = MongoClient(f"mongodb://{hosts}/", **kwargs)
    client.admin.command("ping")
    for _ in range(100):  # both known, so that selection may pick either
        if len(client.nodes) == 2:
            break
        time.sleep(0.02)
    return client


def _pinned(cluster: Any, session: Any) -> Any:
    address = session._transaction.pinned
    return next((m for m in cluster if address == ("127.0.0.1", m.port)), None)


def test_every_command_of_a_transaction_goes_to_the_mongos_of_the_first(cluster):
    with _client(cluster) as client, client.start_session() as session:
        for _ in range(5):  # each transaction pins anew, to either mongos
            session.start_transaction()
            assert session._transaction.pinned is None
            for n in range(6):
                client.db.c.insert_one({"n": n}, session=session)
                list(client.db.c.find({}, session=session))
            mongos = _pinned(cluster, session)
            assert mongos is not None
            session.commit_transaction()
            session.commit_transaction()  # committed again: the same mongos
            assert _pinned(cluster, session) is mongos
            other = cluster[1] if mongos is cluster[0] else cluster[0]
            txn = session._server_session.transaction_id
            assert not [c for c in other.sent() if c.get("txnNumber") == txn]
            assert len([c for c in mongos.sent() if c.get("txnNumber") == txn]) == 14


def test_commit_and_abort_carry_the_latest_recovery_token(cluster):
    with _client(cluster) as client, client.start_session() as session:
        session.start_transaction()
        client.db.c.insert_one({}, session=session)
        client.db.c.insert_one({}, session=session)
        mongos = _pinned(cluster, session)
        session.commit_transaction()
        inserts = mongos.sent("insert")
        assert "recoveryToken" not in inserts[-1]
        assert mongos.sent("commitTransaction")[-1]["recoveryToken"] == \
            {"from": mongos.port, "n": 2}
        session.start_transaction()  # a new transaction forgets the old token
        assert session._transaction.recovery_token is None
        client.db.c.insert_one({}, session=session)
        mongos = _pinned(cluster, session)
        session.abort_transaction()
        assert mongos.sent("abortTransaction")[-1]["recoveryToken"]["from"] == mongos.port
        assert session._transaction.pinned is None  # an abort unpins


def test_an_operation_outside_the_transaction_unpins(cluster):
    with _client(cluster) as client, client.start_session() as session:
        session.start_transaction()
        client.db.c.insert_one({}, session=session)
        session.commit_transaction()
        assert session._transaction.pinned is not None
        client.db.c.insert_one({}, session=session)
        assert session._transaction.pinned is None


@pytest.mark.parametrize("failure", [CLOSE, {"ok": 0.0, "code": 91, "errmsg": "shutdown",
                                             "errorLabels": ["TransientTransactionError"]}])
def test_a_transient_error_unpins_and_a_non_transient_one_does_not(cluster, failure):
    with _client(cluster) as client, client.start_session() as session:
        session.start_transaction()
        client.db.c.insert_one({}, session=session)
        mongos = _pinned(cluster, session)
        mongos.script["insert"] = [{"ok": 0.0, "code": 11601, "errmsg": "interrupted"}]
        with pytest.raises(OperationFailure) as info:
            client.db.c.insert_one({}, session=session)
        assert not info.value.has_error_label("TransientTransactionError")
        assert _pinned(cluster, session) is mongos
        mongos.script["insert"] = [failure]
        with pytest.raises((AutoReconnect, OperationFailure)) as info:
            client.db.c.insert_one({}, session=session)
        assert info.value.has_error_label("TransientTransactionError")
        assert session._transaction.pinned is None
        session.abort_transaction()  # to any mongos, with the token of the pinned one
        aborts = [c for m in cluster for c in m.sent("abortTransaction")]
        assert aborts and aborts[-1]["recoveryToken"]["from"] == mongos.port


def test_a_commit_of_unknown_outcome_is_retried_unpinned_with_the_token(cluster):
    with _client(cluster) as client, client.start_session() as session:
        session.start_transaction()
        client.db.c.insert_one({}, session=session)
        mongos = _pinned(cluster, session)
        other = cluster[1] if mongos is cluster[0] else cluster[0]
        # The pinned mongos fails both attempts if the retry goes there: a network
        # error, then one that leaves the outcome unknown again.
        mongos.script["commitTransaction"] = [CLOSE, CLOSE]
        try:
            session.commit_transaction()
        except AutoReconnect as exc:  # the retry went to the same mongos
            assert exc.has_error_label("UnknownTransactionCommitResult")
        commits = mongos.sent("commitTransaction") + other.sent("commitTransaction")
        assert len(commits) == 2
        assert all(c["recoveryToken"] == {"from": mongos.port, "n": 1} for c in commits)
        assert commits[-1]["writeConcern"] == {"w": "majority", "wtimeout": 10000}
        assert session._transaction.pinned is None


def test_a_replica_set_transaction_is_not_pinned():
    from tests.support.replica_set_peer import ReplicaSetPeer

    with ReplicaSetPeer(max_wire_version=8) as rs, rs.client() as client, \
            client.start_session() as session:
        session.start_transaction()
        client.db.c.insert_one({}, session=session)
        assert session._transaction.pinned is None
        session.commit_transaction()
        assert "recoveryToken" not in rs.sent("commitTransaction")[0]

