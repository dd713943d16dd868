"""Scripted servers for auth conversations over the wire peer, and a pool to drive them.

``ScramServer`` plays the server side of SCRAM from the RFC formulas (stored key and
server key from a known password), with switches to misbehave in one way at a time.
"""
from __future__ import annotations

import base64
import os
from typing import Any, Callable, Dict, List, Mapping, Optional

from bson.binary import Binary
from mongofw.auth import scram
from mongofw.auth.default_plugin import mechanisms
from mongofw.core.pool import Pool, PoolOptions
from tests.support.wire_peer import hello_reply

AUTH_FAILED = {"ok": 0.0, "errmsg": "Authentication failed.", "code": 18,
               "codeName": "AuthenticationFailed"}


def registry() -> Dict[str, Any]:
    return {m.name: m for m in mechanisms()}


def authenticator(extra: Optional[Dict[str, Any]] = None) -> Callable[[Any, Any], None]:
    """What the client builds from the registry: look the mechanism up, run it."""
    table = {**registry(), **(extra or {})}

    def run(credentials: Any, sock_info: Any) -> None:
        table[credentials.mechanism].authenticate(credentials, sock_info)

    return run


def make_pool(peer: Any, extra: Optional[Dict[str, Any]] = None, publisher: Any = None,
              **options: Any) -> Pool:
    options.setdefault("connect_timeout", 2.0)
    return Pool(peer.address, PoolOptions(**options), publisher, authenticator(extra))


class ScramServer:
    """A wire-peer handler that knows one user's password and speaks SCRAM."""

    def __init__(self, username: str, password: str, mechanism: str = "SCRAM-SHA-256",
                 iterations: int = 4096, hello: Optional[Mapping[str, Any]] = None,
                 **faults: Any) -> None:
        self.variant = scram.VARIANTS[mechanism]
        self.username = username
        self.salt = os.urandom(16)
        self.iterations = iterations
        prepared = self.variant.prepare_password(username, password)
        salted = scram.salted_password(self.variant, prepared, self.salt, iterations)
        self.client_key, self.server_key = scram.derive_keys(self.variant, salted)
        self.hello = dict(hello or hello_reply())
        # bad_nonce, bad_signature, server_error, never_done, extra_step, drop_m
        self.faults = faults
        self.conversations: Dict[int, Dict[str, bytes]] = {}
        self.logins = 0
        self.commands: List[str] = []

    def __call__(self, name: str, command: Mapping[str, Any]) -> Any:
        self.commands.append(name)
        if name in ("isMaster", "ismaster", "hello"):
            return self.hello
        if name == "saslStart":
            return self._start(command)
        if name == "saslContinue":
            return self._continue(command)
        if name == "ping":
            return {"ok": 1.0}
        return {"ok": 0.0, "errmsg": f"no such command {name}", "code": 59}

    def _start(self, command: Mapping[str, Any]) -> Any:
        if command["mechanism"] != self.variant.mechanism:
            return {"ok": 0.0, "errmsg": "mechanism unavailable", "code": 334}
        first = bytes(command["payload"])
        assert first.startswith(b"n,,")
        bare = first[3:]
        attrs = scram.parse_attributes(bare)
        nonce = attrs["r"]
        server_nonce = "" if self.faults.get("bad_nonce") else base64.b64encode(
            os.urandom(18)).decode()
        server_first = (f"r={'X' * 24 if self.faults.get('bad_nonce') else nonce}"
                        f"{server_nonce},s={base64.b64encode(self.salt).decode()},"
                        f"i={self.iterations}")
        if self.faults.get("mandatory_extension"):
            server_first = "m=ext," + server_first
        cid = len(self.conversations) + 1
        self.conversations[cid] = {"bare": bare, "first": server_first.encode(),
                                   "user": attrs["n"].encode()}
        return {"ok": 1.0, "conversationId": cid, "done": False,
                "payload": Binary(server_first.encode())}

    def _continue(self, command: Mapping[str, Any]) -> Any:
        state = self.conversations[command["conversationId"]]
        payload = bytes(command["payload"])
        if state.get("finished"):
            state["extra"] = state.get("extra", 0) + 1
            done = not self.faults.get("never_done")
            return {"ok": 1.0, "conversationId": command["conversationId"], "done": done,
                    "payload": Binary(b"")}
        if state["user"].decode() != scram.escape_username(self.username):
            return AUTH_FAILED
        without_proof, _, proof = payload.rpartition(b",p=")
        auth_message = b",".join((state["bare"], state["first"], without_proof))
        stored_key = self.variant.hash(self.client_key)
        signature = self.variant.hmac(stored_key, auth_message)
        recovered = bytes(a ^ b for a, b in zip(base64.b64decode(proof), signature))
        if self.variant.hash(recovered) != stored_key:
            return AUTH_FAILED
        state["finished"] = b"1"
        self.logins += 1
        if self.faults.get("server_error"):
            final = b"e=other-error"
        elif self.faults.get("bad_signature"):
            final = b"v=" + base64.b64encode(b"\x00" * len(self.server_key))
        else:
            final = b"v=" + base64.b64encode(
                scram.server_signature(self.variant, self.server_key, auth_message))
        done = not (self.faults.get("extra_step") or self.faults.get("never_done"))
        return {"ok": 1.0, "conversationId": command["conversationId"], "done": done,
                "payload": Binary(final)}
