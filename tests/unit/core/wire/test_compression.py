"""Wire compression (OP_COMPRESSED) against the scripted peer, and its building blocks."""
from __future__ import annotations

import builtins
import zlib

import pytest

from mongofw.core.wire import compression
from mongofw.core.wire.message import HEADER, OP_COMPRESSED, OP_MSG, op_msg
from mongofw.errors import ConfigurationError, ProtocolError
from pymongo import MongoClient
from tests.support.wire_peer import WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")
IDS = {"snappy": 1, "zlib": 2, "zstd": 3}


def _peer(accepts):
    def handler(name, command):
        if name in HANDSHAKES:
            offered = command.get("compression", [])
            return hello_reply(compression=[c for c in offered if c in accepts])
        if name == "find":
            return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.c",
                                          "firstBatch": [{"_id": i, "pad": "x" * 200}
                                                         for i in range(50)]}}
        return {"ok": 1.0, "n": 1}

    return WirePeer(handler)


@pytest.mark.parametrize("name", ["zlib", "snappy", "zstd"])
def test_a_round_trip_is_compressed_both_ways(name):
    with _peer({name}) as peer, MongoClient(peer.uri, compressors=name,
                                            serverSelectionTimeoutMS=2000) as client:
        client.db.c.insert_one({"x": 1})
        docs = list(client.db.c.find())
    assert len(docs) == 50 and docs[0]["pad"] == "x" * 200
    kinds = dict(zip((next(iter(c)) for _, c in peer.received), peer.compressed))
    assert kinds["insert"] == IDS[name] and kinds["find"] == IDS[name]
    # The handshake itself never travels compressed.
    assert all(peer.compressed[i] is None for i, (_, c) in enumerate(peer.received)
               if next(iter(c)) in HANDSHAKES)


def test_the_first_compressor_the_server_accepts_is_used():
    with _peer({"zlib", "zstd"}) as peer, \
            MongoClient(peer.uri, compressors="snappy,zstd,zlib",
                        serverSelectionTimeoutMS=2000) as client:
        client.admin.command("ping")
    [ping_index] = [i for i, (_, c) in enumerate(peer.received) if "ping" in c]
    assert peer.compressed[ping_index] == IDS["zstd"]


def test_nothing_is_compressed_when_the_server_accepts_none():
    with _peer(set()) as peer, MongoClient(peer.uri, compressors="zlib",
                                           serverSelectionTimeoutMS=2000) as client:
        client.admin.command("ping")
    assert set(peer.compressed) == {None}


def test_authentication_commands_are_never_compressed():
    assert {"saslstart", "saslcontinue", "getnonce", "authenticate", "hello",
            "ismaster"} <= compression.NOT_COMPRESSED


def test_a_missing_package_fails_at_construction_naming_the_extra(monkeypatch):
    real_import = builtins.__import__

    def refuse_snappy(name, *args, **kwargs):
        if name == "snappy":
            raise ImportError("No module named 'snappy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse_snappy)
    with pytest.raises(ConfigurationError, match=r"compressors=snappy needs the "
                                                 r"python-snappy package.*mongofw\[snappy\]"):
        MongoClient(compressors="snappy", connect=False)


def test_a_message_survives_compression_and_decompression():
    rid, data, _ = op_msg({"ping": 1, "$db": "admin"})
    zlib_compressor = compression.make_compressor("zlib", 6)
    packed = compression.compress_message(data, zlib_compressor)
    length, same_rid, _, opcode = HEADER.unpack_from(packed)
    assert (length, same_rid, opcode) == (len(packed), rid, OP_COMPRESSED)
    original, body = compression.decompress_reply(memoryview(packed)[16:])
    assert original == OP_MSG and bytes(body) == data[16:]


def test_a_corrupt_compressed_reply_is_a_protocol_error():
    body = compression._PREFIX.pack(OP_MSG, 10, 2) + b"not zlib"
    with pytest.raises(ProtocolError, match="could not decompress"):
        compression.decompress_reply(memoryview(body))
    lying = compression._PREFIX.pack(OP_MSG, 99, 2) + zlib.compress(b"abc")
    with pytest.raises(ProtocolError, match="decompressed reply is 3 bytes, its header said 99"):
        compression.decompress_reply(memoryview(lying))
    with pytest.raises(ProtocolError, match="unknown compressor id 7"):
        compression.decompress_reply(memoryview(compression._PREFIX.pack(OP_MSG, 1, 7) + b"x"))
