"""ServerDescription: parsing handshake replies into an immutable value."""
from __future__ import annotations

import pytest

from mongofw.core.topology.server_description import (
    ServerDescription,
    id_bytes,
    parse_address,
)
from mongofw.core.topology.server_type import SERVER_TYPE, server_type_name
from mongofw.core.wire.network import format_address
from mongofw.errors import OperationFailure

A = ("a", 27017)


@pytest.mark.parametrize("reply, expected", [
    ({"ok": 1, "ismaster": True}, SERVER_TYPE.Standalone),
    ({"ok": 1, "isWritablePrimary": True, "msg": "isdbgrid"}, SERVER_TYPE.Mongos),
    ({"ok": 1, "ismaster": True, "setName": "rs"}, SERVER_TYPE.RSPrimary),
    ({"ok": 1, "isWritablePrimary": True, "setName": "rs"}, SERVER_TYPE.RSPrimary),
    ({"ok": 1, "secondary": True, "setName": "rs"}, SERVER_TYPE.RSSecondary),
    ({"ok": 1, "arbiterOnly": True, "setName": "rs"}, SERVER_TYPE.RSArbiter),
    ({"ok": 1, "secondary": True, "hidden": True, "setName": "rs"}, SERVER_TYPE.RSOther),
    ({"ok": 1, "setName": "rs"}, SERVER_TYPE.RSOther),
    ({"ok": 1, "isreplicaset": True}, SERVER_TYPE.RSGhost),
    ({"ok": 0, "ismaster": True}, SERVER_TYPE.Unknown),
])
def test_server_type_from_reply(reply, expected):
    assert ServerDescription(A, reply).server_type == expected


def test_unchecked_server_is_unknown_without_error():
    sd = ServerDescription(A)
    assert (sd.server_type, sd.error, sd.is_server_type_known) == (SERVER_TYPE.Unknown, None, False)


def test_ok_zero_reply_gives_unknown_with_operation_failure():
    sd = ServerDescription(A, {"ok": 0, "errmsg": "auth failed", "code": 18})
    assert isinstance(sd.error, OperationFailure)
    assert (str(sd.error), sd.error.code) == ("auth failed", 18)


def test_defaults_for_absent_limits():
    sd = ServerDescription(A, {"ok": 1, "ismaster": True})
    assert (sd.max_bson_size, sd.max_message_size, sd.max_write_batch_size) == (
        16 * 1024 * 1024, 48_000_000, 1000)
    assert (sd.min_wire_version, sd.max_wire_version) == (0, 0)


def test_limits_from_handshake():
    sd = ServerDescription(A, {"ok": 1, "ismaster": True, "maxBsonObjectSize": 100,
                               "maxMessageSizeBytes": 200, "maxWriteBatchSize": 100000,
                               "minWireVersion": 6, "maxWireVersion": 21})
    assert (sd.max_bson_size, sd.max_message_size, sd.max_write_batch_size) == (100, 200, 100000)
    assert (sd.min_wire_version, sd.max_wire_version) == (6, 21)


def test_member_lists_are_normalized_addresses():
    sd = ServerDescription(A, {"ok": 1, "secondary": True, "setName": "rs",
                               "hosts": ["A:27017", "[::1]:27018"], "passives": ["p"],
                               "arbiters": ["x:1"], "primary": "B:27017", "me": "A:27017"})
    assert sd.hosts == {("a", 27017), ("::1", 27018)}
    assert sd.all_hosts == {("a", 27017), ("::1", 27018), ("p", 27017), ("x", 1)}
    assert (sd.primary, sd.me) == (("b", 27017), ("a", 27017))


def test_readable_and_writable():
    primary = ServerDescription(A, {"ok": 1, "ismaster": True, "setName": "rs"})
    secondary = ServerDescription(A, {"ok": 1, "secondary": True, "setName": "rs"})
    arbiter = ServerDescription(A, {"ok": 1, "arbiterOnly": True, "setName": "rs"})
    assert (primary.is_writable, primary.is_readable) == (True, True)
    assert (secondary.is_writable, secondary.is_readable) == (False, True)
    assert (arbiter.is_writable, arbiter.is_readable) == (False, False)


