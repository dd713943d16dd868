"""What a ``MongoClient`` does for sessions: start them, pool server sessions, keep the
cluster time, give every operation a session, and retry retryable operations once.

A mixin of :class:`~mongofw.client.mongo_client.MongoClient`.  Operations call
:meth:`ClientSessions._tmp_session` (the caller's session, or an implicit one ended with
the operation) and run through :meth:`_retryable_write` / :meth:`_retryable_read`, which
select the server, check out a connection and retry once on the errors the retryable
writes / reads specifications name.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, ContextManager, Mapping, Optional, Tuple, TypeVar

from bson.son import SON
from mongofw.client.client_session import ClientSession, SessionOptions
from mongofw.client.transactions import (
    SERVER_LABELS_WIRE_VERSION,
    TransactionOptions,
    add_transient_label,
)
from mongofw.core.dispatch.server_sessions import ServerSessionPool
from mongofw.errors import (
    ConfigurationError,
    ConnectionFailure,
    InvalidOperation,
    NotMasterError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)
from mongofw.options.read_preferences import ReadPreference
from mongofw.options.write_concern import WriteConcern

T = TypeVar("T")

# Server error codes after which a write or read is retried (the retryable writes and
# reads specifications: not-primary, shutdown and network-ish failures on the server).
RETRYABLE_CODES = frozenset({6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435,
                             13436})
RETRYABLE_WRITE = "RetryableWriteError"
# What a write inside a transaction is sent with (its command then carries no concern).
_IN_TRANSACTION = WriteConcern()
# The options of implicit sessions: made per operation, so made once.
_IMPLICIT = SessionOptions(causal_consistency=False)


def is_retryable_error(exc: BaseException, wire_version: int = 0) -> bool:
    """Whether one retry may cure ``exc`` (a network error or a retryable server error).

    An error that came in a server reply (``OperationFailure``, including write concern
    errors, and ``NotMasterError``) is decided by its ``RetryableWriteError`` label when
    the server is MongoDB 4.4+ (``wire_version`` 9+), which labels what may be retried,
    and by its code before.  The retryable reads specification decides by code whatever
    the version: reads leave ``wire_version`` at 0.
    """
    if not isinstance(exc, PyMongoError):
        return False
    if exc.has_error_label(RETRYABLE_WRITE):
        return True
    if not isinstance(exc, (OperationFailure, NotMasterError)):
        return isinstance(exc, ConnectionFailure)  # network errors and timeouts
    if wire_version >= SERVER_LABELS_WIRE_VERSION:
        return False  # a 4.4+ server would have labelled it
    if isinstance(exc, NotMasterError):
        return True  # "not master" / "node is recovering", with or without a code
    code = getattr(exc, "code", None)
    if code is None and isinstance(getattr(exc, "details", None), Mapping):
        code = (exc.details.get("writeConcernError") or {}).get("code")
    return code in RETRYABLE_CODES


class ClientSessions:
    """Sessions, cluster time and retries of a MongoClient."""

    _topology: Any

    def _init_sessions(self) -> None:
        self._server_sessions = ServerSessionPool()
        self._cluster_time: Optional[Mapping[str, Any]] = None
        self._cluster_time_lock = threading.Lock()

    # ------------------------------------------------------------ documented

    def start_session(self, causal_consistency: Optional[bool] = None,
                      default_transaction_options: Optional[TransactionOptions] = None,
                      snapshot: Optional[bool] = False) -> ClientSession:
        """Start an explicit logical session (new in 3.6; MongoDB 3.6+).

        Pass it as ``session=`` to each operation that should run in it, and end it
        when done: ``with client.start_session() as session: ...`` ends it on exit.
        Nothing is sent until the first operation uses it.

        :param causal_consistency: when ``True``, each read of the session sees the
            session's earlier writes and reads; ``None`` (the default) means ``True``,
            or ``False`` for a snapshot session.
        :param default_transaction_options: a
            :class:`~pymongo.client_session.TransactionOptions` for the transactions
            started on it without options of their own (new in 3.7); ``None`` takes
            the client's settings.
        :param snapshot: when ``True``, every read of the session reads one
            point-in-time snapshot (MongoDB 5.0+; new in 3.12; default ``False``);
            not with transactions nor ``causal_consistency=True``.
        :returns: a :class:`~pymongo.client_session.ClientSession`.
        :raises ~pymongo.errors.ConfigurationError: for ``snapshot`` with
            ``causal_consistency=True``.
        :raises TypeError: when ``causal_consistency`` is not a bool or
            ``default_transaction_options`` not a TransactionOptions.
        """
        options = SessionOptions(causal_consistency, default_transaction_options, snapshot)
        return ClientSession(self, None, options, None, implicit=False)

    # ------------------------------------------------------------ server sessions

    def _take_server_session(self) -> Any:
        return self._server_sessions.get(
            self._topology.description.logical_session_timeout_minutes)

    def _return_server_session(self, server_session: Any) -> None:
        self._server_sessions.put(
            server_session, self._topology.description.logical_session_timeout_minutes)

    def _advance_cluster_time(self, cluster_time: Mapping[str, Any]) -> None:
        with self._cluster_time_lock:
            current = self._cluster_time
            if current is None or cluster_time["clusterTime"] > current["clusterTime"]:
                self._cluster_time = cluster_time

    def _end_server_sessions(self) -> None:
        """Tell the server we are done with the pooled session ids (best effort)."""
        ids = self._server_sessions.drain()
        if not ids or self._topology.description.logical_session_timeout_minutes is None:
            return
        try:
            # At close: only a server known to be up now, never a wait for one.
            with self._socket_for_writes(timeout=0) as sock_info:
                for start in range(0, len(ids), 10_000):
                    sock_info.command("admin", SON([("endSessions", ids[start:start + 10_000])]),
                                      check=False)
        except PyMongoError:
            pass  # the server drops idle sessions after logicalSessionTimeoutMinutes anyway

    # ------------------------------------------------------------ per operation

    def _check_session(self, session: Any) -> Optional[ClientSession]:
        if session is None:
            return None
        if not isinstance(session, ClientSession):
            raise TypeError(f"session must be an instance of ClientSession, "
                            f"not {type(session).__name__}")
        session._check_client(self)
        session._check_ended()
        return session

    def _implicit_session(self) -> ClientSession:
        return ClientSession(self, None, _IMPLICIT, None, implicit=True)

    def _cursor_session(self, session: Any) -> Tuple[ClientSession, bool]:
        """A cursor's session and whether the cursor owns it (ends it when done): the
        caller's, or a new implicit one that lives as long as the cursor."""
        session = self._check_session(session)
        if session is not None:
            return session, False
        return self._implicit_session(), True

    def _tmp_session(self, session: Any, unacknowledged: bool = False
                     ) -> ContextManager[Optional[ClientSession]]:
        """The operation's session: the caller's, or an implicit one ended with it.

        An unacknowledged write gets no implicit session (its lsid would outlive the
        operation on the server), and refuses an explicit one.
        """
        return _OperationSession(self, session, unacknowledged)

    def _write_concern_in(self, session: Any, write_concern: Any) -> Any:
        """The write concern a write in ``session`` goes with: ``write_concern`` (the
        collection's, or the call's), except inside a transaction, where only the commit
        carries one and every write is acknowledged (even from a ``w=0`` collection)."""
        session = self._check_session(session)
        if session is not None and session.in_transaction:
            return _IN_TRANSACTION
        return write_concern

    def _read_preference_in(self, session: Optional[ClientSession],
                            read_preference: Any, explicit: bool = False) -> Any:
        """Inside a transaction every operation uses the transaction's read preference,
        and reads must go to the primary.

        ``explicit``: ``read_preference`` was given for this one operation (a
        ``Database.command`` argument), so it must be primary too; a collection's or
        database's own read preference gives way to the transaction's.
        """
        if session is None or session._implicit:  # an implicit session has no transaction
            return read_preference
        in_transaction = session._transaction_read_preference()
        if in_transaction is None:
            return read_preference
        for chosen in ((read_preference, in_transaction) if explicit else (in_transaction,)):
            if chosen.mode != ReadPreference.PRIMARY.mode:
                raise InvalidOperation(f"read preference in a transaction must be "
                                       f"primary, not: {chosen!r}")
        return in_transaction

    def _retryable_write(self, retryable: bool, session: Optional[ClientSession],
                         operation: Callable[[Any, bool], T]) -> T:
        """Run ``operation(connection, retryable_now)`` on a writable server, retried once
        when it is a retryable write and the first attempt failed in a way that allows it.

        ``retryable_now`` says whether the write carries a transaction number (the server
        supports retryable writes and ``retryWrites`` is on).
        """
        retryable = retryable and self.retry_writes and session is not None and \
            (session._implicit or not session.in_transaction)
        if retryable:
            session._start_retryable_write()
        first_error: Optional[BaseException] = None
        for attempt in (0, 1):
            supported, wire_version = False, 0
            try:
                with self._socket_for_writes(session=session) as sock_info:
                    wire_version = sock_info.max_wire_version
                    supported = retryable and _supports_retryable_writes(sock_info)
                    if attempt and not supported:
                        raise first_error  # type: ignore[misc]
                    return operation(sock_info, supported)
            except PyMongoError as exc:
                if attempt:
                    if first_error is not None and not _is_new_information(exc):
                        raise first_error from None
                    if supported and is_retryable_error(exc, wire_version):
                        exc._add_error_label(RETRYABLE_WRITE)
                    raise
                if not (supported and is_retryable_error(exc, wire_version)):
                    raise
                # The retryable writes specification: the driver labels network errors
                # (and, before 4.4, retryable server errors) itself.
                exc._add_error_label(RETRYABLE_WRITE)
                first_error = exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _retryable_read(self, session: Optional[ClientSession], read_preference: Any,
                        operation: Callable[[Any, bool], T]) -> T:
        """Run ``operation(connection, slave_ok)`` on a server ``read_preference`` accepts,
        once more after a retryable error when ``retryReads`` is on (MongoDB 3.6+)."""
        read_preference = self._read_preference_in(session, read_preference)
        retryable = self.retry_reads and (session is None or session._implicit or
                                          not session.in_transaction)
        try:
            return self._read_retried(retryable, read_preference, operation, session)
        except PyMongoError as exc:
            # A cursor's session is not a _tmp_session: label its errors here.
            add_transient_label(session, exc)
            raise

    def _read_retried(self, retryable: bool, read_preference: Any,
                      operation: Callable[[Any, bool], T], session: Any = None) -> T:
        first_error: Optional[BaseException] = None
        for attempt in (0, 1):
            supported = False
            try:
                with self._socket_for_reads(read_preference, session) as (sock_info, slave_ok):
                    supported = retryable and sock_info.max_wire_version >= 6
                    if attempt and not supported:
                        raise first_error  # type: ignore[misc]
                    return operation(sock_info, slave_ok)
            except PyMongoError as exc:
                if attempt:
                    if first_error is not None and not _is_new_information(exc):
                        raise first_error from None
                    raise
                if not (supported and is_retryable_error(exc)):
                    raise
                first_error = exc
        raise AssertionError("unreachable")  # pragma: no cover


