"""The parts of the spec runners' proxy peer that need no server: fail point modes, the
error labels it adds, the change stream stages it evaluates, its change log, the
choice of mongoses as a target, and the mongos a transaction belongs to."""
from __future__ import annotations

from bson.timestamp import Timestamp
from tests.support.proxy_changes import ChangeLog, Clock, seq_of, token
from tests.support.proxy_fail_points import FailPoints
from tests.support.proxy_peer import server_labels
from tests.support.proxy_pipeline import run
from tests.support.proxy_streams import _update_description


def _configure(points: FailPoints, mode, **data) -> None:
    reply = points.configure({"configureFailPoint": "failCommand", "mode": mode,
                              "data": {"failCommands": ["insert"], **data}})
    assert reply == {"ok": 1.0, "count": 0}


def test_times_triggers_that_often_on_the_named_commands_only():
    points = FailPoints()
    _configure(points, {"times": 2}, closeConnection=True)
    assert points.fail_command("find", None) is None  # not named: not counted
    hits = [points.fail_command("insert", None) for _ in range(3)]
    assert [h is not None for h in hits] == [True, True, False]
    assert hits[0]["closeConnection"] is True


def test_skip_lets_evaluations_pass_then_stays_on():
    points = FailPoints()
    _configure(points, {"skip": 1})
    assert [points.fail_command("insert", None) is not None for _ in range(3)] == \
        [False, True, True]


def test_app_name_filters_and_off_clears():
    points = FailPoints()
    _configure(points, "alwaysOn", appName="app1")
    assert points.fail_command("insert", "other") is None
    assert points.fail_command("insert", "app1") is not None
    _configure(points, "off")
    assert points.fail_command("insert", "app1") is None


def test_an_unknown_fail_point_is_refused():
    reply = FailPoints().configure({"configureFailPoint": "nope", "mode": "alwaysOn"})
    assert reply["ok"] == 0.0 and reply["codeName"] == "BadValue"


def test_labels_of_a_4_4_server():
    retryable_write = {"insert": "c", "lsid": {}, "txnNumber": 1}
    in_transaction = {"insert": "c", "lsid": {}, "txnNumber": 1, "autocommit": False}
    commit = {"commitTransaction": 1, "txnNumber": 1, "autocommit": False}
    assert server_labels("insert", retryable_write, 91, None, (4, 4, 0)) == \
        ["RetryableWriteError"]
    assert server_labels("insert", retryable_write, 91, None, (4, 2, 0)) == []
    assert server_labels("insert", retryable_write, 11601, None, (4, 4, 0)) == []
    assert server_labels("insert", in_transaction, 91, None, (4, 4, 0)) == \
        ["TransientTransactionError"]
    assert server_labels("commitTransaction", commit, 251, None, (4, 4, 0)) == \
        ["TransientTransactionError"]
    assert server_labels("commitTransaction", commit, 251, 64, (4, 4, 0)) == []
    assert server_labels("commitTransaction", commit, None, 91, (4, 4, 0)) == \
        ["RetryableWriteError"]
    assert server_labels("find", {"find": "c"}, 91, None, (4, 4, 0)) == []


def test_change_stream_stages_as_mongodb_evaluates_them():
    event = {"_id": {"_data": "x"}, "operationType": "insert",
             "ns": {"db": "d", "coll": "c"}, "fullDocument": {"z": 3}}
    assert run([{"$match": {"fullDocument.z": 3}}], [event]) == [event]
    assert run([{"$match": {"operationType": {"$ne": "insert"}}}], [event]) == []
    assert run([{"$project": {"optype": "$operationType", "ns": 1, "newField": "v"}}],
               [event]) == [{"_id": {"_data": "x"}, "optype": "insert",
                             "ns": {"db": "d", "coll": "c"}, "newField": "v"}]
    assert run([{"$project": {"operationType": "insert", "ns.viewOn": "db.coll"}}],
               [event]) == [{"_id": {"_data": "x"}, "operationType": "insert",
                             "ns": {"viewOn": "db.coll"}}]
    assert run([{"$project": {"_id": 0}}], [event]) == [
        {k: v for k, v in event.items() if k != "_id"}]
    assert run([{"$group": {"_id": 1}}], [event]) is None  # left to the server


def test_update_descriptions_name_changed_paths():
    description = _update_description({"_id": 1, "a": {"1": 1}, "gone": 0},
                                      {"_id": 1, "a": {"1": 2}, "new": True}, (5, 0, 0))
    assert description == {"updatedFields": {"a.1": 2, "new": True},
                           "removedFields": ["gone"], "truncatedArrays": []}
    assert "truncatedArrays" not in _update_description({}, {"x": 1}, (4, 4, 0))


def test_tokens_carry_their_place_and_the_log_undoes_later_changes():
    assert seq_of(token(7, Timestamp(5, 3))) == 7
    assert seq_of({"_data": "not ours"}) is None
    log = ChangeLog(Clock())
    log.document("d", "c", None, {"_id": 1, "x": 1}, "insert")
    before = log.clock.tick()
    log.document("d", "c", {"_id": 1, "x": 1}, {"_id": 1, "x": 2}, "update")
    log.document("d", "c", None, {"_id": 2}, "insert")
    now = [{"_id": 1, "x": 2}, {"_id": 2}]
    assert log.as_of("d", "c", now, before) == [{"_id": 1, "x": 1}]
    assert log.seq_before(before) == 1


def test_sharded_targets_only_for_runners_that_ask_and_only_when_needed():
    from tests.support.spec_targets import choose

    facts = {"version": (7, 0, 0), "topology": "single"}
    sharded_only = [[{"minServerVersion": "4.1.8", "topology": ["sharded", "load-balanced"]}]]
    assert choose(sharded_only, ["transactions"], facts) is None
    target = choose(sharded_only, ["transactions"], facts, sharded=True)
    assert (target.role, target.version) == ("mongos", (7, 0, 0))
    assert str(target) == "the proxy peer as a MongoDB 7.0 mongos"
    either = [[{"topology": ["replicaset", "sharded"]}]]
    assert choose(either, ["transactions"], facts, sharded=True).role == "primary"


def test_a_transaction_belongs_to_the_mongos_that_started_it():
    from tests.support.proxy_transactions import Transaction, Transactions

    transactions = Transactions(peer=None)
    lsid = {"id": b"s" * 16}

    def started_on(router):
        transactions.by_session[bytes(lsid["id"])] = Transaction(transactions, lsid, 1, router)
        return transactions.by_session[bytes(lsid["id"])]

    current = started_on(1)
    # Another mongos runs none of its commands.
    assert transactions.run("find", {"find": "c"}, "db", lsid, 1, router=2)["code"] == 251
    commit = {"commitTransaction": 1}
    assert transactions.finish("commitTransaction", commit, lsid, 1, 2)["code"] == 251
    assert current.state == "in progress"  # without a recoveryToken: not even recovered
    commit["recoveryToken"] = {"recoveryShardId": "shard0"}
    assert transactions.finish("commitTransaction", commit, lsid, 1, 2)["code"] == 251
    assert current.state == "aborted"  # nobody had committed it: the recovery aborts it
    current = started_on(1)
    abort = {"abortTransaction": 1, "recoveryToken": {"recoveryShardId": "shard0"}}
    assert transactions.finish("abortTransaction", abort, lsid, 1, 2) == {"ok": 1.0}
    assert current.state == "aborted"
