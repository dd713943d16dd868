"""Logical sessions (documented as ``pymongo.client_session``, PyMongo 3.6+).

A :class:`ClientSession` orders a sequence of operations: each command it runs carries
its ``lsid`` and the newest ``$clusterTime`` seen, and (with causal consistency, the
default) every read waits for the session's last operation (``afterClusterTime``).
Operations given no session run in an implicit one, made for the operation and ended
with it (a cursor keeps its own until exhausted or closed).  The server session behind
it comes from the client's pool only when a command is sent to a server that supports
sessions, so a session costs no round trip.

The core calls three methods of a session, and nothing else: ``_apply_to`` before a
command goes out, ``_process_response`` with its reply and ``_mark_dirty`` after a
network error.  Transactions are in :mod:`mongofw.client.transactions`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, MutableMapping, Optional

from bson.timestamp import Timestamp
from mongofw.client.transactions import TransactionOptions, Transactions, TransactionState
from mongofw.core.wire.message import copy_command
from mongofw.errors import ConfigurationError, InvalidOperation

# Sessions need MongoDB 3.6 (wire version 6) and a server that reports a timeout.
SESSIONS_WIRE_VERSION = 6
# Snapshot reads need MongoDB 5.0 (wire version 13).
SNAPSHOT_WIRE_VERSION = 13
# Commands that continue a cursor: they take no read concern of their own.
_CURSOR_CONTINUATIONS = frozenset({"getMore", "killCursors"})
# Commands whose reads a causally consistent session orders after its last operation.
_READS = frozenset({"find", "aggregate", "distinct", "count", "mapReduce",
                    "parallelCollectionScan", "geoNear"})


class SessionOptions:
    """``SessionOptions(causal_consistency=None, default_transaction_options=None,
    snapshot=False)``: causal consistency defaults to True unless ``snapshot``."""

    def __init__(self, causal_consistency: Optional[bool] = None,
                 default_transaction_options: Optional[TransactionOptions] = None,
                 snapshot: Optional[bool] = False) -> None:
        if snapshot:
            if causal_consistency:
                raise ConfigurationError("snapshot reads do not support causal_consistency=True")
            causal_consistency = False
        elif causal_consistency is None:
            causal_consistency = True
        if not isinstance(causal_consistency, bool):
            raise TypeError(f"causal_consistency must be True or False, "
                            f"not {causal_consistency!r}")
        if default_transaction_options is not None and \
                not isinstance(default_transaction_options, TransactionOptions):
            raise TypeError(f"default_transaction_options must be an instance of "
                            f"pymongo.client_session.TransactionOptions, not "
                            f"{default_transaction_options!r}")
        self._causal_consistency = causal_consistency
        self._default_transaction_options = default_transaction_options
        self._snapshot = bool(snapshot)

    @property
    def causal_consistency(self) -> bool:
        """Whether reads are ordered after the session's previous operations."""
        return self._causal_consistency

    @property
    def default_transaction_options(self) -> Optional[TransactionOptions]:
        """The TransactionOptions of transactions started without their own."""
        return self._default_transaction_options

    @property
    def snapshot(self) -> bool:
        """Whether every read of the session reads one snapshot (MongoDB 5.0+)."""
        return self._snapshot


