"""network.send_parts: gathered sends, resumed after partial ones; op_msg_parts joins to op_msg."""
from __future__ import annotations

import socket

import bson
from bson.son import SON
from mongofw.core.wire import message, network


class _PartialSocket(socket.socket):
    """A real socket type whose sendmsg takes at most a few bytes per call."""

    def __init__(self) -> None:
        super().__init__(socket.AF_INET, socket.SOCK_STREAM)
        self.calls = []
        self.received = bytearray()

    def sendmsg(self, buffers, *args):  # noqa: D401 - the socket method
        buffers = list(buffers)
        self.calls.append(len(buffers))
        budget = 7
        for buf in buffers:
            take = bytes(buf[:budget])
            self.received += take
            budget -= len(take)
            if not budget:
                break
        return 7 - budget


def test_send_parts_resumes_partial_sends_in_order(monkeypatch):
    parts = [b"head", b"", bytearray(b"0123456789"), memoryview(b"abcdefghijklmnop")[3:9],
             b"z" * 20]
    monkeypatch.setattr(network, "_GATHER_TYPES", (_PartialSocket,))
    sock = _PartialSocket()
    try:
        network.send_parts(sock, parts)
    finally:
        sock.close()
    assert bytes(sock.received) == b"".join(bytes(p) for p in parts)
    assert len(sock.calls) > 1


def test_send_parts_splits_more_pieces_than_iov_max(monkeypatch):
    parts = [bytes([i % 256]) for i in range(network._IOV_MAX * 2 + 5)]
    left, right = socket.socketpair()
    monkeypatch.setattr(network, "_GATHER_TYPES", (type(left),))
    try:
        network.send_parts(left, parts)
        got = bytearray()
        while len(got) < len(parts):
            got += right.recv(65536)
    finally:
        left.close()
        right.close()
    assert bytes(got) == b"".join(parts)


def test_send_parts_joins_for_other_socket_types():
    class Fake:
        def __init__(self):
            self.sent = b""

        def sendall(self, data):
            self.sent += data

    fake = Fake()
    network.send_parts(fake, [b"a", memoryview(b"bc"), bytearray(b"d")])
    assert fake.sent == b"abcd"


def test_op_msg_parts_join_to_op_msg_with_the_right_length():
    docs = [b"\x05\x00\x00\x00\x00", b"\x05\x00\x00\x00\x00"]
    rid, parts, size = message.op_msg_parts(SON([("insert", "c"), ("$db", "d")]),
                                            sequences=[("documents", docs)])
    data = b"".join(parts)
    length, got_rid, response_to, opcode = message.HEADER.unpack_from(data)
    assert (length, got_rid, response_to, opcode) == (len(data), rid, 0, message.OP_MSG)
    assert data.endswith(b"documents\x00" + b"".join(docs))


def test_buffered_receiver_serves_reads_ahead_in_order():
    class Chunked:
        """A socket whose recv_into hands out the stream in uneven pieces."""

        def __init__(self, data, pieces):
            self.data, self.pieces, self.calls = data, list(pieces), 0

        def recv_into(self, view):
            self.calls += 1
            size = min(len(view), self.pieces.pop(0) if self.pieces else len(self.data))
            view[:size] = self.data[:size]
            self.data = self.data[size:]
            return size

    stream = bytes(range(256)) * 1200  # 307,200 bytes: reads bigger than the buffer too
    sock = Chunked(stream, [10, 70000, 3, 200000])
    receiver = network.BufferedReceiver(sock)
    got = bytearray()
    for size in (16, 5, 100000, 16, 150000, 41063):
        got += network.recv_exactly(receiver, size)
    assert bytes(got) == stream[:len(got)] and len(got) == 291100
    assert network.recv_exactly(receiver, len(stream) - len(got)) == stream[len(got):]
    assert receiver.recv_into(memoryview(bytearray(4))) == 0  # the peer closed


class _RecordingSocket(socket.socket):
    """A real socket type that records how each message was handed to it."""

    def __init__(self) -> None:
        super().__init__(socket.AF_INET, socket.SOCK_STREAM)
        self.sends = []

    def sendmsg(self, buffers, *args):  # noqa: D401 - the socket method
        buffers = list(buffers)
        self.sends.append(("gathered", b"".join(bytes(b) for b in buffers)))
        return sum(len(b) for b in buffers)

    def sendall(self, data, *args):  # noqa: D401 - the socket method
        self.sends.append(("joined", bytes(data)))


def _sent_insert(document_bytes: int) -> tuple:
    from mongofw.core.wire.connection import Connection

    sock = _RecordingSocket()
    try:
        conn = Connection(sock, None, {"ismaster": True, "maxWireVersion": 17}, ("h", 1))
        doc = SON([("_id", 1), ("s", "x" * document_bytes)])
        encoded = bson.BSON.encode(doc)
        conn.command("db", SON([("insert", "c"), ("ordered", True)]),
                     sequences=[("documents", [encoded], [doc])], unacknowledged=True)
        (how, data), = sock.sends
        return how, data, encoded
    finally:
        sock.close()


def test_a_message_of_64_kb_or_more_goes_gathered_and_a_smaller_one_joined(monkeypatch):
    monkeypatch.setattr(network, "_GATHER_TYPES", (_RecordingSocket,))
    for size, expected in ((1000, "joined"), (network.GATHER_MIN_BYTES, "gathered"),
                           (310_000, "gathered")):
        how, data, encoded = _sent_insert(size)
        assert how == expected, size
        # Either way the same OP_MSG: header, the command, then the document sequence.
        assert len(data) == message.HEADER.unpack_from(data)[0] and data.endswith(encoded)
