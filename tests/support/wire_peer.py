"""A scripted wire-level peer: answers the handshake as a primary, secondary or mongos.

Not a server: it knows no data.  Tests use it for what one real server cannot show
(replica-set roles, mongos, old wire versions) and for faults (closed connections,
truncated or malformed replies, slow answers).  Every command goes to ``handler``, which
returns a reply document, or one of the fault markers below.
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import bson
from bson.codec_options import DEFAULT_CODEC_OPTIONS

OP_REPLY, OP_INSERT, OP_QUERY, OP_COMPRESSED, OP_MSG = 1, 2002, 2004, 2012, 2013
HEADER = struct.Struct("<iiii")

CLOSE = object()          # close the connection instead of answering
TRUNCATE = object()       # send half a reply, then close
GARBAGE = object()        # a header announcing an impossible length
NO_REPLY = object()       # read the request, never answer (until the test ends)


class Stream:
    """An exhaust stream: each reply goes out with moreToCome set but the last, each
    answering the one before it (the first answers the request)."""

    def __init__(self, replies: List[Mapping[str, Any]]) -> None:
        self.replies = list(replies)


def hello_reply(role: str = "standalone", *, set_name: str = "rs", hosts: List[str] = (),
                max_wire_version: int = 21, min_wire_version: int = 0,
                **extra: Any) -> Dict[str, Any]:
    """A handshake reply for ``role``: standalone, primary, secondary, arbiter or mongos."""
    reply: Dict[str, Any] = {"ok": 1.0, "ismaster": role in ("standalone", "primary", "mongos"),
                             "maxWireVersion": max_wire_version,
                             "minWireVersion": min_wire_version,
                             "maxBsonObjectSize": 16 * 1024 * 1024,
                             "maxMessageSizeBytes": 48_000_000, "maxWriteBatchSize": 100_000}
    if role == "mongos":
        reply["msg"] = "isdbgrid"
    elif role in ("primary", "secondary", "arbiter"):
        reply["setName"] = set_name
        reply["hosts"] = list(hosts)
        reply["secondary"] = role == "secondary"
        reply["arbiterOnly"] = role == "arbiter"
    reply.update(extra)
    return reply


class WirePeer:
    """Listens on 127.0.0.1 on a free port; ``handler(command_name, command) -> reply``."""

    # How OP_MSG requests are decoded; a peer that forwards them keeps binary values as
    # they came (UuidRepresentation.UNSPECIFIED) so that they go on unchanged.
    CODEC_OPTIONS = DEFAULT_CODEC_OPTIONS

    def __init__(self, handler: Callable[[str, Mapping[str, Any]], Any]) -> None:
        self.handler = handler
        self.received: List[Tuple[int, Dict[str, Any]]] = []  # (opcode, command)
        self.flags: List[int] = []  # the OP_MSG flag bits of each request (0 for others)
        # The compressor id of each request (None when it came uncompressed); a compressed
        # request is answered compressed the same way, as a server does.
        self.compressed: List[Optional[int]] = []
        self.connections = 0  # connections accepted so far
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.address = ("127.0.0.1", self.port)
        self._stop = threading.Event()
        self._conns: List[socket.socket] = []
        self._threads: List[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True,
                                          name=f"wire-peer-{self.port}")

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def __enter__(self) -> WirePeer:
        self._accepter.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        for conn in list(self._conns):
            try:
                conn.close()
            except OSError:
                pass
        for thread in [self._accepter, *self._threads]:
            if thread.is_alive():
                thread.join(5)

    def commands(self, name: Optional[str] = None) -> List[Dict[str, Any]]:
        """Commands received so far (optionally only those named ``name``)."""
        return [c for _, c in self.received if name is None or next(iter(c)) == name]

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            self._conns.append(conn)
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _recv(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("peer closed")
            data += chunk
        return data

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.5)
        try:
            while not self._stop.is_set():
                try:
                    header = self._recv(conn, 16)
                except socket.timeout:
                    continue
                length, request_id, _, opcode = HEADER.unpack(header)
                body = self._recv(conn, length - 16)
                compressor_id = None
                if opcode == OP_COMPRESSED:
                    opcode, size, compressor_id = struct.unpack_from("<iiB", body)
                    body = _CODECS[compressor_id][1](body[9:])
                    assert len(body) == size, "the uncompressed size in the prefix is wrong"
                self.compressed.append(compressor_id)
                command, more_to_come = self._parse(opcode, body)
                self.flags.append(struct.unpack_from("<I", body)[0] if opcode == OP_MSG else 0)
                self.received.append((opcode, command))
                reply = self.handler(next(iter(command)), command)
                if more_to_come:
                    continue
                if reply is CLOSE:
                    return
                if reply is NO_REPLY:
                    self._stop.wait()
                    return
                if reply is GARBAGE:
                    conn.sendall(HEADER.pack(8, 1, request_id, OP_MSG))
                    continue
                if isinstance(reply, Stream):
                    self._stream(conn, request_id, reply)
                    continue
                data = self._reply(opcode, request_id, reply)
                if compressor_id is not None:
                    data = _compressed(data, compressor_id)
                if reply is TRUNCATE:
                    conn.sendall(data[: len(data) // 2])
                    return
                conn.sendall(data)
        except (ConnectionError, OSError):
            return
        finally:
            conn.close()

    @staticmethod
    def _stream(conn: socket.socket, request_id: int, stream: Stream) -> None:
        answering = request_id
        for index, reply in enumerate(stream.replies):
            more = index < len(stream.replies) - 1
            own_id = 900_000 + index
            body = struct.pack("<I", 2 if more else 0) + b"\x00" + bson.BSON.encode(reply)
            conn.sendall(HEADER.pack(16 + len(body), own_id, answering, OP_MSG) + body)
            answering = own_id

    @classmethod
    def _parse(cls, opcode: int, body: bytes) -> Tuple[Dict[str, Any], bool]:
        if opcode == OP_QUERY:
            name_end = body.index(b"\x00", 4)
            docs = bson.decode_all(body[name_end + 9:], DEFAULT_CODEC_OPTIONS)
            command = docs[0]
            if "$query" in command:
                command = command["$query"]
            return dict(command), False
        if opcode == OP_MSG:
            flags = struct.unpack_from("<I", body)[0]
            pos = 4
            command: Dict[str, Any] = {}
            while pos < len(body):
                kind = body[pos]
                pos += 1
                size = struct.unpack_from("<i", body, pos)[0]
                if kind == 0:
                    command = dict(bson.decode_all(body[pos:pos + size], cls.CODEC_OPTIONS)[0])
                else:
                    name_end = body.index(b"\x00", pos + 4)
                    ident = body[pos + 4:name_end].decode()
                    command.setdefault(ident, []).extend(
                        bson.decode_all(body[name_end + 1:pos + size], cls.CODEC_OPTIONS))
                pos += size
            return command, bool(flags & 2)
        if opcode == OP_INSERT:
            # A legacy insert has no reply; a getlasterror query may follow it.
            name_end = body.index(b"\x00", 4)
            return {"legacy_insert": body[4:name_end].decode(),
                    "documents": bson.decode_all(body[name_end + 1:])}, True
        raise ValueError(f"wire peer does not speak opcode {opcode}")

    @staticmethod
    def _reply(opcode: int, request_id: int, reply: Any) -> bytes:
        if reply is TRUNCATE:
            reply = {"ok": 1.0, "padding": "x" * 64}
        doc = bson.BSON.encode(reply)
        if opcode == OP_QUERY:
            body = struct.pack("<iqii", 0, 0, 0, 1) + doc
            return HEADER.pack(16 + len(body), 1, request_id, OP_REPLY) + body
        body = struct.pack("<I", 0) + b"\x00" + doc
        return HEADER.pack(16 + len(body), 1, request_id, OP_MSG) + body


def _codecs() -> Dict[int, Tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]]:
    import zlib

    import snappy
    import zstandard

    return {0: (bytes, bytes), 1: (snappy.compress, snappy.uncompress),
            2: (zlib.compress, zlib.decompress),
            3: (zstandard.ZstdCompressor().compress, zstandard.ZstdDecompressor().decompress)}


_CODECS = _codecs()


def _compressed(data: bytes, compressor_id: int) -> bytes:
    """A whole reply re-framed as OP_COMPRESSED with ``compressor_id``."""
    _, own_id, answering, opcode = HEADER.unpack_from(data)
    packed = struct.pack("<iiB", opcode, len(data) - 16, compressor_id) + \
        _CODECS[compressor_id][0](data[16:])
    return HEADER.pack(16 + len(packed), own_id, answering, OP_COMPRESSED) + packed


def slow(reply: Any, seconds: float) -> Callable[[], Any]:
    """Helper for handlers: sleep, then answer ``reply``."""
    time.sleep(seconds)
    return reply
