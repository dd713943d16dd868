"""SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802 / RFC 7677) as MongoDB speaks them.

The pure steps (message formatting and parsing, key derivation, proofs) are separate
functions so they can be checked against the RFC test vectors; :func:`authenticate_scram`
runs them over ``saslStart`` / ``saslContinue``.  The derived ClientKey and ServerKey are
cached per pool under (mechanism, user, source, salt, iterations), guarded by a keyed tag
of the password, so a new connection skips the deliberately slow PBKDF2 step and a wrong
password never reuses a right one's keys.  The plain password is never stored.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any, Dict, Mapping, Optional, Tuple

import attrs

from mongofw.auth.conversation import (
    MAX_SASL_STEPS,
    auth_failure,
    payload_of,
    sasl_continue,
    sasl_start,
)
from mongofw.auth.saslprep import saslprep
from mongofw.errors import ConfigurationError

# The MongoDB authentication spec's floor; fewer iterations make stolen keys cheap.
MIN_ITERATIONS = 4096
# Random per process: the cache tags passwords with it, so a tag is useless elsewhere.
_TAG_KEY = os.urandom(32)
_GS2_HEADER = b"n,,"


@attrs.frozen
class ScramVariant:
    """One SCRAM family member: its SASL name, hash, and how the password is prepared."""

    mechanism: str
    digest: str

    def prepare_password(self, username: str, password: str) -> bytes:
        """The octets fed to Hi(): SASLprep'd for SHA-256, MongoDB's MD5 digest for SHA-1."""
        if self.mechanism == "SCRAM-SHA-1":
            # MongoDB stores SHA-1 users under hex(MD5("user:mongo:password")).
            text = f"{username}:mongo:{password}".encode()
            return hashlib.md5(text).hexdigest().encode()
        try:
            return saslprep(password).encode("utf-8")
        except ValueError as exc:
            raise ConfigurationError(f"the password cannot be used with {self.mechanism}: "
                                     f"{exc}") from None

    def hmac(self, key: bytes, message: bytes) -> bytes:
        return hmac.new(key, message, self.digest).digest()

    def hash(self, data: bytes) -> bytes:
        return hashlib.new(self.digest, data).digest()


SHA1 = ScramVariant("SCRAM-SHA-1", "sha1")
SHA256 = ScramVariant("SCRAM-SHA-256", "sha256")
VARIANTS = {SHA1.mechanism: SHA1, SHA256.mechanism: SHA256}


# ------------------------------------------------------------ pure steps


def new_nonce() -> str:
    """24 random bytes as base64: printable, and free of ``,`` as RFC 5802 requires."""
    return base64.b64encode(os.urandom(24)).decode("ascii")


def escape_username(username: str) -> str:
    """RFC 5802 saslname: ``=`` becomes ``=3D`` and ``,`` becomes ``=2C``."""
    return username.replace("=", "=3D").replace(",", "=2C")


def client_first_bare(username: str, nonce: str) -> str:
    return f"n={escape_username(username)},r={nonce}"


def parse_attributes(message: bytes) -> Dict[str, str]:
    """``a=v,b=w`` into ``{"a": "v", "b": "w"}``; raises ``OperationFailure`` if malformed."""
    try:
        text = message.decode("utf-8")
    except UnicodeDecodeError:
        raise auth_failure("the server's SCRAM message is not UTF-8") from None
    attributes: Dict[str, str] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep or len(name) != 1:
            raise auth_failure(f"the server's SCRAM message is malformed near {name[:8]!r}")
        attributes.setdefault(name, value)
    return attributes


def salted_password(variant: ScramVariant, prepared: bytes, salt: bytes,
                    iterations: int) -> bytes:
    """Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC of the variant's hash."""
    return hashlib.pbkdf2_hmac(variant.digest, prepared, salt, iterations)


def derive_keys(variant: ScramVariant, salted: bytes) -> Tuple[bytes, bytes]:
    """(ClientKey, ServerKey) from the salted password."""
    return variant.hmac(salted, b"Client Key"), variant.hmac(salted, b"Server Key")


def client_proof(variant: ScramVariant, client_key: bytes, auth_message: bytes) -> bytes:
    """ClientKey XOR HMAC(H(ClientKey), AuthMessage)."""
    signature = variant.hmac(variant.hash(client_key), auth_message)
    return bytes(a ^ b for a, b in zip(client_key, signature))


def server_signature(variant: ScramVariant, server_key: bytes, auth_message: bytes) -> bytes:
    return variant.hmac(server_key, auth_message)


