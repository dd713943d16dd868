"""The proxy peer's own connections to the real server behind it (FerretDB).

Plain OP_MSG over pooled sockets, not the driver under test: what the proxy forwards
must reach the server exactly as the proxy built it, and the server's replies must come
back as documents, errors included.  Binary values keep their subtype both ways
(``UuidRepresentation.UNSPECIFIED``).
"""
from __future__ import annotations

import queue
import socket
import struct
import threading
from typing import Any, Dict, List, Mapping, Optional, Tuple

import bson
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions
from bson.son import SON

RAW = CodecOptions(uuid_representation=UuidRepresentation.UNSPECIFIED)
_HEADER = struct.Struct("<iiii")
_OP_MSG = 2013


class BackendError(Exception):
    """The server refused a command the proxy needed for its own bookkeeping."""


def host_port(uri: str) -> Tuple[str, int]:
    """``mongodb://host:port/...`` -> ``(host, port)`` (one host, no credentials)."""
    rest = uri.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    host, _, port = rest.rpartition(":")
    return host or "127.0.0.1", int(port or 27017)


class Backend:
    """Connections to one server; ``command(db, doc)`` returns the reply document."""

    def __init__(self, address: Tuple[str, int]) -> None:
        self.address = address
        self._idle: queue.LifoQueue[socket.socket] = queue.LifoQueue()
        self._ids = iter(range(1, 1 << 30))
        self._ids_lock = threading.Lock()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return

    def command(self, db: str, command: Mapping[str, Any]) -> Dict[str, Any]:
        doc = SON(command)
        doc["$db"] = db
        try:
            sock = self._idle.get_nowait()
        except queue.Empty:
            sock = socket.create_connection(self.address, timeout=30)
        try:
            reply = self._round_trip(sock, doc)
        except BaseException:
            sock.close()
            raise
        self._idle.put(sock)
        return reply

    def _round_trip(self, sock: socket.socket, doc: Mapping[str, Any]) -> Dict[str, Any]:
        with self._ids_lock:
            request_id = next(self._ids)
        body = struct.pack("<I", 0) + b"\x00" + bson.BSON.encode(doc, codec_options=RAW)
        sock.sendall(_HEADER.pack(16 + len(body), request_id, 0, _OP_MSG) + body)
        length = _HEADER.unpack(_read(sock, 16))[0]
        data = _read(sock, length - 16)
        return dict(bson.decode_all(data[5:], RAW)[0])

    # ------------------------------------------------------------ the proxy's own reads

    def checked(self, db: str, command: Mapping[str, Any]) -> Dict[str, Any]:
        reply = self.command(db, command)
        if reply.get("ok") != 1:
            raise BackendError(f"{dict(command)} on {db}: {reply}")
        return reply

    def documents(self, db: str, collection: str, filter: Optional[Mapping[str, Any]] = None,
                  sort: Optional[Mapping[str, Any]] = None, limit: int = 0) -> List[Any]:
        """Every document of ``db.collection`` matching ``filter`` (all batches)."""
        command = SON([("find", collection), ("filter", filter or {})])
        if sort:
            command["sort"] = sort
        if limit:
            command["limit"] = limit
        cursor = self.checked(db, command)["cursor"]
        docs = list(cursor["firstBatch"])
        while cursor["id"]:
            more = SON([("getMore", cursor["id"]), ("collection", collection)])
            cursor = self.checked(db, more)["cursor"]
            docs.extend(cursor["nextBatch"])
        return docs

    def collection_names(self, db: str) -> List[str]:
        reply = self.checked(db, SON([("listCollections", 1), ("nameOnly", True)]))
        return [c["name"] for c in reply["cursor"]["firstBatch"]]

    def drop_database(self, db: str) -> None:
        self.command(db, {"dropDatabase": 1})


def _read(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("the server behind the proxy closed the connection")
        data += chunk
    return data
