"""Write batching, reply merging and single-statement errors, against a recording fake socket."""
from __future__ import annotations

import pytest

from bson.codec_options import DEFAULT_CODEC_OPTIONS as OPTS
from bson.son import SON
from mongofw.core.dispatch import write_ops
from mongofw.errors import (
    ConfigurationError,
    DocumentTooLarge,
    DuplicateKeyError,
    InvalidOperation,
    WriteConcernError,
    WriteError,
    WTimeoutError,
)
from mongofw.options.write_concern import WriteConcern
from tests.support.write_fakes import FakeSocket

ACK = WriteConcern()
W0 = WriteConcern(w=0)


def _send(sock, kind, items, *, ordered=True, write_concern=ACK, final=True):
    result = write_ops.new_bulk_result()
    encoded = write_ops.encode_statements(kind, items, OPTS, True,
                                          sock.max_bson_size)
    write_ops.send_run(sock, "db", "coll", kind, items, encoded, ordered=ordered,
                       write_concern=write_concern, codec_options=OPTS,
                       result=result, final=final)
    return result


def test_split_batches_respects_count_and_bytes():
    assert write_ops.split_batches([10] * 7, 3, 1000) == [(0, 3), (3, 6), (6, 7)]
    assert write_ops.split_batches([40, 40, 40, 10], 100, 85) == [(0, 2), (2, 4)]


def test_split_batches_gives_an_oversized_statement_its_own_batch():
    assert write_ops.split_batches([5, 100, 5], 10, 50) == [(0, 1), (1, 2), (2, 3)]


def test_encode_statements_raises_document_too_large_naming_the_sizes():
    with pytest.raises(DocumentTooLarge, match=r"too large \(\d+ bytes\).*up to 100 bytes"):
        write_ops.encode_statements(write_ops.INSERT, [{"x": "a" * 200}],
                                    OPTS, False, 100)


def test_split_batches_keeps_what_fits_in_one_batch_and_nothing_for_no_statements():
    assert write_ops.split_batches([10] * 3, 3, 30) == [(0, 3)]
    assert write_ops.split_batches([], 3, 30) == []


def test_encode_statements_names_the_first_document_too_large():
    docs = [{"x": "a"}, {"x": "b" * 150}, {"x": "c" * 300}]
    with pytest.raises(DocumentTooLarge, match=r"\(16\d bytes\)"):
        write_ops.encode_statements(write_ops.INSERT, docs, OPTS, False, 100)


def test_update_statements_may_exceed_the_document_limit_by_the_command_overhead():
    statement = {"q": {}, "u": {"$set": {"x": "a" * 150}}}
    encoded = write_ops.encode_statements(write_ops.UPDATE, [statement],
                                          OPTS, False, 100)
    assert len(encoded) == 1


def test_a_run_is_split_at_max_write_batch_size():
    sock = FakeSocket(max_write_batch_size=4)
    result = _send(sock, write_ops.INSERT, [{"_id": i} for i in range(10)])
    assert [len(s["statements"]) for s in sock.sent] == [4, 4, 2]
    assert result["nInserted"] == 10


def test_a_run_is_split_to_fit_the_message_size():
    sock = FakeSocket(max_message_size=write_ops.COMMAND_OVERHEAD + 1000)
    docs = [{"_id": i, "pad": "x" * 300} for i in range(9)]
    _send(sock, write_ops.INSERT, docs)
    assert all(s["bytes"] <= 1000 for s in sock.sent)
    assert sum(len(s["statements"]) for s in sock.sent) == 9
    assert len(sock.sent) == 3


def test_ordered_run_stops_at_the_first_batch_with_a_write_error():
    def reply(cmd, statements):
        if statements[0]["_id"] == 2:
            return {"ok": 1.0, "n": 0, "writeErrors": [
                {"index": 0, "code": 11000, "errmsg": "E11000 duplicate key"}]}
        return {"ok": 1.0, "n": len(statements)}

    sock = FakeSocket(reply, max_write_batch_size=2)
    result = _send(sock, write_ops.INSERT, [{"_id": i} for i in range(6)])
    assert len(sock.sent) == 2
    assert result["nInserted"] == 2
    assert result["writeErrors"] == [{"index": 2, "code": 11000,
                                      "errmsg": "E11000 duplicate key", "op": {"_id": 2}}]


