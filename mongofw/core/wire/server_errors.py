"""Turning a server's error reply into the documented exception, and back for events."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Container, Iterable, Optional

from mongofw.errors import (
    CursorNotFound,
    DuplicateKeyError,
    ExecutionTimeout,
    NotMasterError,
    OperationFailure,
    WriteConcernError,
    WriteError,
    WTimeoutError,
)

# Server error codes that mean "this server is not (or no longer) a usable primary".
NOT_MASTER_CODES = frozenset({10107, 13435, 13436, 11600, 11602, 189, 91, 10058})
DUPLICATE_KEY_CODES = frozenset({11000, 11001, 12582})
EXECUTION_TIMEOUT = 50
CURSOR_NOT_FOUND = 43
WRITE_CONCERN_TIMEOUT_CODES = frozenset({64})


def _message(reply: Mapping[str, Any]) -> str:
    return str(reply.get("errmsg") or reply.get("$err") or reply.get("err") or "unknown error")


def check_command_response(reply: Mapping[str, Any], allowable_errors: Optional[Container] = None,
                           parse_write_concern_error: bool = False) -> None:
    """Raise the exception a failed command reply calls for; return when it succeeded."""
    if parse_write_concern_error and "writeConcernError" in reply:
        raise_write_concern_error(reply["writeConcernError"], reply.get("errorLabels"))
    if reply.get("ok", 0) and "$err" not in reply:
        return
    message = _message(reply)
    code = reply.get("code")
    if allowable_errors and (message in allowable_errors or code in allowable_errors):
        return
    if code in NOT_MASTER_CODES or message.startswith(("not master", "node is recovering")):
        raise NotMasterError(message, reply)
    if code == EXECUTION_TIMEOUT:
        raise ExecutionTimeout(message, code, reply)
    if code == CURSOR_NOT_FOUND:
        raise CursorNotFound(message, code, reply)
    if code in DUPLICATE_KEY_CODES:
        raise DuplicateKeyError(message, code, reply)
    raise OperationFailure(message, code, reply)


def raise_write_concern_error(error: Mapping[str, Any],
                              labels: Optional[Iterable[str]] = None) -> None:
    """Raise for a ``writeConcernError`` document, which becomes the exception's ``details``.

    ``labels``: the ``errorLabels`` of the reply the document came in (the server puts
    them beside ``writeConcernError``, not in it); the exception carries them.
    """
    code = error.get("code")
    message = str(error.get("errmsg", "write concern error"))
    if code in WRITE_CONCERN_TIMEOUT_CODES or (error.get("errInfo") or {}).get("wtimeout"):
        exc: WriteConcernError = WTimeoutError(message, code, error)
    else:
        exc = WriteConcernError(message, code, error)
    for label in labels or ():
        exc._add_error_label(label)
    raise exc


def raise_write_error(error: Mapping[str, Any]) -> None:
    """Raise for the first ``writeErrors`` entry of a single-document write."""
    code = error.get("code")
    message = str(error.get("errmsg", "write error"))
    if code in DUPLICATE_KEY_CODES:
        raise DuplicateKeyError(message, code, error)
    raise WriteError(message, code, error)


def failure_document(error: BaseException) -> Mapping[str, Any]:
    """The ``failure`` of a :class:`CommandFailedEvent` for ``error``.

    A server error keeps the server's reply (``details``); anything else (a network error,
    a reply that does not decode, a document too large) becomes an ``errmsg``/``errtype``
    document, so every started command ends in one event whatever went wrong.
    """
    details = getattr(error, "details", None)
    if isinstance(details, Mapping) and details:
        return details
    return {"errmsg": str(error), "errtype": type(error).__name__, "ok": 0}
