"""``pymongo.hello.Hello`` (3.12): a hello reply read field by field."""
from __future__ import annotations

import datetime

import pytest

from bson.objectid import ObjectId
from mongofw.core.topology.server_type import SERVER_TYPE
from pymongo.hello import Hello

ELECTION = ObjectId()
WRITTEN = datetime.datetime(2024, 1, 2)


def test_a_primary_s_reply():
    reply = {"ok": 1, "isWritablePrimary": True, "setName": "rs", "setVersion": 3,
             "electionId": ELECTION, "hosts": ["A:1", "b:2"], "passives": ["c:3"],
             "arbiters": ["d:4"], "primary": "a:1", "me": "A:1", "tags": {"dc": "ny"},
             "maxWireVersion": 13, "minWireVersion": 6, "maxBsonObjectSize": 100,
             "logicalSessionTimeoutMinutes": 30, "lastWrite": {"lastWriteDate": WRITTEN},
             "compression": ["zlib"], "saslSupportedMechs": ["SCRAM-SHA-256"],
             "helloOk": True, "topologyVersion": {"processId": ELECTION, "counter": 1}}
    hello = Hello(reply, awaitable=True)
    assert hello.server_type == SERVER_TYPE.RSPrimary
    assert (hello.is_writable, hello.is_readable, hello.awaitable) == (True, True, True)
    # Addresses are (host, port) with the host lower-cased, as the topology keeps them.
    assert hello.all_hosts == {("a", 1), ("b", 2), ("c", 3), ("d", 4)}
    assert (hello.primary, hello.me) == (("a", 1), ("a", 1))
    assert (hello.replica_set_name, hello.set_version, hello.election_id) == \
        ("rs", 3, ELECTION)
    assert (hello.min_wire_version, hello.max_wire_version, hello.max_bson_size) == \
        (6, 13, 100)
    assert (hello.tags, hello.logical_session_timeout_minutes, hello.last_write_date) == \
        ({"dc": "ny"}, 30, WRITTEN)
    assert (hello.compressors, hello.sasl_supported_mechs, hello.hello_ok) == \
        (["zlib"], ["SCRAM-SHA-256"], True)
    assert hello.topology_version == {"processId": ELECTION, "counter": 1}
    assert hello.document == reply and hello.document is not reply


def test_absent_fields_take_the_handshake_defaults():
    hello = Hello({"ok": 1, "secondary": True, "setName": "rs"})
    assert (hello.server_type, hello.is_writable, hello.is_readable) == \
        (SERVER_TYPE.RSSecondary, False, True)
    assert (hello.max_bson_size, hello.max_message_size, hello.max_write_batch_size) == \
        (16 * 1024 * 1024, 48_000_000, 1000)
    assert (hello.min_wire_version, hello.max_wire_version, hello.tags) == (0, 0, {})
    assert (hello.primary, hello.me, hello.last_write_date, hello.cluster_time) == \
        (None, None, None, None)
    assert (hello.sasl_supported_mechs, hello.hello_ok, hello.awaitable) == ([], False, False)
    assert (hello.service_id, hello.speculative_authenticate, hello.compressors) == \
        (None, None, None)


@pytest.mark.parametrize("reply,server_type", [
    ({"ok": 0, "errmsg": "no"}, SERVER_TYPE.Unknown),
    ({"ok": 1}, SERVER_TYPE.Standalone),
    ({"ok": 1, "msg": "isdbgrid"}, SERVER_TYPE.Mongos),
    ({"ok": 1, "isreplicaset": True}, SERVER_TYPE.RSGhost),
    ({"ok": 1, "setName": "rs", "arbiterOnly": True}, SERVER_TYPE.RSArbiter),
])
def test_server_types(reply, server_type):
    assert Hello(reply).server_type == server_type


def test_the_reply_must_be_a_mapping():
    with pytest.raises(TypeError, match="doc must be a mapping"):
        Hello([("ok", 1)])