def check_server_first(attributes: Mapping[str, str], nonce: str) -> Tuple[str, bytes, int]:
    """The server nonce, salt and iteration count, after the checks RFC 5802 asks for."""
    if "m" in attributes:
        raise auth_failure("the server asked for a SCRAM extension (m=) this client lacks")
    missing = [name for name in ("r", "s", "i") if name not in attributes]
    if missing:
        raise auth_failure(f"the server's SCRAM first message lacks {', '.join(missing)}")
    server_nonce = attributes["r"]
    if not server_nonce.startswith(nonce) or len(server_nonce) <= len(nonce):
        raise auth_failure("the server returned an invalid SCRAM nonce (it must extend the "
                           "client's nonce)")
    try:
        salt = base64.b64decode(attributes["s"], validate=True)
        iterations = int(attributes["i"])
    except ValueError:
        raise auth_failure("the server's SCRAM salt or iteration count is malformed") from None
    if iterations < MIN_ITERATIONS:
        raise auth_failure(f"the server's SCRAM iteration count must be at least "
                           f"{MIN_ITERATIONS}, not {iterations}")
    return server_nonce, salt, iterations


# ------------------------------------------------------------ key cache


def _password_tag(prepared: bytes) -> bytes:
    return hmac.new(_TAG_KEY, prepared, "sha256").digest()


def cached_keys(cache: Optional[Dict[Any, Any]], key: Tuple[Any, ...],
                variant: ScramVariant, prepared: bytes, salt: bytes,
                iterations: int) -> Tuple[bytes, bytes]:
    """(ClientKey, ServerKey) from ``cache`` when the same password made them, else fresh."""
    tag = _password_tag(prepared)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None and hmac.compare_digest(hit[0], tag):
            return hit[1], hit[2]
    keys = derive_keys(variant, salted_password(variant, prepared, salt, iterations))
    if cache is not None:
        cache[key] = (tag, *keys)
    return keys


# ------------------------------------------------------------ the conversation


def authenticate_scram(credentials: Any, sock_info: Any, mechanism: str,
                       password: Optional[str] = None) -> None:
    """Run SCRAM ``mechanism`` for ``credentials`` on ``sock_info``.

    ``password`` overrides ``credentials.password`` (a plugin that fetches the secret at
    connect time passes it here).  Raises ``OperationFailure`` when the server refuses or
    its answers fail the RFC's checks, ``ConfigurationError`` for an unusable password.
    """
    variant = VARIANTS.get(mechanism)
    if variant is None:
        raise ConfigurationError(f"SCRAM mechanism must be one of {', '.join(VARIANTS)}, "
                                 f"not {mechanism!r}")
    username = credentials.username
    secret = credentials.password if password is None else password
    if not username or secret is None:
        raise ConfigurationError(f"{mechanism} needs a username and a password")
    prepared = variant.prepare_password(username, secret)
    source = credentials.source
    nonce = new_nonce()
    first_bare = client_first_bare(username, nonce).encode("utf-8")
    reply = sasl_start(sock_info, source, mechanism, _GS2_HEADER + first_bare,
                       autoAuthorize=1)
    server_first = payload_of(reply)
    server_nonce, salt, iterations = check_server_first(parse_attributes(server_first), nonce)

    without_proof = f"c=biws,r={server_nonce}".encode("ascii")
    auth_message = b",".join((first_bare, server_first, without_proof))
    cache = getattr(getattr(sock_info, "pool", None), "auth_cache", None)
    cache_key = (mechanism, username, source, salt, iterations)
    client_key, server_key = cached_keys(cache, cache_key, variant, prepared, salt, iterations)
    proof = base64.b64encode(client_proof(variant, client_key, auth_message))
    reply = sasl_continue(sock_info, source, reply, without_proof + b",p=" + proof)

    final = parse_attributes(payload_of(reply))
    if "e" in final:
        raise auth_failure(f"the server rejected the SCRAM proof: {final['e']}", reply)
    expected = base64.b64encode(server_signature(variant, server_key, auth_message))
    if not hmac.compare_digest(final.get("v", "").encode("ascii", "replace"), expected):
        if cache is not None:
            cache.pop(cache_key, None)
        raise auth_failure("the server's SCRAM signature did not verify: it does not hold "
                           "this user's keys, or the reply was altered", reply)
    # Servers before 4.4 need one more, empty, round trip to finish the conversation.
    steps = 0
    while not reply.get("done"):
        steps += 1
        if steps > MAX_SASL_STEPS:
            raise auth_failure(f"the server did not finish {mechanism} after "
                               f"{MAX_SASL_STEPS} extra steps", reply)
        reply = sasl_continue(sock_info, source, reply, b"")


__all__ = ["authenticate_scram", "ScramVariant", "SHA1", "SHA256", "VARIANTS",
           "client_proof", "server_signature", "salted_password", "derive_keys",
           "check_server_first", "parse_attributes", "client_first_bare", "escape_username",
           "new_nonce", "cached_keys", "MIN_ITERATIONS"]
