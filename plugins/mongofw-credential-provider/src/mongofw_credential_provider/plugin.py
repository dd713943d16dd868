"""The ``CREDENTIAL-PROVIDER`` mechanism and the hook that registers it.

The secret is read on every login (each new pooled connection), so a rotated file or a
changed variable is picked up without restarting the client; mongofw's SCRAM key cache
notices the new password and derives fresh keys.
"""
from __future__ import annotations

import os
from typing import Any, List, Mapping, Optional

from mongofw import hookimpl
from mongofw.auth.conversation import conversation
from mongofw.auth.scram import VARIANTS, authenticate_scram
from mongofw.errors import ConfigurationError
from mongofw.extensions import AuthMechanism

MECHANISM = "CREDENTIAL-PROVIDER"
_SOURCES = ("PASSWORD_FILE", "PASSWORD_ENV")
_PROPERTIES = (*_SOURCES, "SCRAM_MECHANISM")
DEFAULT_SCRAM = "SCRAM-SHA-256"


def _properties(credentials: Any) -> Mapping[str, Any]:
    return credentials.mechanism_properties or {}


def validate(credentials: Any) -> None:
    """Check the options when the client is built; raises ``ConfigurationError``."""
    if not credentials.username:
        raise ConfigurationError(f"authMechanism {MECHANISM} requires a username")
    if credentials.password is not None:
        raise ConfigurationError(f"authMechanism {MECHANISM} reads the password from "
                                 f"PASSWORD_FILE or PASSWORD_ENV; remove it from the URI")
    props = _properties(credentials)
    unknown = sorted(set(props) - set(_PROPERTIES))
    if unknown:
        raise ConfigurationError(f"{MECHANISM} does not accept authMechanismProperties "
                                 f"{', '.join(unknown)}; allowed: {', '.join(_PROPERTIES)}")
    given = [name for name in _SOURCES if props.get(name)]
    if len(given) != 1:
        raise ConfigurationError(f"{MECHANISM} needs exactly one of PASSWORD_FILE and "
                                 f"PASSWORD_ENV in authMechanismProperties, not "
                                 f"{', '.join(given) or 'neither'}")
    scram = props.get("SCRAM_MECHANISM", DEFAULT_SCRAM)
    if scram not in VARIANTS:
        raise ConfigurationError(f"{MECHANISM}: SCRAM_MECHANISM must be one of "
                                 f"{', '.join(VARIANTS)}, not {scram!r}")


def read_secret(properties: Mapping[str, Any],
                environ: Optional[Mapping[str, str]] = None) -> str:
    """The password the properties point at, read now; errors never contain it."""
    environ = os.environ if environ is None else environ
    path = properties.get("PASSWORD_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                secret = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise ConfigurationError(f"{MECHANISM} could not read PASSWORD_FILE {path!r}: "
                                     f"{reason}") from None
        # Files written by `echo` or editors end with a newline that is not the password.
        secret = secret[:-1] if secret.endswith("\n") else secret
        where = f"PASSWORD_FILE {path!r}"
    else:
        name = properties.get("PASSWORD_ENV")
        if name not in environ:
            raise ConfigurationError(f"{MECHANISM}: environment variable {name!r} "
                                     f"(PASSWORD_ENV) is not set")
        secret = environ[name]
        where = f"environment variable {name!r}"
    if not secret:
        raise ConfigurationError(f"{MECHANISM}: {where} holds an empty password")
    return secret


def authenticate_with_provider(credentials: Any, sock_info: Any) -> None:
    """Fetch the secret, then run SCRAM with it on ``sock_info``."""
    props = _properties(credentials)
    secret = read_secret(props)
    authenticate_scram(credentials, sock_info, props.get("SCRAM_MECHANISM", DEFAULT_SCRAM),
                       password=secret)


@hookimpl
def mongofw_auth_mechanisms() -> List[AuthMechanism]:
    """``CREDENTIAL-PROVIDER``: the password comes from a file or variable at connect time."""
    return [AuthMechanism(MECHANISM, conversation(authenticate_with_provider),
                          validate=validate, requires_password=False)]
