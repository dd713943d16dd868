"""Multi-document transactions on a session (PyMongo 3.7+): options, states, commit, abort.

:class:`Transactions` is the transaction half of ``ClientSession``.  A transaction starts
lazily: ``start_transaction`` only takes a new transaction number, and the first command
of the session then carries ``startTransaction`` (and the transaction's read concern);
every command of the transaction carries ``txnNumber`` and ``autocommit: false`` and no
write concern of its own.  ``commitTransaction`` / ``abortTransaction`` go to ``admin``
with the transaction's write concern.  Errors carry the specification's labels:
``TransientTransactionError`` (the whole transaction may be retried) and
``UnknownTransactionCommitResult`` (the commit may be retried).

On a sharded cluster (MongoDB 4.2+) the first command of a transaction pins the session
to the mongos it went to: the rest of the transaction, and its commit and abort, go
there too, each with the last ``recoveryToken`` a reply of the transaction carried.  The
pin goes with a new transaction, an operation outside one, an error labelled
``TransientTransactionError``, a commit attempt whose outcome is unknown, and an abort.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Callable, MutableMapping, Optional, Tuple

from bson.son import SON
from mongofw.errors import (
    ConfigurationError,
    ConnectionFailure,
    InvalidOperation,
    NotMasterError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)
from mongofw.options.read_concern import ReadConcern
from mongofw.options.read_preferences import _ServerMode
from mongofw.options.write_concern import WriteConcern

# with_transaction gives up retrying after this long (the convenient API spec's 120 s).
WITH_TRANSACTION_TIMEOUT = 120
# Transactions need MongoDB 4.0 (wire version 7) on a replica set.
TRANSACTIONS_WIRE_VERSION = 7
_UNKNOWN_COMMIT = "UnknownTransactionCommitResult"
_TRANSIENT = "TransientTransactionError"
_RETRYABLE_WRITE = "RetryableWriteError"
# From MongoDB 4.4 (wire version 9) the server labels retryable errors itself.
SERVER_LABELS_WIRE_VERSION = 9
# Server error codes after which a commit is retried, and MaxTimeMSExpired (50), which
# never gets the unknown-commit label.
_RETRYABLE_CODES = frozenset({6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435,
                              13436})
_MAX_TIME_EXPIRED = 50


class TransactionOptions:
    """``TransactionOptions(read_concern=None, write_concern=None, read_preference=None,
    max_commit_time_ms=None)``; None means the session's client's setting."""

    def __init__(self, read_concern: Optional[ReadConcern] = None,
                 write_concern: Optional[WriteConcern] = None,
                 read_preference: Optional[_ServerMode] = None,
                 max_commit_time_ms: Optional[int] = None) -> None:
        if read_concern is not None and not isinstance(read_concern, ReadConcern):
            raise TypeError(f"read_concern must be an instance of "
                            f"pymongo.read_concern.ReadConcern, not {read_concern!r}")
        if write_concern is not None:
            if not isinstance(write_concern, WriteConcern):
                raise TypeError(f"write_concern must be an instance of "
                                f"pymongo.write_concern.WriteConcern, not {write_concern!r}")
            if not write_concern.acknowledged:
                raise ConfigurationError(f"transactions do not support unacknowledged "
                                         f"write concern: {write_concern!r}")
        if read_preference is not None and not isinstance(read_preference, _ServerMode):
            raise TypeError(f"{read_preference!r} is not valid for read_preference. See "
                            f"pymongo.read_preferences for valid options.")
        if max_commit_time_ms is not None and (isinstance(max_commit_time_ms, bool) or
                                               not isinstance(max_commit_time_ms, int)):
            raise TypeError("max_commit_time_ms must be an integer or None")
        self._read_concern = read_concern
        self._write_concern = write_concern
        self._read_preference = read_preference
        self._max_commit_time_ms = max_commit_time_ms

    @property
    def read_concern(self) -> Optional[ReadConcern]:
        """The :class:`~pymongo.read_concern.ReadConcern` of the transaction's reads,
        or ``None`` (the session's default, else the client's)."""
        return self._read_concern

    @property
    def write_concern(self) -> Optional[WriteConcern]:
        """The :class:`~pymongo.write_concern.WriteConcern` of the commit, or ``None``
        (the session's default, else the client's)."""
        return self._write_concern

    @property
    def read_preference(self) -> Optional[_ServerMode]:
        """The read preference of the transaction's reads, or ``None`` (the session's
        default, else the client's)."""
        return self._read_preference

    @property
    def max_commit_time_ms(self) -> Optional[int]:
        """The ``maxTimeMS`` of commitTransaction, or None."""
        return self._max_commit_time_ms


