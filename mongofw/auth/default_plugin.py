"""The default auth plugin: every mechanism of PyMongo 3.4, plus SCRAM-SHA-256.

Registered through the ``default_auth`` entry point exactly as a third-party plugin is;
``MONGOFW_DISABLE_PLUGINS=default_auth`` removes them all.
"""
from __future__ import annotations

import functools
from typing import Any, List

from mongofw import hookimpl
from mongofw.auth.conversation import conversation
from mongofw.auth.default import authenticate_default
from mongofw.auth.gssapi import authenticate_gssapi
from mongofw.auth.mongodb_cr import authenticate_mongodb_cr
from mongofw.auth.plain import authenticate_plain
from mongofw.auth.scram import SHA256, authenticate_scram
from mongofw.auth.x509 import authenticate_x509
from mongofw.extensions import AuthMechanism


def _validate_sha256(credentials: Any) -> None:
    # Fail at client construction, not at the first connection, for a password that
    # SASLprep rejects (prepare_password raises ConfigurationError without echoing it).
    if credentials.password is not None:
        SHA256.prepare_password(credentials.username or "", credentials.password)


def mechanisms() -> List[AuthMechanism]:
    """The default mechanisms, each wrapped with the shared conversation rules."""
    return [
        AuthMechanism("DEFAULT", conversation(authenticate_default)),
        AuthMechanism("SCRAM-SHA-1", conversation(
            functools.partial(authenticate_scram, mechanism="SCRAM-SHA-1"))),
        AuthMechanism("SCRAM-SHA-256", conversation(
            functools.partial(authenticate_scram, mechanism="SCRAM-SHA-256")),
            validate=_validate_sha256),
        AuthMechanism("PLAIN", conversation(authenticate_plain)),
        AuthMechanism("MONGODB-CR", conversation(authenticate_mongodb_cr)),
        AuthMechanism("MONGODB-X509", conversation(authenticate_x509),
                      default_source="$external", requires_password=False),
        AuthMechanism("GSSAPI", conversation(authenticate_gssapi),
                      default_source="$external", requires_password=False),
    ]


@hookimpl
def mongofw_auth_mechanisms() -> List[AuthMechanism]:
    """DEFAULT, SCRAM-SHA-1, SCRAM-SHA-256, PLAIN, MONGODB-CR, MONGODB-X509 and GSSAPI."""
    return mechanisms()
