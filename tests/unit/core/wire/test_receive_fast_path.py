"""receive_reply over a BufferedReceiver: a reply already in the read-ahead buffer is
read in place (one system call, no copy), and every other shape of arrival still gives
the same bytes."""
from __future__ import annotations

import pytest

from mongofw.core.wire.message import HEADER, OP_MSG
from mongofw.core.wire.network import BufferedReceiver, receive_reply
from mongofw.errors import AutoReconnect, ProtocolError


class ChunkSocket:
    """A socket whose recv_into hands out the given chunks, one per call."""

    def __init__(self, *chunks):
        self.chunks = [bytes(chunk) for chunk in chunks]
        self.calls = 0

    def recv_into(self, view):
        self.calls += 1
        if not self.chunks:
            return 0
        chunk = self.chunks[0]
        n = min(len(view), len(chunk))
        view[:n] = chunk[:n]
        if n == len(chunk):
            self.chunks.pop(0)
        else:
            self.chunks[0] = chunk[n:]
        return n


def _reply(body, request_id=7, reply_id=100):
    return HEADER.pack(16 + len(body), reply_id, request_id, OP_MSG) + body


def _reused(length):
    return memoryview(bytearray(length))


def test_a_whole_reply_is_read_in_place_with_one_system_call():
    sock = ChunkSocket(_reply(b"abcdef"))
    receiver = BufferedReceiver(sock)
    opcode, body, reply_id = receive_reply(receiver, 7, buffer_for=_reused)
    assert (opcode, bytes(body), reply_id) == (OP_MSG, b"abcdef", 100)
    assert sock.calls == 1
    assert body.obj is receiver._buf.obj  # a view of the read-ahead buffer: no copy


def test_without_a_reuse_promise_the_body_is_a_copy_that_outlives_the_next_read():
    sock = ChunkSocket(_reply(b"first", request_id=1) + _reply(b"other", request_id=2))
    receiver = BufferedReceiver(sock)
    _, body, _ = receive_reply(receiver, 1)
    assert body.obj is not receiver._buf.obj
    _, second, _ = receive_reply(receiver, 2, buffer_for=_reused)
    assert (bytes(body), bytes(second)) == (b"first", b"other")
    assert sock.calls == 1


@pytest.mark.parametrize("cuts", [[3], [16], [17], [10, 18, 20], list(range(1, 40))])
def test_a_reply_arriving_in_pieces_is_assembled(cuts):
    data = _reply(bytes(range(24)))
    edges = [0, *cuts, len(data)]
    sock = ChunkSocket(*[data[a:b] for a, b in zip(edges, edges[1:]) if b > a])
    _, body, _ = receive_reply(BufferedReceiver(sock), 7, buffer_for=_reused)
    assert bytes(body) == bytes(range(24))


def test_a_reply_larger_than_the_buffer_is_read_whole():
    payload = bytes(range(256)) * (BufferedReceiver.SIZE // 256 + 3)
    sock = ChunkSocket(_reply(payload))
    _, body, _ = receive_reply(BufferedReceiver(sock), 7, buffer_for=_reused)
    assert bytes(body) == payload


def test_a_stray_reply_before_ours_is_skipped():
    sock = ChunkSocket(_reply(b"stray", request_id=5) + _reply(b"ours", request_id=7))
    strays = {5}
    _, body, _ = receive_reply(BufferedReceiver(sock), 7, stray_ids=strays,
                               buffer_for=_reused)
    assert bytes(body) == b"ours" and strays == set()


@pytest.mark.parametrize("sent", [b"", _reply(b"abcdef")[:10], _reply(b"abcdef")[:20]])
def test_a_peer_closing_mid_reply_is_a_network_error(sent):
    sock = ChunkSocket(sent) if sent else ChunkSocket()
    with pytest.raises(AutoReconnect, match="closed"):
        receive_reply(BufferedReceiver(sock), 7, buffer_for=_reused)


@pytest.mark.parametrize("reply, max_size, says", [
    (_reply(b"theirs", request_id=8), 1024, "expected 7"),
    (_reply(b"x" * 64), 40, "larger than server max"),
    (HEADER.pack(16, 100, 7, OP_MSG) + _reply(b"next"), 1024, "not longer than"),
])
def test_a_wrong_whole_reply_in_the_buffer_is_a_protocol_error(reply, max_size, says):
    receiver = BufferedReceiver(ChunkSocket(reply))
    with pytest.raises(ProtocolError, match=says):
        receive_reply(receiver, 7, max_size, buffer_for=_reused)
