"""Fakes for write-path unit tests: a socket that records commands and a collection around it."""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, List, Mapping, Optional

import bson
from bson.codec_options import DEFAULT_CODEC_OPTIONS
from mongofw.options.write_concern import WriteConcern


class FakeSocket:
    """Records every command; ``reply(cmd, statements)`` answers acknowledged ones."""

    def __init__(self, reply: Optional[Callable[[Mapping[str, Any], List[Any]], Any]] = None,
                 *, max_write_batch_size: int = 1000, max_message_size: int = 48_000_000,
                 max_bson_size: int = 16 * 1024 * 1024, max_wire_version: int = 21) -> None:
        self.reply = reply or (lambda cmd, statements: {"ok": 1.0, "n": len(statements)})
        self.max_write_batch_size = max_write_batch_size
        self.max_message_size = max_message_size
        self.max_bson_size = max_bson_size
        self.max_wire_version = max_wire_version
        self.sent: List[Dict[str, Any]] = []

    def command(self, dbname: str, spec: Mapping[str, Any], codec_options: Any = None,
                check: bool = True, sequences: Any = (), unacknowledged: bool = False,
                **kwargs: Any) -> Mapping[str, Any]:
        ident, encoded, originals = sequences[0]
        # The encoded statements must decode to the originals: nothing is re-encoded later.
        assert [bson.BSON(raw).decode() for raw in encoded] == [dict(o) for o in originals]
        self.sent.append({"db": dbname, "cmd": dict(spec), "ident": ident,
                          "statements": list(originals), "bytes": sum(map(len, encoded)),
                          "unacknowledged": unacknowledged})
        if unacknowledged:
            return {"ok": 1}
        return self.reply(spec, list(originals))


class FakeClient:
    """What the write paths ask of a MongoClient: a connection, sessions, retries (none)."""

    def __init__(self, sock: FakeSocket) -> None:
        self.sock = sock

    @contextlib.contextmanager
    def _socket_for_writes(self, timeout: Any = None, session: Any = None) -> Any:
        yield self.sock

    @contextlib.contextmanager
    def _tmp_session(self, session: Any, unacknowledged: bool = False) -> Any:
        yield session

    def _write_concern_in(self, session: Any, write_concern: Any) -> Any:
        return write_concern  # no transactions here

    def _retryable_write(self, retryable: bool, session: Any,
                         operation: Callable[[Any, bool], Any]) -> Any:
        return operation(self.sock, False)


class FakeDatabase:
    def __init__(self, sock: FakeSocket) -> None:
        self.client = FakeClient(sock)
        self.name = "db"


class FakeCollection:
    """What the bulk engine reads from a Collection."""

    def __init__(self, sock: FakeSocket, write_concern: Optional[WriteConcern] = None) -> None:
        self.database = FakeDatabase(sock)
        self.name = "coll"
        self.full_name = "db.coll"
        self.write_concern = write_concern or WriteConcern()
        self.codec_options = DEFAULT_CODEC_OPTIONS
