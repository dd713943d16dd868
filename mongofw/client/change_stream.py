"""Change streams (documented as ``pymongo.change_stream``, PyMongo 3.6+).

``watch()`` on a collection, a database or the client opens an aggregation whose first
stage is ``$changeStream`` and returns a :class:`ChangeStream` over it.  The stream keeps
the resume token of the last change it returned (or the batch's
``postBatchResumeToken``), and after a resumable error (a network error, a not-primary
error, a lost cursor) it opens the aggregation once more, resuming after that token, as
the change streams specification asks.  MongoDB 3.6+ replica sets and sharded clusters.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any, Deque, List, Optional

from bson.int64 import Int64
from bson.son import SON
from bson.timestamp import Timestamp
from mongofw.client.command_cursor import kill_now
from mongofw.errors import (
    ConnectionFailure,
    InvalidOperation,
    NotMasterError,
    OperationFailure,
    PyMongoError,
)

# Server errors after which a change stream resumes from a server before MongoDB 4.4;
# 4.4+ (wire version 9) labels them ResumableChangeStreamError itself.
_RESUMABLE_CODES = frozenset({6, 7, 43, 63, 89, 91, 133, 150, 189, 234, 262, 9001, 10107,
                              11600, 11602, 13388, 13435, 13436})
_RESUMABLE_LABEL = "ResumableChangeStreamError"
_SERVER_LABELS_WIRE_VERSION = 9
_CURSOR_NOT_FOUND = 43
# startAtOperationTime needs MongoDB 4.0 (wire version 7).
_OPERATION_TIME_WIRE_VERSION = 7


def _resumable(exc: PyMongoError, wire_version: int) -> bool:
    """The change streams specification's resumable errors: network and server selection
    errors, CursorNotFound, and the server errors that a 4.4+ server (``wire_version``
    9+) labelled ResumableChangeStreamError or, before 4.4, whose code is on the list."""
    server_error = isinstance(exc, (OperationFailure, NotMasterError))
    if not server_error:
        return isinstance(exc, ConnectionFailure)
    details = getattr(exc, "details", None)
    code = getattr(exc, "code", None)
    if code is None and isinstance(details, Mapping):
        code = details.get("code")  # a NotMasterError keeps the reply in details
    if code == _CURSOR_NOT_FOUND or exc.has_error_label(_RESUMABLE_LABEL):
        return True
    return wire_version < _SERVER_LABELS_WIRE_VERSION and code in _RESUMABLE_CODES


class ChangeStream:
    """An iterator over the change documents of a collection, database or cluster.

    Applications get one from ``watch()`` (of a
    :meth:`~pymongo.collection.Collection`, new in 3.6; of a
    :meth:`~pymongo.database.Database` or a
    :meth:`~pymongo.mongo_client.MongoClient`, new in 3.7) rather than making one; it
    is a context manager that closes the stream.  ``next()`` waits for the next change
    (each wait a getMore of at most ``max_await_time_ms``); ``try_next()`` returns
    ``None`` when one getMore brought nothing.  After a resumable error the stream
    opens again by itself, from its last resume token.

    The constructor takes the arguments of ``watch()``, all of them given:

    :param target: the collection, database or client watched.
    :param pipeline: a list of aggregation stages applied to the change documents
        (``None`` for none).
    :param full_document: ``"updateLookup"`` to add the current document to update
        events, or ``None`` for the server's default.
    :param resume_after: a resume token to start after, or ``None``.
    :param max_await_time_ms: how long (in ms) each getMore waits for changes, or
        ``None``.
    :param batch_size: documents per batch, or ``None``.
    :param collation: a :class:`~pymongo.collation.Collation`, or ``None``.
    :param start_at_operation_time: a :class:`~bson.timestamp.Timestamp` to report
        changes from (MongoDB 4.0+; new in 3.7), or ``None``.
    :param session: a :class:`~pymongo.client_session.ClientSession`, or ``None`` for
        an implicit one, ended with the stream.
    :param start_after: a resume token to start after, which may be an
        ``invalidate`` event's (MongoDB 4.2+; new in 3.9); it wins over
        ``resume_after``.
    :raises TypeError: when an argument has the wrong type.
    :raises ~pymongo.errors.OperationFailure: when the server refuses the stream.
    """

    def __init__(self, target: Any, pipeline: Optional[List[Any]], full_document: Optional[str],
                 resume_after: Optional[Mapping[str, Any]], max_await_time_ms: Optional[int],
                 batch_size: Optional[int], collation: Any,
                 start_at_operation_time: Optional[Timestamp], session: Any,
                 start_after: Optional[Mapping[str, Any]]) -> None:
        if pipeline is None:
            pipeline = []
        if not isinstance(pipeline, list):
            raise TypeError(f"pipeline must be a list, not {type(pipeline).__name__}")
        if full_document is not None and not isinstance(full_document, str):
            raise TypeError("full_document must be a string or None")
        for name, value in (("resume_after", resume_after), ("start_after", start_after)):
            if value is not None and not isinstance(value, Mapping):
                raise TypeError(f"{name} must be a mapping (a resume token), not {value!r}")
        if start_at_operation_time is not None and \
                not isinstance(start_at_operation_time, Timestamp):
            raise TypeError("start_at_operation_time must be an instance of "
                            "bson.timestamp.Timestamp")
        for name, value in (("max_await_time_ms", max_await_time_ms),
                            ("batch_size", batch_size)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{name} must be an integer or None")
        self._target = target
        self._pipeline = list(pipeline)
        self._full_document = full_document
        self._max_await_time_ms = max_await_time_ms
        self._batch_size = batch_size
        self._collation = collation
        self._resume_token = start_after or resume_after
        self._uses_start_after = start_after is not None
        self._start_at_operation_time = start_at_operation_time
        self._client = self._client_of(target)
        self._session, self._owns_session = self._client._cursor_session(session)
        self._buffer: Deque[Any] = deque()
        self._cursor_id = 0
        self._address: Any = None
        self._wire_version = 0  # of the server the cursor is on
        self._namespace = ""
        self._closed = False
        self._open()

    # ------------------------------------------------------------ what is watched

    @staticmethod
    def _client_of(target: Any) -> Any:
        return target.database.client

    def _database_name(self) -> str:
        return self._target.database.name

    def _aggregate_target(self) -> Any:
        return self._target.name

    def _stage_options(self) -> SON:
        return SON()

    # ------------------------------------------------------------ the aggregation

    def _change_stream_stage(self) -> SON:
        options = self._stage_options()
        if self._full_document is not None:
            options["fullDocument"] = self._full_document
        if self._resume_token is not None:
            options["startAfter" if self._uses_start_after else "resumeAfter"] = \
                self._resume_token
        elif self._start_at_operation_time is not None:
            options["startAtOperationTime"] = self._start_at_operation_time
        return SON([("$changeStream", options)])

    def _open(self) -> None:
        """Run the aggregation (a retryable read) and take its first batch."""
        target = self._target
        cmd = SON([("aggregate", self._aggregate_target()),
                   ("pipeline", [self._change_stream_stage(), *self._pipeline]),
                   ("cursor", {"batchSize": self._batch_size} if self._batch_size else {})])
        if self._collation is not None:
            cmd["collation"] = getattr(self._collation, "document", self._collation)
        read_concern = target.read_concern

        def run(sock_info: Any, slave_ok: bool) -> Any:
            concern = read_concern if read_concern.level else None
            reply = sock_info.command(self._database_name(), cmd, slave_ok,
                                      target.read_preference, target.codec_options,
                                      read_concern=concern, session=self._session)
            return reply, sock_info

        reply, sock_info = self._client._retryable_read(self._session, target.read_preference,
                                                        run)
        if self._resume_token is None and self._start_at_operation_time is None and \
                sock_info.max_wire_version >= _OPERATION_TIME_WIRE_VERSION:
            # Resuming without a token starts where the stream first started.
            self._start_at_operation_time = reply.get("operationTime")
        self._address = sock_info.address
        self._wire_version = sock_info.max_wire_version
        self._take(reply["cursor"], "firstBatch")

    def _take(self, cursor: Mapping[str, Any], batch_key: str) -> None:
        self._cursor_id = int(cursor.get("id", 0))
        self._namespace = str(cursor.get("ns") or self._namespace)
        self._buffer.extend(cursor.get(batch_key) or ())
        self._post_batch_token = cursor.get("postBatchResumeToken")
        if not self._buffer and self._post_batch_token is not None:
            self._resume_token = self._post_batch_token

    def _get_more(self) -> None:
        db_name, coll_name = self._namespace.split(".", 1)
        cmd = SON([("getMore", Int64(self._cursor_id)), ("collection", coll_name)])
        if self._batch_size:
            cmd["batchSize"] = self._batch_size
        if self._max_await_time_ms is not None:
            cmd["maxTimeMS"] = self._max_await_time_ms
        with self._client._socket_for_address(tuple(self._address)) as sock_info:
            self._wire_version = sock_info.max_wire_version
            reply = sock_info.command(db_name, cmd, codec_options=self._target.codec_options,
                                      session=self._session)
        self._take(reply["cursor"], "nextBatch")

    def _resume(self) -> None:
        """Open the aggregation again after a resumable error (once per error)."""
        self._kill_cursor()
        self._open()

    def _kill_cursor(self) -> None:
        cursor_id, self._cursor_id = self._cursor_id, 0
        if cursor_id and self._address is not None:
            try:
                kill_now(self._client, cursor_id, self._address, self._namespace)
            except PyMongoError:
                pass  # the server drops an abandoned cursor itself

    # ------------------------------------------------------------ documented API

    @property
    def alive(self) -> bool:
        """Whether the stream may still return changes (False once closed)."""
        return not self._closed

    @property
    def resume_token(self) -> Optional[Mapping[str, Any]]:
        """The token to resume after the last change returned (3.9), or None."""
        return self._resume_token

    def try_next(self) -> Optional[Mapping[str, Any]]:
        """The next change, or None when one getMore brought nothing (3.8)."""
        if self._closed:
            return None
        if not self._buffer:
            try:
                if self._cursor_id:
                    self._get_more()
                else:
                    self._resume()  # the server ended the cursor: open a new one
            except PyMongoError as exc:
                if not _resumable(exc, self._wire_version):
                    self.close()
                    raise
                try:
                    self._resume()
                except BaseException:
                    self.close()
                    raise
        if not self._buffer:
            return None
        change = self._buffer.popleft()
        token = change.get("_id") if isinstance(change, Mapping) else None
        if token is None:
            self.close()
            raise InvalidOperation("Cannot provide resume functionality when the resume "
                                   "token is missing.")
        self._uses_start_after = False  # once a change is seen, resume after it
        self._resume_token = token
        if not self._buffer and self._post_batch_token is not None:
            self._resume_token = self._post_batch_token
        return change

    def next(self) -> Mapping[str, Any]:
        """The next change, waiting for it (``StopIteration`` once closed)."""
        while self.alive:
            change = self.try_next()
            if change is not None:
                return change
        raise StopIteration

    __next__ = next

    def __iter__(self) -> ChangeStream:
        return self

    def close(self) -> None:
        """Close the stream: kill its server cursor and end an implicit session."""
        if self._closed:
            return
        self._closed = True
        self._buffer.clear()
        self._kill_cursor()
        if self._owns_session:
            self._owns_session = False
            self._session.end_session()

    def __enter__(self) -> ChangeStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class CollectionChangeStream(ChangeStream):
    """The changes of one collection (``Collection.watch``)."""


class DatabaseChangeStream(ChangeStream):
    """The changes of every collection of one database (``Database.watch``, 3.7)."""

    @staticmethod
    def _client_of(target: Any) -> Any:
        return target.client

    def _database_name(self) -> str:
        return self._target.name

    def _aggregate_target(self) -> Any:
        return 1


class ClusterChangeStream(DatabaseChangeStream):
    """The changes of every database of the deployment (``MongoClient.watch``, 3.7)."""

    @staticmethod
    def _client_of(target: Any) -> Any:
        return target

    def _database_name(self) -> str:
        return "admin"

    def _stage_options(self) -> SON:
        return SON([("allChangesForCluster", True)])