def _newer(current: Optional[Mapping[str, Any]],
           candidate: Optional[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    if candidate is None:
        return current
    if current is None or candidate["clusterTime"] > current["clusterTime"]:
        return candidate
    return current


class ClientSession(Transactions):
    """A logical session (new in 3.6): causally consistent reads, and transactions.

    Applications get one from :meth:`~pymongo.mongo_client.MongoClient.start_session`
    and pass it as ``session=`` to each operation; the driver also makes implicit ones
    for operations given none.  Not thread-safe: one thread uses a session at a time.
    It is a context manager that ends the session (aborting a transaction still open)
    on exit.

    The constructor is internal, and its parameters are the driver's:

    :param client: the :class:`~pymongo.mongo_client.MongoClient` that started it.
    :param server_session: the pooled server session (its id and transaction
        number), or ``None`` until a command needs one.
    :param options: the :class:`SessionOptions`.
    :param authset: the credentials the client had when the session started.
    :param implicit: ``True`` for a session the driver made for one operation.
    """

    def __init__(self, client: Any, server_session: Any, options: SessionOptions,
                 authset: Any, implicit: bool) -> None:
        self._client = client
        self._server_session = server_session  # None until a command needs one
        self._options = options
        self._authset = authset
        self._implicit = implicit
        self._cluster_time: Optional[Mapping[str, Any]] = None
        self._operation_time: Optional[Timestamp] = None
        self._snapshot_time: Optional[Timestamp] = None
        self._ended = False
        self._init_transactions()

    # ------------------------------------------------------------ documented properties

    @property
    def client(self) -> Any:
        """The MongoClient this session was created from."""
        return self._client

    @property
    def options(self) -> SessionOptions:
        """The :class:`SessionOptions` this session was started with."""
        return self._options

    @property
    def session_id(self) -> Mapping[str, Any]:
        """The opaque server session id (``{"id": Binary(uuid)}``)."""
        self._check_ended()
        return self._server_session_now().session_id

    @property
    def cluster_time(self) -> Optional[Mapping[str, Any]]:
        """The newest ``$clusterTime`` this session has seen, or None."""
        return self._cluster_time

    @property
    def operation_time(self) -> Optional[Timestamp]:
        """The ``operationTime`` of the session's last operation, or None."""
        return self._operation_time

    @property
    def has_ended(self) -> bool:
        """Whether :meth:`end_session` was called (the session can no longer be used)."""
        return self._ended

    def advance_cluster_time(self, cluster_time: Mapping[str, Any]) -> None:
        """Take ``cluster_time`` (another session's) if it is newer than ours."""
        if not isinstance(cluster_time, Mapping):
            raise TypeError("cluster_time must be a subclass of collections.Mapping")
        if not isinstance(cluster_time.get("clusterTime"), Timestamp):
            raise ValueError("Invalid cluster_time")
        self._cluster_time = _newer(self._cluster_time, cluster_time)

    def advance_operation_time(self, operation_time: Timestamp) -> None:
        """Take ``operation_time`` (another session's) if it is newer than ours."""
        if not isinstance(operation_time, Timestamp):
            raise TypeError("operation_time must be an instance of bson.timestamp.Timestamp")
        if self._operation_time is None or operation_time > self._operation_time:
            self._operation_time = operation_time

    def end_session(self) -> None:
        """Finish the session, aborting a transaction still in progress."""
        if self._ended:
            return
        try:
            if not self._implicit and self.in_transaction:
                self.abort_transaction()
        finally:
            self._ended = True
            if self._server_session is not None:
                self._client._return_server_session(self._server_session)
                self._server_session = None

    def __enter__(self) -> ClientSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.end_session()

    # ------------------------------------------------------------ for the operations

    def _check_ended(self) -> None:
        if self._ended:
            raise InvalidOperation("Cannot use ended session")

    def _server_session_now(self) -> Any:
        """The server session, taken from the client's pool on first need."""
        if self._server_session is None:
            self._server_session = self._client._take_server_session()
        return self._server_session

    def _check_client(self, client: Any) -> None:
        """A session belongs to the client that started it."""
        if client is not self._client:
            raise InvalidOperation("Can only use session with the MongoClient that "
                                   "started it")

    def _start_retryable_write(self) -> None:
        """A new transaction number for the retryable write about to run (and its retry)."""
        self._check_ended()
        self._server_session_now().next_transaction_id()

    def _apply_to(self, command: Mapping[str, Any], retryable_write: bool,
                  connection: Any) -> MutableMapping[str, Any]:
        """``command`` with this session's fields, for ``connection``'s server."""
        self._check_ended()
        supported = connection.max_wire_version >= SESSIONS_WIRE_VERSION and \
            connection.ismaster.get("logicalSessionTimeoutMinutes") is not None
        if not supported:
            if not self._implicit:
                raise ConfigurationError("Sessions are not supported by this MongoDB "
                                         "deployment")
            return command
        command = copy_command(command)  # a SON: its dict order is its order
        name = next(iter(dict.keys(command)))
        server_session = self._server_session_now()
        command["lsid"] = server_session.session_id
        cluster_time = _newer(self._cluster_time, self._client._cluster_time)
        if cluster_time is not None:
            command["$clusterTime"] = cluster_time
        # An implicit session never holds a transaction.
        if not self._implicit and self._transaction_applies(command, name):
            return command
        if retryable_write:
            command["txnNumber"] = server_session.transaction_id
        if self._implicit:  # nor a snapshot, nor causal consistency: nothing more to add
            return command
        if self._options.snapshot:
            self._snapshot_concern_for(command, name, connection)
        elif name in _READS and not _map_reduce_into_a_collection(command):
            self._read_concern_for(command)
        return command

    def _snapshot_concern_for(self, command: MutableMapping[str, Any], name: str,
                              connection: Any) -> None:
        """Every command of a snapshot session carries the snapshot read concern (the
        server refuses those that cannot read a snapshot), but a cursor's getMore and
        killCursors; and only MongoDB 5.0+ (wire version 13) reads snapshots."""
        if connection.max_wire_version < SNAPSHOT_WIRE_VERSION:
            raise ConfigurationError("Snapshot reads require MongoDB 5.0 or later")
        if name not in _CURSOR_CONTINUATIONS:
            self._read_concern_for(command)

    def _read_concern_for(self, command: MutableMapping[str, Any]) -> None:
        if self._options.snapshot:
            concern = dict(command.get("readConcern") or {})
            concern["level"] = "snapshot"
            if self._snapshot_time is not None:
                concern["atClusterTime"] = self._snapshot_time
            command["readConcern"] = concern
        elif self._options.causal_consistency and self._operation_time is not None:
            concern = dict(command.get("readConcern") or {})
            concern["afterClusterTime"] = self._operation_time
            command["readConcern"] = concern

    def _process_response(self, reply: Mapping[str, Any]) -> None:
        """Take the cluster and operation times of a reply (failed ones too)."""
        cluster_time = reply.get("$clusterTime")
        if cluster_time is not None:
            self._cluster_time = _newer(self._cluster_time, cluster_time)
            self._client._advance_cluster_time(cluster_time)
        operation_time = reply.get("operationTime")
        if operation_time is not None:
            self.advance_operation_time(operation_time)
        if self._implicit:  # no transaction, no snapshot
            return
        self._take_recovery_token(reply)
        if self._options.snapshot and self._snapshot_time is None:
            cursor = reply.get("cursor")
            at = (cursor.get("atClusterTime") if isinstance(cursor, Mapping) else None) \
                or reply.get("atClusterTime")
            if at is not None:
                self._snapshot_time = at

    def _mark_dirty(self) -> None:
        """A network error: the server may hold half an operation for this id."""
        if self._server_session is not None:
            self._server_session.dirty = True

    def __repr__(self) -> str:
        state = "ended" if self._ended else ("implicit" if self._implicit else "explicit")
        return f"ClientSession({state}, {self._transaction.state_name})"


def _map_reduce_into_a_collection(command: Mapping[str, Any]) -> bool:
    """A mapReduce that writes its output is a write: no read concern of the session."""
    out = command.get("out") if "mapReduce" in command else None
    return out is not None and not (isinstance(out, Mapping) and "inline" in out)


__all__ = ["ClientSession", "SessionOptions", "TransactionOptions", "TransactionState"]