class TransactionState:
    """The states of a session's transaction (the transactions specification's)."""

    NONE, STARTING, IN_PROGRESS, COMMITTED, COMMITTED_EMPTY, ABORTED = range(6)
    NAMES = ("none", "starting", "in progress", "committed", "committed (empty)", "aborted")


class _Transaction:
    __slots__ = ("state", "options", "pinned", "recovery_token", "finishing")

    def __init__(self) -> None:
        self.state = TransactionState.NONE
        self.options: Optional[TransactionOptions] = None
        self.pinned: Optional[Tuple[str, Optional[int]]] = None  # the mongos' address
        self.recovery_token: Optional[Mapping[str, Any]] = None
        self.finishing = False  # commitTransaction / abortTransaction under way

    @property
    def state_name(self) -> str:
        return TransactionState.NAMES[self.state]

    @property
    def active(self) -> bool:
        return self.state in (TransactionState.STARTING, TransactionState.IN_PROGRESS)


def _retryable(exc: BaseException, wire_version: int) -> bool:
    """Whether a failed commit / abort is sent once more: after a network error (or a
    selection timeout), and after a server error that MongoDB 4.4+ (wire version 9)
    labelled RetryableWriteError or, before 4.4, whose code is a retryable one."""
    if not isinstance(exc, PyMongoError):
        return False
    if exc.has_error_label(_RETRYABLE_WRITE):
        return True
    if not isinstance(exc, (OperationFailure, NotMasterError)):
        return isinstance(exc, ConnectionFailure)
    if wire_version >= SERVER_LABELS_WIRE_VERSION:
        return False  # the server would have labelled it
    return isinstance(exc, NotMasterError) or getattr(exc, "code", None) in _RETRYABLE_CODES