def test_unordered_run_sends_every_batch_despite_errors():
    def reply(cmd, statements):
        return {"ok": 1.0, "n": len(statements) - 1, "writeErrors": [
            {"index": 1, "code": 2, "errmsg": "bad"}]}

    sock = FakeSocket(reply, max_write_batch_size=2)
    result = _send(sock, write_ops.INSERT, [{"_id": i} for i in range(6)], ordered=False)
    assert len(sock.sent) == 3
    assert [e["index"] for e in result["writeErrors"]] == [1, 3, 5]
    assert result["nInserted"] == 3


def test_merge_reply_maps_update_counts_and_upserts_to_request_indexes():
    result = write_ops.new_bulk_result()
    reply = {"n": 3, "nModified": 1, "upserted": [{"index": 1, "_id": "new"}], "ok": 1.0}
    write_ops.merge_reply(result, write_ops.UPDATE, 0, reply, index_map=[4, 7, 9])
    assert (result["nMatched"], result["nModified"], result["nUpserted"]) == (2, 1, 1)
    assert result["upserted"] == [{"index": 7, "_id": "new"}]


def test_merge_reply_without_nmodified_makes_the_total_unknown():
    result = write_ops.new_bulk_result()
    write_ops.merge_reply(result, write_ops.UPDATE, 0, {"n": 1, "ok": 1.0})
    write_ops.merge_reply(result, write_ops.UPDATE, 0, {"n": 1, "nModified": 1, "ok": 1.0})
    assert result["nModified"] is None
    assert result["nMatched"] == 2


def test_unacknowledged_unordered_batches_are_all_sent_without_waiting():
    sock = FakeSocket(max_write_batch_size=2)
    _send(sock, write_ops.INSERT, [{"_id": i} for i in range(5)], ordered=False,
          write_concern=W0)
    assert [s["unacknowledged"] for s in sock.sent] == [True, True, True]
    assert all(s["cmd"]["writeConcern"] == {"w": 0} for s in sock.sent)


def test_unacknowledged_ordered_waits_on_all_but_the_last_batch_to_stop_at_an_error():
    sock = FakeSocket(max_write_batch_size=2)
    _send(sock, write_ops.INSERT, [{"_id": i} for i in range(5)], write_concern=W0)
    assert [s["unacknowledged"] for s in sock.sent] == [False, False, True]
    assert [s["cmd"]["writeConcern"] for s in sock.sent] == [{"w": 1}, {"w": 1}, {"w": 0}]


def test_unacknowledged_ordered_run_that_is_not_final_waits_on_its_last_batch_too():
    sock = FakeSocket()
    _send(sock, write_ops.INSERT, [{"_id": 1}], write_concern=W0, final=False)
    assert sock.sent[0]["unacknowledged"] is False


def test_write_command_carries_ordered_write_concern_and_bypass():
    sock = FakeSocket()
    result = write_ops.new_bulk_result()
    items = [SON([("q", {}), ("u", {"$set": {"a": 1}}), ("multi", True), ("upsert", False)])]
    encoded = write_ops.encode_statements(write_ops.UPDATE, items, OPTS,
                                          False, sock.max_bson_size)
    write_ops.send_run(sock, "db", "coll", write_ops.UPDATE, items, encoded, ordered=False,
                       write_concern=WriteConcern(w="majority", wtimeout=50),
                       codec_options=OPTS, result=result,
                       bypass_document_validation=True)
    assert sock.sent[0]["cmd"] == {"update": "coll", "ordered": False,
                                   "writeConcern": {"w": "majority", "wtimeout": 50},
                                   "bypassDocumentValidation": True}
    assert sock.sent[0]["ident"] == "updates"


def test_write_one_returns_the_reply_and_none_when_unacknowledged():
    sock = FakeSocket()
    reply = write_ops.write_one(sock, "db", "coll", write_ops.INSERT, {"_id": 1},
                                write_concern=ACK, codec_options=OPTS)
    assert reply == {"ok": 1.0, "n": 1}
    assert write_ops.write_one(sock, "db", "coll", write_ops.INSERT, {"_id": 2},
                               write_concern=W0, codec_options=OPTS) is None
    assert sock.sent[1]["unacknowledged"] is True


