"""PLAIN (RFC 4616): the user name and password sent as they are, for LDAP proxy auth.

The password travels in the clear inside the command, so use it over TLS only; the
command is redacted from monitoring events like every other ``saslStart``.
"""
from __future__ import annotations

from typing import Any

from mongofw.auth.conversation import auth_failure, sasl_start
from mongofw.errors import ConfigurationError


def plain_message(username: str, password: str) -> bytes:
    """authzid NUL authcid NUL passwd, with an empty authzid (act as ``username``)."""
    return b"\x00" + username.encode("utf-8") + b"\x00" + password.encode("utf-8")


def authenticate_plain(credentials: Any, sock_info: Any) -> None:
    """One ``saslStart`` carrying the whole PLAIN message; the server says ``done``."""
    if not credentials.username or credentials.password is None:
        raise ConfigurationError("PLAIN needs a username and a password")
    reply = sasl_start(sock_info, credentials.source, "PLAIN",
                       plain_message(credentials.username, credentials.password),
                       autoAuthorize=1)
    if not reply.get("done", True):
        raise auth_failure("the server expected more PLAIN steps than the one RFC 4616 "
                           "defines", reply)


__all__ = ["authenticate_plain", "plain_message"]
