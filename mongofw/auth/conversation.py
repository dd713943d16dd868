"""What every mechanism's conversation shares: SASL commands, failure handling, time limits.

A mechanism's ``authenticate(credentials, sock_info)`` is wrapped by :func:`conversation`:
the connection is closed when the conversation fails (a half-finished SASL exchange
leaves it in an unknown state, and the pool then drops it) and every reply is awaited
for at most the pool's connect timeout when the socket has no timeout of its own.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, Optional

from bson.binary import Binary
from bson.son import SON
from mongofw.errors import ConfigurationError, OperationFailure

Authenticate = Callable[[Any, Any], None]

# SCRAM needs two round trips and at most one empty one; GSSAPI a handful more. A server
# that keeps answering "not done" past this is broken, and we stop rather than loop.
MAX_SASL_STEPS = 10


def auth_failure(message: str, reply: Optional[Mapping[str, Any]] = None) -> OperationFailure:
    """An ``OperationFailure`` for a conversation the client itself refuses to go on with.

    Only the server's ``code`` / ``codeName`` travel along: a SASL reply's payload is
    secret material and stays out of the exception.
    """
    details = {"ok": 0, "errmsg": message}
    if reply is not None:
        details.update({key: reply[key] for key in ("code", "codeName") if key in reply})
    return OperationFailure(message, details.get("code"), details)


def _cap_timeout(sock_info: Any) -> bool:
    """Cap an unlimited socket timeout at connectTimeoutMS; whether it was changed."""
    sock = getattr(sock_info, "sock", None)
    if sock is None or not hasattr(sock, "gettimeout") or sock.gettimeout() is not None:
        return False
    connect_timeout = getattr(getattr(getattr(sock_info, "pool", None), "opts", None),
                              "connect_timeout", None)
    # Authentication is part of opening the connection: with socketTimeoutMS unset a
    # silent server would otherwise block this thread forever.
    if not connect_timeout:
        return False
    sock.settimeout(connect_timeout)
    return True


def conversation(authenticate: Authenticate) -> Authenticate:
    """Wrap a mechanism's ``authenticate`` with the shared failure and timeout rules."""

    @functools.wraps(authenticate)
    def run(credentials: Any, sock_info: Any) -> None:
        capped = _cap_timeout(sock_info)
        try:
            authenticate(credentials, sock_info)
        except BaseException:
            sock_info.close()
            raise
        if capped:
            sock_info.sock.settimeout(None)

    return run


def sasl_start(sock_info: Any, source: str, mechanism: str, payload: bytes,
               **extra: Any) -> Mapping[str, Any]:
    """Send ``saslStart`` and return the reply (``OperationFailure`` on ``ok: 0``)."""
    command = SON([("saslStart", 1), ("mechanism", mechanism), ("payload", Binary(payload))])
    command.update(extra)
    return sock_info.command(source, command)


def sasl_continue(sock_info: Any, source: str, reply: Mapping[str, Any],
                  payload: bytes) -> Mapping[str, Any]:
    """Send the next ``saslContinue`` of the conversation ``reply`` belongs to."""
    if "conversationId" not in reply:
        raise auth_failure("the server's SASL reply has no conversationId", reply)
    command = SON([("saslContinue", 1), ("conversationId", reply["conversationId"]),
                   ("payload", Binary(payload))])
    return sock_info.command(source, command)


def payload_of(reply: Mapping[str, Any]) -> bytes:
    """The reply's SASL payload as bytes (servers send BSON binary)."""
    payload = reply.get("payload", b"")
    if isinstance(payload, str):
        # A server that sends the payload as a string (old FerretDB) means the same bytes.
        return payload.encode("utf-8")
    return bytes(payload)


def require_module(module_name: str, mechanism: str, install_hint: str) -> Any:
    """Import an optional binding, or say exactly what to install to get it."""
    import importlib

    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigurationError(
            f"authMechanism {mechanism} needs the {module_name!r} module, which could not be "
            f"imported ({exc}); install it with: {install_hint}") from None


__all__ = ["conversation", "sasl_start", "sasl_continue", "payload_of", "auth_failure",
           "require_module", "MAX_SASL_STEPS"]
