"""DEFAULT: the mechanism negotiated with the server, as the authentication spec orders.

The client's handshake asks for ``saslSupportedMechs: "<source>.<user>"``; the server
answers with the mechanisms that user has.  SCRAM-SHA-256 when listed; otherwise
SCRAM-SHA-1 (also when the list is empty: the server then fails the login with its usual
"Authentication failed"); without the field, SCRAM-SHA-1 from wire version 3 (MongoDB 3.0)
on and MONGODB-CR before.
"""
from __future__ import annotations

from typing import Any

from mongofw.auth.mongodb_cr import authenticate_mongodb_cr
from mongofw.auth.scram import authenticate_scram

# MongoDB 3.0, the first server with SCRAM-SHA-1.
SCRAM_SHA_1_WIRE_VERSION = 3


def negotiate_mechanism(sock_info: Any) -> str:
    """The mechanism DEFAULT means on this connection, from its handshake reply."""
    offered = sock_info.ismaster.get("saslSupportedMechs")
    if offered is not None:
        return "SCRAM-SHA-256" if "SCRAM-SHA-256" in offered else "SCRAM-SHA-1"
    if sock_info.max_wire_version >= SCRAM_SHA_1_WIRE_VERSION:
        return "SCRAM-SHA-1"
    return "MONGODB-CR"


def authenticate_default(credentials: Any, sock_info: Any) -> None:
    """Log in with the negotiated mechanism."""
    mechanism = negotiate_mechanism(sock_info)
    if mechanism == "MONGODB-CR":
        authenticate_mongodb_cr(credentials, sock_info)
    else:
        authenticate_scram(credentials, sock_info, mechanism)


__all__ = ["authenticate_default", "negotiate_mechanism"]
