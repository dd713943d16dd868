"""GSSAPI (Kerberos) through the optional ``gssapi`` binding (``pip install mongofw[gssapi]``).

The conversation is RFC 4752's: security-context tokens over ``saslStart`` /
``saslContinue`` until the context is established, then the server's wrapped
security-layer offer, answered with "no security layer" and the user as authorization
identity.  The binding is imported only when a GSSAPI login runs.
"""
from __future__ import annotations

import socket
from typing import Any, Mapping, Optional

from mongofw.auth.conversation import (
    MAX_SASL_STEPS,
    auth_failure,
    payload_of,
    require_module,
    sasl_continue,
    sasl_start,
)
from mongofw.errors import ConfigurationError

INSTALL_HINT = "pip install 'mongofw[gssapi]' (or: pip install gssapi; it needs the system " \
               "Kerberos libraries, e.g. libkrb5-dev, to build)"
# RFC 4752 section 3.1: bit 1 of the first octet is "no security layer".
_NO_SECURITY_LAYER = 1


def _canonical_host(host: str, canonicalize: Any) -> str:
    if canonicalize in (None, False, "none", "false"):
        return host
    try:
        infos = socket.getaddrinfo(host, None, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP,
                                   socket.AI_CANONNAME)
        canonical = infos[0][3] or host
        if canonicalize == "forwardAndReverse":
            canonical = socket.gethostbyaddr(infos[0][4][0])[0]
    except OSError as exc:
        raise ConfigurationError(f"GSSAPI could not canonicalize host name {host!r} "
                                 f"(CANONICALIZE_HOST_NAME={canonicalize}): {exc}") from None
    return canonical.lower()


def service_principal(host: str, properties: Optional[Mapping[str, Any]]) -> str:
    """``service@host`` (or ``service/host@REALM``) for the server at ``host``."""
    props = dict(properties or {})
    service = props.get("SERVICE_NAME") or "mongodb"
    target = props.get("SERVICE_HOST") or _canonical_host(
        host, props.get("CANONICALIZE_HOST_NAME"))
    realm = props.get("SERVICE_REALM")
    return f"{service}/{target}@{realm}" if realm else f"{service}@{target}"


def _security_context(gssapi: Any, credentials: Any, principal: str) -> Any:
    if "/" in principal:
        name = gssapi.Name(principal, name_type=gssapi.NameType.kerberos_principal)
    else:
        name = gssapi.Name(principal, name_type=gssapi.NameType.hostbased_service)
    creds = None
    if credentials.password is not None:
        acquire = getattr(getattr(gssapi, "raw", None), "acquire_cred_with_password", None)
        if acquire is None:
            raise ConfigurationError("GSSAPI with a password needs a gssapi binding built "
                                     "with the password extension; use kinit and omit the "
                                     "password instead")
        user = gssapi.Name(credentials.username, name_type=gssapi.NameType.user)
        creds = acquire(user, credentials.password.encode("utf-8"), usage="initiate").creds
    return gssapi.SecurityContext(name=name, creds=creds, usage="initiate")


def _binding_errors(gssapi: Any) -> tuple:
    exceptions = getattr(gssapi, "exceptions", None)
    return tuple(getattr(exceptions, name) for name in ("GSSError", "GeneralError")
                 if isinstance(getattr(exceptions, name, None), type))


def authenticate_gssapi(credentials: Any, sock_info: Any) -> None:
    """Kerberos login of ``credentials.username`` on ``$external``."""
    gssapi = require_module("gssapi", "GSSAPI", INSTALL_HINT)
    principal = service_principal(sock_info.address[0], credentials.mechanism_properties)
    try:
        context = _security_context(gssapi, credentials, principal)
        reply = sasl_start(sock_info, "$external", "GSSAPI", context.step() or b"",
                           autoAuthorize=1)
        steps = 0
        while not context.complete:
            steps += 1
            if steps > MAX_SASL_STEPS:
                raise auth_failure("the GSSAPI security context was not established after "
                                   f"{MAX_SASL_STEPS} steps", reply)
            token = context.step(payload_of(reply))
            reply = sasl_continue(sock_info, "$external", reply, token or b"")
        offer = context.unwrap(payload_of(reply)).message
        if len(offer) != 4 or not offer[0] & _NO_SECURITY_LAYER:
            raise auth_failure("the server's GSSAPI security-layer offer does not allow "
                               "\"no security layer\"", reply)
        answer = bytes([_NO_SECURITY_LAYER, 0, 0, 0]) + credentials.username.encode("utf-8")
        reply = sasl_continue(sock_info, "$external", reply,
                              context.wrap(answer, False).message)
    except _binding_errors(gssapi) as exc:
        # The binding's errors carry Kerberos messages (no secrets): pass them on.
        raise auth_failure(f"GSSAPI failed for service {principal!r}: {exc}") from None
    if not reply.get("done"):
        raise auth_failure("the server did not finish the GSSAPI conversation", reply)


__all__ = ["authenticate_gssapi", "service_principal", "INSTALL_HINT"]