def _supports_retryable_writes(sock_info: Any) -> bool:
    """Sessions, and a replica set member or mongos (a standalone has no oplog)."""
    hello = sock_info.ismaster
    return sock_info.max_wire_version >= 6 and \
        hello.get("logicalSessionTimeoutMinutes") is not None and \
        (sock_info.is_mongos or "setName" in hello)


def _is_new_information(exc: BaseException) -> bool:
    """A retry's failure is reported unless it only says no server could be selected."""
    return not isinstance(exc, ServerSelectionTimeoutError)


class _OperationSession:
    """``_tmp_session``'s context manager (a class: cheaper than a generator's)."""

    __slots__ = ("client", "given", "unacknowledged", "session", "implicit")

    def __init__(self, client: Any, session: Any, unacknowledged: bool) -> None:
        self.client = client
        self.given = session
        self.unacknowledged = unacknowledged

    def __enter__(self) -> Optional[ClientSession]:
        session = self.given
        if session is not None:
            session = self.client._check_session(session)
        self.implicit = session is None
        if session is None:
            if not self.unacknowledged:
                session = self.client._implicit_session()
        elif self.unacknowledged:
            raise ConfigurationError("Explicit sessions are incompatible with "
                                     "unacknowledged write concern")
        self.session = session
        return session

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        session = self.session
        if self.implicit:
            if session is not None:
                session.end_session()
        elif exc_type is not None:
            add_transient_label(session, exc if exc is not None else exc_type())