class _Finish:
    """The context manager ``start_transaction`` returns: commit on success, else abort."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def __enter__(self) -> _Finish:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if not self._session.in_transaction:
            return
        if exc_type is None:
            self._session.commit_transaction()
        else:
            self._session.abort_transaction()


class Transactions:
    """The transaction methods of ``ClientSession`` (which provides ``_check_ended``,
    ``_server_session_now``, ``_operation_time`` and the client)."""

    _client: Any
    _options: Any

    def _init_transactions(self) -> None:
        self._transaction = _Transaction()

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction has started and not yet committed or aborted."""
        return self._transaction.active

    def start_transaction(self, read_concern: Optional[ReadConcern] = None,
                          write_concern: Optional[WriteConcern] = None,
                          read_preference: Optional[_ServerMode] = None,
                          max_commit_time_ms: Optional[int] = None) -> _Finish:
        """Start a multi-document transaction on this session (new in 3.7; MongoDB
        4.0+ replica sets, 4.2+ sharded clusters).

        The operations given ``session=this session`` until :meth:`commit_transaction`
        or :meth:`abort_transaction` belong to it.  The return value is a context
        manager: ``with session.start_transaction(): ...`` commits when the block ends
        and aborts when it raises.  Each option not given comes from the session's
        ``default_transaction_options``, else from the client.

        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern` for the
            transaction's reads; ``None`` (the default) takes the session's
            ``default_transaction_options``, else the client's.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern` for the
            commit (acknowledged); ``None`` takes the defaults likewise.
        :param read_preference: a read preference for the transaction's reads (MongoDB
            4.0 transactions read from the primary); ``None`` takes the defaults.
        :param max_commit_time_ms: the ``maxTimeMS`` of ``commitTransaction``, an
            ``int`` (new in 3.9); ``None`` takes the defaults.
        :returns: a context manager that commits on exit (aborts on an exception).
        :raises ~pymongo.errors.InvalidOperation: when a transaction is already in
            progress, in a snapshot session, or when the session has ended.
        :raises TypeError: when an option has the wrong type.
        :raises ~pymongo.errors.ConfigurationError: for an unacknowledged write
            concern.
        """
        self._check_ended()
        if self._options.snapshot:
            raise InvalidOperation("Transactions are not supported in snapshot sessions")
        if self.in_transaction:
            raise InvalidOperation("Transaction already in progress")
        defaults = self._options.default_transaction_options or TransactionOptions()
        client = self._client
        options = TransactionOptions(
            read_concern or defaults.read_concern or client.read_concern,
            write_concern or defaults.write_concern or client.write_concern,
            read_preference or defaults.read_preference or client.read_preference,
            max_commit_time_ms if max_commit_time_ms is not None
            else defaults.max_commit_time_ms)
        self._transaction.options = options
        self._transaction.state = TransactionState.STARTING
        self._transaction.pinned = None
        self._transaction.recovery_token = None
        self._server_session_now().next_transaction_id()
        return _Finish(self)

    def _pinned_address(self) -> Optional[Tuple[str, Optional[int]]]:
        """The mongos the next command must go to (None: any server); asked before
        selecting a server, so an operation outside a transaction unpins the session."""
        transaction = self._transaction
        if not (transaction.active or transaction.finishing):
            transaction.pinned = None
        return transaction.pinned

    def _selected(self, description: Any) -> None:
        """A server was selected for a command: a mongos pins a transaction to it."""
        if self.in_transaction and description.mongos:
            self._transaction.pinned = description.address

    def _unpin(self) -> None:
        self._transaction.pinned = None

    def _take_recovery_token(self, reply: Mapping[str, Any]) -> None:
        """Keep the recoveryToken of a sharded transaction's latest reply."""
        if self._transaction.state != TransactionState.NONE:
            token = reply.get("recoveryToken")
            if token is not None:
                self._transaction.recovery_token = token

    def _transaction_read_preference(self) -> Optional[_ServerMode]:
        """The read preference of the transaction in progress (None: not in one)."""
        if not self.in_transaction:
            return None
        return self._transaction.options.read_preference

    def _transaction_applies(self, command: MutableMapping[str, Any], name: str) -> bool:
        """Add the transaction fields to a command of the transaction; False outside one.

        A command outside a transaction after one committed or aborted ends that
        transaction's state: commit / abort then say no transaction started.
        """
        if name in ("commitTransaction", "abortTransaction"):
            return False
        if not self.in_transaction:
            self._transaction.state = TransactionState.NONE
            self._transaction.pinned = None
            return False
        command.pop("writeConcern", None)  # only commit and abort carry one
        command.pop("readConcern", None)
        command["txnNumber"] = self._server_session_now().transaction_id
        if self._transaction.state == TransactionState.STARTING:
            command["startTransaction"] = True
            concern = dict(self._transaction.options.read_concern.document)
            if self._options.causal_consistency and self._operation_time is not None:
                concern["afterClusterTime"] = self._operation_time
            if concern:
                command["readConcern"] = concern
            self._transaction.state = TransactionState.IN_PROGRESS
        command["autocommit"] = False
        return True

    def commit_transaction(self) -> None:
        """Commit the transaction (again, after a commit whose outcome was unknown)."""
        self._check_ended()
        state = self._transaction.state
        if state == TransactionState.NONE:
            raise InvalidOperation("No transaction started")
        if state == TransactionState.ABORTED:
            raise InvalidOperation("Cannot call commitTransaction after calling "
                                   "abortTransaction")
        if state in (TransactionState.STARTING, TransactionState.COMMITTED_EMPTY):
            # Nothing ran: nothing to commit on the server.
            self._transaction.state = TransactionState.COMMITTED_EMPTY
            return
        retrying = state == TransactionState.COMMITTED
        self._transaction.state = TransactionState.COMMITTED
        try:
            self._finish("commitTransaction", retrying)
        except PyMongoError as exc:
            if _unknown_commit(exc):
                exc._add_error_label(_UNKNOWN_COMMIT)
            raise

    def abort_transaction(self) -> None:
        """Abort the transaction; the server's answer to the abort is not an error."""
        self._check_ended()
        state = self._transaction.state
        if state == TransactionState.NONE:
            raise InvalidOperation("No transaction started")
        if state == TransactionState.ABORTED:
            raise InvalidOperation("Cannot call abortTransaction twice")
        if state in (TransactionState.COMMITTED, TransactionState.COMMITTED_EMPTY):
            raise InvalidOperation("Cannot call abortTransaction after calling "
                                   "commitTransaction")
        self._transaction.state = TransactionState.ABORTED
        try:
            if state != TransactionState.STARTING:
                self._finish("abortTransaction", False)
        except PyMongoError:
            pass  # the specification: abort errors are ignored
        finally:
            self._unpin()  # whatever the outcome

    def _finish(self, name: str, retrying: bool) -> Mapping[str, Any]:
        """Run commitTransaction / abortTransaction, once more on a retryable error."""
        self._transaction.finishing = True
        try:
            return self._finish_attempts(name, retrying)
        finally:
            self._transaction.finishing = False

    def _finish_attempts(self, name: str, retrying: bool) -> Mapping[str, Any]:
        transaction = self._transaction
        options = transaction.options
        write_concern = options.write_concern
        for attempt in (0, 1):
            command = SON([(name, 1)])
            concern = dict(write_concern.document)
            if name == "commitTransaction":
                if retrying or attempt:
                    # A commit sent again must not be satisfied by a lesser concern.
                    concern["w"] = "majority"
                    concern.setdefault("wtimeout", 10000)
                if options.max_commit_time_ms is not None:
                    command["maxTimeMS"] = options.max_commit_time_ms
            if concern:
                command["writeConcern"] = concern
            command["txnNumber"] = self._server_session_now().transaction_id
            command["autocommit"] = False
            if transaction.recovery_token is not None:
                command["recoveryToken"] = transaction.recovery_token
            wire_version = 0
            try:
                with self._client._socket_for_writes(session=self) as sock_info:
                    wire_version = sock_info.max_wire_version
                    return sock_info.command("admin", command, session=self,
                                             parse_write_concern_error=True)
            except PyMongoError as exc:
                retryable = _retryable(exc, wire_version)
                if retryable and not isinstance(exc, ServerSelectionTimeoutError):
                    # The retryable writes specification: commit and abort are retryable
                    # writes, and the driver labels network (and pre-4.4) errors itself.
                    exc._add_error_label(_RETRYABLE_WRITE)
                if name == "abortTransaction" or exc.has_error_label(_TRANSIENT) or \
                        _unknown_commit(exc):
                    self._unpin()  # the retry (or the next try) selects a mongos anew
                if attempt or not retryable:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def with_transaction(self, callback: Callable[[Any], Any],
                         read_concern: Optional[ReadConcern] = None,
                         write_concern: Optional[WriteConcern] = None,
                         read_preference: Optional[_ServerMode] = None,
                         max_commit_time_ms: Optional[int] = None) -> Any:
        """Run ``callback`` in a transaction and commit it, retrying on transient
        errors (new in 3.9).

        Starts a transaction, calls ``callback(session)`` and commits.  When the
        callback or the commit fails with an error labelled
        ``TransientTransactionError``, the whole transaction runs again; a commit
        labelled ``UnknownTransactionCommitResult`` is retried alone.  Retries stop
        after 120 seconds.  The callback may run several times, so it must be safe to
        repeat, and should pass ``session`` to every operation.  If it commits or
        aborts by itself, nothing more is done.

        :param callback: a function taking the session; its return value is returned.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern` for the
            transaction's reads; ``None`` (the default) takes the session's
            ``default_transaction_options``, else the client's.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern` for the
            commit (acknowledged); ``None`` takes the defaults likewise.
        :param read_preference: a read preference for the transaction's reads (MongoDB
            4.0 transactions read from the primary); ``None`` takes the defaults.
        :param max_commit_time_ms: the ``maxTimeMS`` of ``commitTransaction``, an
            ``int`` (new in 3.9); ``None`` takes the defaults.
        :returns: what ``callback`` returned.
        :raises: the callback's exception (after aborting), or the last error of the
            commit when the retries are over.
        :raises ~pymongo.errors.InvalidOperation: as for :meth:`start_transaction`.
        """
        start = time.monotonic()

        def within_limit() -> bool:
            return time.monotonic() - start < WITH_TRANSACTION_TIMEOUT

        while True:
            self.start_transaction(read_concern, write_concern, read_preference,
                                   max_commit_time_ms)
            try:
                result = callback(self)
            except Exception as exc:
                if self.in_transaction:
                    self.abort_transaction()
                if isinstance(exc, PyMongoError) and exc.has_error_label(_TRANSIENT) and \
                        within_limit():
                    continue
                raise
            if not self.in_transaction:
                return result  # the callback committed or aborted itself
            while True:
                try:
                    self.commit_transaction()
                except PyMongoError as exc:
                    if exc.has_error_label(_UNKNOWN_COMMIT) and within_limit() and \
                            getattr(exc, "code", None) != _MAX_TIME_EXPIRED:
                        continue
                    if exc.has_error_label(_TRANSIENT) and within_limit():
                        break
                    raise
                return result



def _unknown_commit(exc: PyMongoError) -> bool:
    """Whether a failed commit may have committed after all (it may be retried)."""
    if isinstance(exc, (ConnectionFailure, WTimeoutError)) and \
            not isinstance(exc, OperationFailure):
        return True
    code = getattr(exc, "code", None)
    if code == _MAX_TIME_EXPIRED or isinstance(exc, WTimeoutError):
        return True
    details = getattr(exc, "details", None) or {}
    if isinstance(details, Mapping) and "writeConcernError" in details:
        return True
    return code in _RETRYABLE_CODES


def add_transient_label(session: Any, exc: BaseException) -> None:
    """A network or selection error inside a transaction makes it transient; a transient
    error unpins the session from its mongos."""
    if session is None or not session.in_transaction or not isinstance(exc, PyMongoError):
        return
    if isinstance(exc, ConnectionFailure) and not isinstance(exc, OperationFailure):
        exc._add_error_label(_TRANSIENT)
    if exc.has_error_label(_TRANSIENT):
        session._unpin()


__all__ = ["TransactionOptions", "TransactionState", "Transactions", "add_transient_label"]
