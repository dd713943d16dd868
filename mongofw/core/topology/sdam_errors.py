"""The SDAM rules for errors that operations (not monitors) see, as pure functions.

:func:`handle_application_error` returns what the Topology must do: the new topology
description, whether to clear the server's pool and whether to check it at once.
"""
from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any, Optional, Tuple

import attrs

from mongofw.core.topology.server_description import (
    Address,
    ServerDescription,
    topology_version_key,
)
from mongofw.core.topology.topology_description import (
    TopologyDescription,
    updated_topology_description,
)
from mongofw.core.wire.network import format_address
from mongofw.core.wire.wire_versions import WIRE_VERSION_4_2
from mongofw.errors import NotMasterError

# Server error codes meaning "this server is no longer primary" / "is recovering".
_NOT_PRIMARY_CODES = frozenset({10107, 13435, 10058})
_RECOVERING_CODES = frozenset({11600, 11602, 13436, 189, 91})
# Shutting down: the server's connections are going away, so the pool is cleared.
_SHUTDOWN_CODES = frozenset({11600, 91})


@attrs.frozen
class ApplicationError:
    """An error an operation (not a monitor) saw on a connection to ``address``.

    ``kind`` is ``"network"``, ``"timeout"`` or ``"command"`` (a reply with an error,
    in ``reply``); ``generation`` is the pool generation the connection was made in.
    """

    address: Address
    kind: str = attrs.field(validator=attrs.validators.in_(("network", "timeout", "command")))
    completed_handshake: bool = True
    max_wire_version: Optional[int] = None
    generation: Optional[int] = None
    reply: Optional[Mapping[str, Any]] = None
    error: Optional[BaseException] = None


@attrs.frozen
class ErrorOutcome:
    """What the Topology must do about an application error."""

    description: TopologyDescription
    clear_pool: bool = False
    request_check: bool = False


def _state_change_code(reply: Mapping[str, Any]) -> Tuple[bool, Optional[int]]:
    """Whether ``reply`` says "not primary" / "node is recovering", and its code."""
    if reply.get("ok", 0) and "writeConcernError" in reply:
        reply = reply["writeConcernError"] or {}
    elif reply.get("ok", 0):
        return False, None  # writeErrors and other per-document errors say nothing.
    code = reply.get("code")
    if code is not None:
        return code in _NOT_PRIMARY_CODES or code in _RECOVERING_CODES, code
    # Servers before 3.6 sent no code: the spec falls back to the message text.
    message = str(reply.get("errmsg", ""))
    return "not master" in message or "node is recovering" in message, None


def handle_application_error(topology_description: TopologyDescription,
                             error: ApplicationError, pool_generation: int) -> ErrorOutcome:
    """Apply the SDAM error-handling rules to ``error`` (pure: returns what to do).

    Errors from connections of an older pool generation, network timeouts and
    command errors that are not state changes leave everything as it was. Network
    errors mark the server Unknown and clear its pool; "not primary" / "node is
    recovering" mark it Unknown (unless the reply's topologyVersion is not newer than
    the one held) and ask for an immediate check.
    """
    td = topology_description
    current = td.server_descriptions().get(error.address)
    unchanged = ErrorOutcome(td)
    if current is None:
        return unchanged
    if error.generation is not None and error.generation < pool_generation:
        return unchanged
    if error.kind == "timeout":
        return unchanged
    if error.kind == "network":
        failure = error.error or NotMasterError(
            f"network error on {format_address(error.address)}")
        new_td = updated_topology_description(td, ServerDescription(error.address,
                                                                    error=failure))
        return ErrorOutcome(new_td, clear_pool=True)
    reply = error.reply or {}
    is_state_change, code = _state_change_code(reply)
    if not is_state_change:
        return unchanged
    version = reply.get("topologyVersion")
    held = topology_version_key(current.topology_version)
    seen = topology_version_key(version)
    if held is not None and seen is not None and held[0] == seen[0] and seen[1] <= held[1]:
        return unchanged  # the server already told us about this (or a later) state.
    failure = error.error or NotMasterError(str(reply.get("errmsg", "not primary")), reply)
    new_td = updated_topology_description(
        td, ServerDescription(error.address, error=failure, topology_version=version))
    wire = error.max_wire_version if error.max_wire_version is not None \
        else current.max_wire_version
    # From 4.2 on a "not primary" error leaves the server's other connections usable.
    clear = wire < WIRE_VERSION_4_2 or code in _SHUTDOWN_CODES
    return ErrorOutcome(new_td, clear_pool=clear, request_check=True)


def application_error_from_exception(address: Address, exc: BaseException,
                                     completed_handshake: bool = True,
                                     max_wire_version: Optional[int] = None,
                                     generation: Optional[int] = None) -> ApplicationError:
    """Classify an exception raised by an operation for :func:`handle_application_error`."""
    from mongofw.errors import ConnectionFailure, NetworkTimeout, OperationFailure

    def make(kind: str, reply: Optional[Mapping[str, Any]] = None) -> ApplicationError:
        return ApplicationError(address, kind, completed_handshake, max_wire_version,
                                generation, reply, exc)

    # socket.timeout is only an alias of TimeoutError from Python 3.10 on.
    if isinstance(exc, (NetworkTimeout, TimeoutError, socket.timeout)):
        return make("timeout")
    details = getattr(exc, "details", None)
    if isinstance(exc, NotMasterError):
        reply = details if isinstance(details, Mapping) and details else \
            {"ok": 0, "errmsg": str(exc)}
        return make("command", reply)
    if isinstance(exc, OperationFailure):
        reply = dict(details) if isinstance(details, Mapping) else {"ok": 0}
        reply.setdefault("ok", 0)
        if exc.code is not None:
            reply.setdefault("code", exc.code)
        reply.setdefault("errmsg", str(exc))
        return make("command", reply)
    if isinstance(exc, (ConnectionFailure, OSError)):
        return make("network")
    return make("command", {"ok": 0, "errmsg": str(exc)})
