"""MONGODB-X509: the TLS client certificate is the credential.

MongoDB 3.4 (wire version 5) and later take the user name from the certificate when none
is sent.  For older servers the client sends the certificate's subject itself, in the
RFC 2253 form the server compares it in (most specific RDN first).
"""
from __future__ import annotations

import ssl
from typing import Any, Optional, Sequence, Tuple

from bson.son import SON
from mongofw.errors import ConfigurationError

# Wire version of MongoDB 3.4, the first to derive the user from the certificate.
USER_OPTIONAL_WIRE_VERSION = 5
# OpenSSL's long attribute names (what the ssl module reports) -> RFC 2253 / 4514 keys.
_SHORT_NAMES = {"commonName": "CN", "countryName": "C", "stateOrProvinceName": "ST",
                "localityName": "L", "organizationName": "O",
                "organizationalUnitName": "OU", "streetAddress": "STREET",
                "domainComponent": "DC", "userId": "UID"}


def _escape(value: str) -> str:
    # RFC 2253 section 2.4: escape the specials, and a leading '#'/space, trailing space.
    out = "".join("\\" + char if char in ',+"\\<>;' else char for char in value)
    if out.startswith(("#", " ")):
        out = "\\" + out
    if out.endswith(" ") and not out.endswith("\\ "):
        out = out[:-1] + "\\ "
    return out


def rfc2253_subject(subject: Sequence[Sequence[Tuple[str, str]]]) -> str:
    """A subject as ``ssl`` reports it (tuple of RDNs) in RFC 2253 string form."""
    rdns = []
    for rdn in reversed(subject):
        rdns.append("+".join(f"{_SHORT_NAMES.get(name, name)}={_escape(value)}"
                             for name, value in rdn))
    return ",".join(rdns)


def certificate_subject(certfile: str) -> str:
    """The RFC 2253 subject of the first certificate in a PEM file."""
    try:
        # The ssl module's own PEM decoder (no third-party package): it returns the same
        # dictionary getpeercert() gives for a peer's certificate.
        decoded = ssl._ssl._test_decode_cert(certfile)  # type: ignore[attr-defined]
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"MONGODB-X509 could not read the client certificate "
                                 f"{certfile!r} to take the user name from: {exc}") from None
    return rfc2253_subject(decoded.get("subject", ()))


def _client_certfile(sock_info: Any) -> Optional[str]:
    opts = getattr(getattr(sock_info, "pool", None), "opts", None)
    return getattr(opts, "ssl_certfile", None)


def authenticate_x509(credentials: Any, sock_info: Any) -> None:
    """``authenticate`` with mechanism MONGODB-X509 on ``$external``."""
    command = SON([("authenticate", 1), ("mechanism", "MONGODB-X509")])
    username = credentials.username
    if username is None and sock_info.max_wire_version < USER_OPTIONAL_WIRE_VERSION:
        certfile = _client_certfile(sock_info)
        if not certfile:
            raise ConfigurationError(
                "MONGODB-X509 needs a username for servers older than MongoDB 3.4 (wire "
                f"version {sock_info.max_wire_version} < {USER_OPTIONAL_WIRE_VERSION}), or a "
                "client certificate (ssl_certfile) to take it from")
        username = certificate_subject(certfile)
    if username is not None:
        command["user"] = username
    sock_info.command("$external", command)


__all__ = ["authenticate_x509", "certificate_subject", "rfc2253_subject"]
