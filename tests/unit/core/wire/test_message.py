"""The documented ``pymongo.message`` builders, byte for byte against the wire protocol layout."""
from __future__ import annotations

import struct

import pytest

import bson
from bson.codec_options import DEFAULT_CODEC_OPTIONS as OPTS
from bson.son import SON
from mongofw.errors import InvalidOperation
from pymongo import message


def _header(length: int, request_id: int, opcode: int) -> bytes:
    return struct.pack("<iiii", length, request_id, 0, opcode)


def _framed(request_id: int, opcode: int, body: bytes) -> bytes:
    return _header(16 + len(body), request_id, opcode) + body


def _gle(request_id: int, db: str, args: dict) -> bytes:
    cmd = bson.BSON.encode(SON([("getlasterror", 1), *args.items()]))
    body = struct.pack("<i", 0) + f"{db}.$cmd".encode() + b"\x00" + \
        struct.pack("<ii", 0, -1) + cmd
    return _framed(request_id, 2004, body)


def _request_id(data: bytes, at: int = 0) -> int:
    return struct.unpack_from("<i", data, at + 4)[0]


def test_insert_is_an_op_insert_with_every_document():
    docs = [{"_id": 1, "a": "x"}, {"_id": 2}]
    rid, data, largest = message.insert("db.coll", docs, False, False, {}, False, OPTS)
    encoded = [bson.BSON.encode(d) for d in docs]
    assert data == _framed(rid, 2002, struct.pack("<i", 0) + b"db.coll\x00" + b"".join(encoded))
    assert largest == max(len(e) for e in encoded)


def test_insert_continue_on_error_sets_flag_bit_zero():
    _, data, _ = message.insert("db.coll", [{}], False, False, {}, True, OPTS)
    assert struct.unpack_from("<i", data, 16)[0] == 1


def test_safe_insert_appends_getlasterror_and_returns_its_request_id():
    doc = {"_id": 1}
    rid, data, _ = message.insert("db.coll", [doc], False, True, {"w": 2, "wtimeout": 5},
                                  False, OPTS)
    insert_part = _framed(_request_id(data), 2002, struct.pack("<i", 0) + b"db.coll\x00" +
                          bson.BSON.encode(doc))
    assert data == insert_part + _gle(rid, "db", {"w": 2, "wtimeout": 5})
    assert _request_id(data, len(insert_part)) == rid


def test_insert_checks_keys_when_asked_and_refuses_nothing_to_insert():
    with pytest.raises(bson.errors.InvalidDocument):
        message.insert("db.coll", [{"a.b": 1}], True, False, {}, False, OPTS)
    with pytest.raises(InvalidOperation, match="empty bulk insert"):
        message.insert("db.coll", [], False, False, {}, False, OPTS)


def test_update_carries_upsert_and_multi_flags_selector_and_document():
    spec, doc = {"_id": 1}, {"$set": {"a": 1}}
    rid, data, largest = message.update("db.coll", True, True, spec, doc, False, {}, False,
                                        OPTS)
    body = struct.pack("<i", 0) + b"db.coll\x00" + struct.pack("<i", 3) + \
        bson.BSON.encode(spec) + bson.BSON.encode(doc)
    assert data == _framed(rid, 2001, body)
    assert largest == max(len(bson.BSON.encode(spec)), len(bson.BSON.encode(doc)))


def test_safe_update_ends_with_getlasterror_on_the_database():
    rid, data, _ = message.update("shop.items", False, False, {}, {"a": 1}, True, {}, False,
                                  OPTS)
    assert data.endswith(_gle(rid, "shop", {}))


def test_delete_carries_the_single_remove_flag():
    spec = {"x": 1}
    rid, data, size = message.delete("db.coll", spec, False, {}, OPTS, 1)
    body = struct.pack("<i", 0) + b"db.coll\x00" + struct.pack("<i", 1) + bson.BSON.encode(spec)
    assert data == _framed(rid, 2006, body)
    assert size == len(bson.BSON.encode(spec))


def test_safe_delete_appends_getlasterror():
    rid, data, _ = message.delete("db.coll", {}, True, {"j": True}, OPTS)
    assert data.endswith(_gle(rid, "db", {"j": True}))


