"""MONGODB-CR: the challenge-response of MongoDB before 3.0 (``getnonce`` + MD5 key).

Kept for old servers; MongoDB 4.0 removed it.  The password itself never leaves the
client: only MD5 digests of it, salted with the server's nonce.
"""
from __future__ import annotations

import hashlib
from typing import Any

from bson.son import SON
from mongofw.auth.conversation import auth_failure
from mongofw.errors import ConfigurationError


def password_digest(username: str, password: str) -> str:
    """hex(MD5("user:mongo:password")), the form MongoDB stores legacy passwords in."""
    return hashlib.md5(f"{username}:mongo:{password}".encode()).hexdigest()


def auth_key(nonce: str, username: str, password: str) -> str:
    """hex(MD5(nonce + user + password_digest)), the proof the server checks."""
    text = f"{nonce}{username}{password_digest(username, password)}"
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def authenticate_mongodb_cr(credentials: Any, sock_info: Any) -> None:
    """``getnonce``, then ``authenticate`` with the keyed digest."""
    if not credentials.username or credentials.password is None:
        raise ConfigurationError("MONGODB-CR needs a username and a password")
    source = credentials.source
    reply = sock_info.command(source, {"getnonce": 1})
    nonce = reply.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise auth_failure("the server's getnonce reply carries no nonce", reply)
    command = SON([("authenticate", 1), ("user", credentials.username), ("nonce", nonce),
                   ("key", auth_key(nonce, credentials.username, credentials.password))])
    sock_info.command(source, command)


__all__ = ["authenticate_mongodb_cr", "auth_key", "password_digest"]