def test_equality_ignores_round_trip_time_and_update_time():
    reply = {"ok": 1, "ismaster": True}
    assert ServerDescription(A, reply, 0.001, last_update_time=1) == \
        ServerDescription(A, reply, 0.5, last_update_time=2)
    assert ServerDescription(A, reply) != ServerDescription(A, {"ok": 1, "ismaster": True,
                                                                "maxWireVersion": 9})


def test_equality_compares_errors_by_type_and_message():
    assert ServerDescription(A, error=ValueError("x")) == ServerDescription(A, error=ValueError("x"))
    assert ServerDescription(A, error=ValueError("x")) != ServerDescription(A, error=KeyError("x"))


def test_is_immutable():
    sd = ServerDescription(A)
    with pytest.raises(AttributeError, match="immutable"):
        sd.round_trip_time = 3  # type: ignore[misc]


def test_rejects_a_reply_that_is_not_a_mapping():
    with pytest.raises(TypeError, match="ismaster must be a mapping"):
        ServerDescription(A, ["ok"])  # type: ignore[arg-type]


def test_topology_version_from_reply_or_keyword():
    version = {"processId": b"\x00" * 12, "counter": 3}
    assert ServerDescription(A, {"ok": 1, "topologyVersion": version}).topology_version == version
    assert ServerDescription(A, error=ValueError(), topology_version=version).topology_version \
        == version


def test_last_write_date_and_election_tuple():
    sd = ServerDescription(A, {"ok": 1, "ismaster": True, "setName": "rs", "setVersion": 2,
                               "electionId": "ab" * 12, "lastWrite": {"lastWriteDate": 5}})
    assert (sd.last_write_date, sd.election_tuple) == (5, (2, "ab" * 12))


@pytest.mark.parametrize("text, expected", [
    ("Host", ("host", 27017)), ("h:1", ("h", 1)), ("[::1]", ("::1", 27017)),
    ("[FE80::1]:2", ("fe80::1", 2)), ("/tmp/mongodb-27017.sock", ("/tmp/mongodb-27017.sock", None)),
])
def test_parse_address(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "non-empty"), ("h:0", "between 1 and 65535"), ("h:x", "between 1 and 65535"),
    ("::1", "enclosed"), ("[::1", "enclosed"), ("[::1]x", "unexpected text"),
])
def test_parse_address_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_address(text)


def test_format_address():
    assert [format_address(a) for a in [("a", 1), ("::1", 2), ("/s.sock", None)]] == \
        ["a:1", "[::1]:2", "/s.sock"]


def test_id_bytes_accepts_objectid_bytes_and_hex():
    from bson.objectid import ObjectId

    raw = bytes(range(12))
    assert id_bytes(ObjectId(raw)) == id_bytes(raw) == id_bytes(raw.hex()) == raw
    with pytest.raises(TypeError, match="expected an ObjectId"):
        id_bytes(12)


def test_server_type_names():
    assert [server_type_name(t) for t in SERVER_TYPE] == list(SERVER_TYPE._fields)
    with pytest.raises(ValueError, match="unknown server type 99"):
        server_type_name(99)


def test_failed_reply_keeps_raw_reply_but_describes_nothing():
    reply = {"ok": 0, "errmsg": "x", "setName": "rs", "hosts": ["b:1"], "maxWireVersion": 21}
    sd = ServerDescription(A, reply)
    assert sd.ismaster is reply
    assert (sd.hosts, sd.set_name, sd.max_wire_version) == (frozenset(), None, 0)


def test_tags_are_read_only():
    sd = ServerDescription(A, {"ok": 1, "secondary": True, "setName": "rs", "tags": {"dc": "ny"}})
    assert sd.tags == {"dc": "ny"}
    with pytest.raises(TypeError):
        sd.tags["dc"] = "sf"  # type: ignore[index]
