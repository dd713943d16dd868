"""The exception hierarchy the driver raises (documented as ``pymongo.errors``).

Server replies go in ``details``; messages never carry credentials.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable, Optional

from bson.errors import InvalidDocument


class PyMongoError(Exception):
    """Base class for all driver exceptions.

    :param message: the error message (``str``, default empty).
    :param error_labels: labels such as ``"TransientTransactionError"`` or
        ``"RetryableWriteError"`` attached to the error (an iterable of ``str``;
        default none; new in 3.7).
    """

    def __init__(self, message: str = "", error_labels: Optional[Iterable[str]] = None) -> None:
        super().__init__(message)
        self._message = message
        self._error_labels = set(error_labels or ())

    def has_error_label(self, label: str) -> bool:
        """Whether the server (or driver) attached ``label`` to this error."""
        return label in self._error_labels

    @property
    def error_labels(self) -> frozenset:
        """The labels attached to this error, as a ``frozenset`` of ``str`` (see
        :meth:`has_error_label`)."""
        return frozenset(self._error_labels)

    def _add_error_label(self, label: str) -> None:
        self._error_labels.add(label)

    def _remove_error_label(self, label: str) -> None:
        self._error_labels.discard(label)


class ProtocolError(PyMongoError):
    """A failure of the wire protocol: malformed, truncated or unexpected replies."""


class ConnectionFailure(PyMongoError):
    """A connection to the database cannot be made or is lost."""


class AutoReconnect(ConnectionFailure):
    """The connection was lost; a later operation will reconnect.

    Catch it to retry an operation that may or may not have been applied.

    :param message: the error message.
    :param errors: the server's error document (its ``errorLabels`` become
        :attr:`~PyMongoError.error_labels`), or a list or mapping of per-server errors
        when several failed; ``None`` (the default) becomes ``[]``.  Also available as
        ``errors`` and ``details``.
    """

    def __init__(self, message: str = "", errors: Any = None) -> None:
        labels = ()
        if isinstance(errors, Mapping):
            labels = errors.get("errorLabels", ())
        super().__init__(message, labels)
        self.errors = self.details = errors if errors is not None else []


class NetworkTimeout(AutoReconnect):
    """An operation on an open connection exceeded socketTimeoutMS."""


class NotMasterError(AutoReconnect):
    """The server answered "not master" or "node is recovering"."""


NotPrimaryError = NotMasterError
"""PyMongo 3.12's name for :class:`NotMasterError` (the same class)."""


class ServerSelectionTimeoutError(AutoReconnect):
    """No server suitable for the operation was found within serverSelectionTimeoutMS."""


class ConfigurationError(PyMongoError):
    """Something is incorrectly configured."""


class InvalidURI(ConfigurationError):
    """A MongoDB URI could not be parsed."""


class OperationFailure(PyMongoError):
    """A database operation failed on the server.

    :param error: the error message (the server's ``errmsg``).
    :param code: the server's error code (an ``int``), or None.
    :param details: the server's whole reply document, or None; its ``errorLabels``
        become :attr:`~PyMongoError.error_labels`.
    :param max_wire_version: the wire version of the server that answered, or None
        (not in 3.4's signature; 3.13 has it): servers from 4.4, wire version 9, label
        their retryable errors themselves.
    """

    def __init__(self, error: str, code: Optional[int] = None,
                 details: Optional[Mapping[str, Any]] = None,
                 max_wire_version: Optional[int] = None) -> None:
        labels = ()
        if details and isinstance(details, Mapping):
            labels = details.get("errorLabels", ())
        super().__init__(error, labels)
        self.__code = code
        self.__details = details
        # The wire version of the server that answered (3.11): from 4.4 on it labels its
        # retryable errors itself.
        self._max_wire_version = max_wire_version

    @property
    def code(self) -> Optional[int]:
        """The error code returned by the server, if any."""
        return self.__code

    @property
    def details(self) -> Optional[Mapping[str, Any]]:
        """The complete error document returned by the server."""
        return self.__details


class CursorNotFound(OperationFailure):
    """The server no longer knows the cursor being iterated."""


class ExecutionTimeout(OperationFailure):
    """The operation exceeded its maxTimeMS (server code 50)."""


class WriteConcernError(OperationFailure):
    """The write concern could not be satisfied."""


class WriteError(OperationFailure):
    """A single write failed."""


class WTimeoutError(WriteConcernError):
    """The write concern timed out (wtimeout)."""


class DuplicateKeyError(WriteError):
    """An insert or update hit a unique index (code 11000 family)."""


class BulkWriteError(OperationFailure):
    """A bulk write had errors (code 65).

    :param results: the bulk API result document, available as ``details``: the
        counts, plus ``writeErrors`` and ``writeConcernErrors`` lists.
    """

    def __init__(self, results: Mapping[str, Any]) -> None:
        super().__init__("batch op errors occurred", 65, results)


class InvalidOperation(PyMongoError):
    """The client attempted an operation that is not valid in its state."""


class InvalidName(PyMongoError):
    """An invalid database or collection name was used."""


class CollectionInvalid(PyMongoError):
    """Collection validation (or creation of an existing collection) failed."""


class ExceededMaxWaiters(Exception):
    """More threads waited for a pooled connection than waitQueueMultiple allows.

    An Exception, not a PyMongoError, as in PyMongo 3.4.
    """


class DocumentTooLarge(InvalidDocument):
    """An encoded document is larger than the connected server accepts."""


__all__ = [name for name, value in list(globals().items())
           if isinstance(value, type) and issubclass(value, Exception)]