@pytest.mark.parametrize("error, expected", [
    ({"writeErrors": [{"index": 0, "code": 11000, "errmsg": "dup"}]}, DuplicateKeyError),
    ({"writeErrors": [{"index": 0, "code": 121, "errmsg": "invalid"}]}, WriteError),
    ({"writeConcernError": {"code": 100, "errmsg": "not enough"}}, WriteConcernError),
])
def test_write_one_raises_the_documented_error(error, expected):
    sock = FakeSocket(lambda cmd, statements: {"ok": 1.0, "n": 0, **error})
    with pytest.raises(expected) as info:
        write_ops.write_one(sock, "db", "coll", write_ops.INSERT, {"_id": 1},
                            write_concern=ACK, codec_options=OPTS)
    assert type(info.value) is expected


def test_collation_refuses_unacknowledged_writes_and_old_servers():
    statement = {"q": {}, "limit": 0, "collation": {"locale": "fr"}}
    with pytest.raises(ConfigurationError, match="unacknowledged"):
        write_ops.write_one(FakeSocket(), "db", "coll", write_ops.DELETE,
                            statement, write_concern=W0,
                            codec_options=OPTS)
    with pytest.raises(ConfigurationError, match="wire version 4"):
        write_ops.write_one(FakeSocket(max_wire_version=4), "db", "coll",
                            write_ops.DELETE, statement, write_concern=ACK,
                            codec_options=OPTS)


@pytest.mark.parametrize("write_concern", [ACK, W0])
def test_an_inserted_document_may_have_fields_named_like_statement_options(write_concern):
    document = {"_id": 1, "hint": "a field", "collation": {"locale": "fr"},
                "arrayFilters": [{"x": 1}]}
    sock = FakeSocket(max_wire_version=4)  # too old for any of the three as options
    write_ops.write_one(sock, "db", "coll", write_ops.INSERT, document,
                        write_concern=write_concern, codec_options=OPTS)
    assert len(sock.sent) == 1


# ---------------------------------------------------------------- w=0 on the wire (scripted peer)


def _peer_with_writes():
    from tests.support.wire_peer import NO_REPLY, WirePeer, hello_reply

    def handler(name, command):
        if name in ("isMaster", "ismaster", "hello"):
            return hello_reply()
        if name in ("insert", "update", "delete"):
            # Answering would be a protocol error; NO_REPLY hangs a driver that waits.
            return NO_REPLY
        return {"ok": 1.0}

    return WirePeer(handler)


def test_unacknowledged_writes_go_out_with_more_to_come_and_no_wait():
    from pymongo import MongoClient

    with _peer_with_writes() as peer, MongoClient(peer.uri, w=0, socketTimeoutMS=2000,
                                                  serverSelectionTimeoutMS=2000) as client:
        coll = client.db.coll
        doc = {"x": 1}
        result = coll.insert_one(doc)
        assert result.acknowledged is False and result.inserted_id == doc["_id"]
        assert coll.update_one({}, {"$set": {"y": 1}}).acknowledged is False
        assert coll.delete_many({}).acknowledged is False
        # The connection is still in step: a command after the writes gets its reply.
        assert client.admin.command("ping") == {"ok": 1.0}
    names = [next(iter(c)) for c in peer.commands() if next(iter(c)) in
             ("insert", "update", "delete")]
    assert names == ["insert", "update", "delete"]
    assert all(c["writeConcern"] == {"w": 0} for c in peer.commands("insert"))


def test_unacknowledged_results_raise_invalid_operation_for_counts():
    from pymongo import MongoClient

    with _peer_with_writes() as peer, MongoClient(peer.uri, w=0, socketTimeoutMS=2000,
                                                  serverSelectionTimeoutMS=2000) as client:
        result = client.db.coll.delete_one({})
        with pytest.raises(InvalidOperation, match="deleted_count.*unacknowledged"):
            _ = result.deleted_count
        assert result.raw_result is None


@pytest.mark.parametrize("wce, expected", [
    ({"code": 100, "errmsg": "not enough"}, WriteConcernError),
    ({"code": 64, "errmsg": "waiting timed out", "errInfo": {"wtimeout": True}},
     WTimeoutError),
])
def test_write_concern_error_details_are_the_write_concern_error_document(wce, expected):
    # As in PyMongo 3.4: ``details`` is the writeConcernError sub-document, not the reply.
    sock = FakeSocket(lambda cmd, statements: {"ok": 1.0, "n": 1, "writeConcernError": wce})
    with pytest.raises(expected) as info:
        write_ops.write_one(sock, "db", "coll", write_ops.INSERT, {"_id": 1},
                            write_concern=ACK, codec_options=OPTS)
    assert info.value.details == wce and info.value.code == wce["code"]