def test_query_lays_out_flags_name_skip_return_query_and_selector():
    query, fields = {"a": 1}, {"a": 1, "_id": 0}
    rid, data, largest = message.query(4, "db.coll", 5, 10, query, fields, OPTS)
    body = struct.pack("<i", 4) + b"db.coll\x00" + struct.pack("<ii", 5, 10) + \
        bson.BSON.encode(query) + bson.BSON.encode(fields)
    assert data == _framed(rid, 2004, body)
    assert largest == len(bson.BSON.encode(fields))


def test_query_without_a_field_selector_sends_only_the_query():
    rid, data, largest = message.query(0, "db.coll", 0, 0, {}, None, OPTS)
    assert data == _framed(rid, 2004, struct.pack("<i", 0) + b"db.coll\x00" +
                           struct.pack("<ii", 0, 0) + bson.BSON.encode({}))
    assert largest == 5


def test_get_more_names_the_cursor():
    rid, data = message.get_more("db.coll", 7, 2 ** 40 + 3)
    body = struct.pack("<i", 0) + b"db.coll\x00" + struct.pack("<iq", 7, 2 ** 40 + 3)
    assert data == _framed(rid, 2005, body)


def test_kill_cursors_lists_every_id():
    rid, data = message.kill_cursors([1, 2 ** 62])
    assert data == _framed(rid, 2007, struct.pack("<iiqq", 0, 2, 1, 2 ** 62))


def test_request_ids_differ_between_messages():
    assert message.get_more("a.b", 0, 1)[0] != message.get_more("a.b", 0, 1)[0]


@pytest.mark.parametrize("call, error", [
    (lambda: message.get_more(b"db.coll", 1, 1), TypeError),
    (lambda: message.get_more("db.coll", 1, 2 ** 64), ValueError),
    (lambda: message.kill_cursors("123"), TypeError),
    (lambda: message.query(0, "db.coll", 0, 0, {}, None, {}), TypeError),
    (lambda: message.delete("db.coll", {}, True, ["w"], OPTS), TypeError),
])
def test_bad_arguments_raise_clear_errors(call, error):
    with pytest.raises(error):
        call()


def _uncompressed(data: bytes) -> bytes:
    """An OP_COMPRESSED message as the message it wraps (zlib)."""
    import zlib

    length, request_id, response_to, opcode = struct.unpack_from("<iiii", data)
    assert opcode == 2012
    original, size, compressor_id = struct.unpack_from("<iiB", data, 16)
    body = zlib.decompress(data[25:length])
    assert (len(body), compressor_id) == (size, 2)
    return _framed(request_id, original, body)


def test_ctx_wraps_each_message_in_op_compressed():
    """3.13's ``ctx``: with a compressor every message goes out as OP_COMPRESSED; a safe
    write's getlasterror is a message of its own, compressed too."""
    from mongofw.core.wire.compression import make_compressor

    zlib_ctx = make_compressor("zlib")
    rid, data, _ = message.insert("db.coll", [{"_id": 1}], False, True, {}, False, OPTS,
                                  ctx=zlib_ctx)
    first = struct.unpack_from("<i", data)[0]
    assert _uncompressed(data[:first]) == _framed(
        _request_id(data), 2002,
        struct.pack("<i", 0) + b"db.coll\x00" + bson.BSON.encode({"_id": 1}))
    assert _uncompressed(data[first:]) == _gle(rid, "db", {})
    rid, data = message.get_more("db.coll", 5, 7, ctx=zlib_ctx)
    assert _uncompressed(data) == _framed(rid, 2005, struct.pack("<i", 0) + b"db.coll\x00" +
                                          struct.pack("<iq", 5, 7))
    rid, data, _ = message.query(0, "db.coll", 0, 1, {"a": 1}, None, OPTS, ctx=zlib_ctx)
    assert _request_id(data) == rid and _uncompressed(data)[12:16] == struct.pack("<i", 2004)
    assert (message.MAX_INT32, message.MIN_INT32) == (2 ** 31 - 1, -2 ** 31)
