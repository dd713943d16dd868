"""Credentials built from URI options and keyword arguments.

:func:`build_credentials` applies the authentication spec's rules for the mechanisms it
knows (source defaults, which of username / password each needs, GSSAPI properties).  The
set of mechanism names the client accepts is passed in: auth plugins register them, and
``DEFAULT_MECHANISMS`` is what the default plugin provides.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Collection, Optional

import attrs

from mongofw.errors import ConfigurationError

DEFAULT_MECHANISMS = frozenset({"SCRAM-SHA-1", "SCRAM-SHA-256", "MONGODB-CR", "MONGODB-X509",
                                "PLAIN", "GSSAPI", "DEFAULT"})
EXTERNAL = "$external"
_GSSAPI_PROPERTIES = ("SERVICE_NAME", "CANONICALIZE_HOST_NAME", "SERVICE_REALM",
                      "SERVICE_HOST")
_CANONICALIZE_VALUES = ("true", "false", "none", "forward", "forwardAndReverse")


def _frozen_properties(value: Optional[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    return None if value is None else MappingProxyType(dict(value))


def _property_names(value: Optional[Mapping[str, Any]]) -> str:
    # Values can be secrets (AWS_SESSION_TOKEN), so the repr names the keys only.
    return "None" if value is None else "{" + ", ".join(sorted(value)) + "}"


@attrs.frozen
class MongoCredential:
    """One user's credentials: the mechanism, the database that holds the user, and secrets.

    ``mechanism`` is ``"DEFAULT"`` when none was asked for (the server picks SCRAM).
    The password never appears in the repr.
    """

    mechanism: str
    source: str
    username: Optional[str]
    password: Optional[str] = attrs.field(repr=False)
    mechanism_properties: Optional[Mapping[str, Any]] = attrs.field(
        default=None, converter=_frozen_properties, hash=False, repr=_property_names)


def _mechanism_names(mechanisms: Collection[str]) -> str:
    return ", ".join(sorted(mechanisms))


def _gssapi_properties(given: Mapping[str, Any]) -> dict:
    unknown = sorted(set(given) - set(_GSSAPI_PROPERTIES))
    if unknown:
        raise ConfigurationError(f"GSSAPI does not accept authMechanismProperties "
                                 f"{', '.join(unknown)}; allowed: "
                                 f"{', '.join(_GSSAPI_PROPERTIES)}")
    props = {"SERVICE_NAME": "mongodb", **given}
    canonicalize = props.get("CANONICALIZE_HOST_NAME")
    if canonicalize is not None and not isinstance(canonicalize, bool):
        if canonicalize not in _CANONICALIZE_VALUES:
            raise ConfigurationError(f"CANONICALIZE_HOST_NAME must be one of "
                                     f"{', '.join(_CANONICALIZE_VALUES)}, not {canonicalize!r}")
        if canonicalize in ("true", "false"):
            props["CANONICALIZE_HOST_NAME"] = canonicalize == "true"
    return props


def _require_external(mechanism: str, source: Optional[str]) -> str:
    if source is not None and source != EXTERNAL:
        raise ConfigurationError(f"{mechanism} requires authSource={EXTERNAL}, not {source!r}")
    return EXTERNAL


def build_credentials(options: Mapping[str, Any], database: Optional[str] = None,
                      mechanisms: Collection[str] = DEFAULT_MECHANISMS
                      ) -> Optional[MongoCredential]:
    """The credential that ``options`` describe, or ``None`` when they name no user.

    ``options`` holds (any case) ``username``, ``password``, ``authSource``,
    ``authMechanism`` and ``authMechanismProperties``; ``database`` is the URI's path.
    ``mechanisms`` is the set of accepted names; when it maps names to
    :class:`~mongofw.extensions.AuthMechanism` descriptions, their ``default_source``,
    ``requires_password`` and ``validate`` apply to mechanisms this module has no rule for.
    Raises ``ConfigurationError`` for an unknown mechanism or a combination it forbids.
    """
    opts = {key.lower(): value for key, value in options.items()}
    username = opts.get("username")
    password = opts.get("password")
    source = opts.get("authsource")
    mechanism = opts.get("authmechanism")
    given_props = dict(opts.get("authmechanismproperties") or {})
    if username is None and mechanism is None:
        return None
    mechanism = mechanism or "DEFAULT"
    if not mechanisms:
        raise ConfigurationError(f"authMechanism {mechanism} is not available: no "
                                 f"authentication mechanisms are registered (default plugins "
                                 f"not found; is mongofw installed?)")
    if mechanism not in mechanisms and not (mechanism == "DEFAULT" and _negotiable(mechanisms)):
        raise UnknownMechanismError(f"authMechanism must be one of "
                                    f"{_mechanism_names(mechanisms)}, not {mechanism!r}")
    if source is not None and not source:
        raise ConfigurationError("authSource must be a non-empty string, not ''")
    props: Optional[dict] = given_props or None
    description = mechanisms.get(mechanism) if isinstance(mechanisms, Mapping) else None

    if mechanism == "MONGODB-X509":
        if password is not None:
            raise ConfigurationError("MONGODB-X509 authenticates with the client certificate "
                                     "and does not accept a password")
        source = _require_external(mechanism, source)
    elif mechanism == "GSSAPI":
        _require_username(mechanism, username)
        source = _require_external(mechanism, source)
        props = _gssapi_properties(given_props)
    elif mechanism == "PLAIN":
        _require_username(mechanism, username)
        _require_password(mechanism, password)
        source = source or database or EXTERNAL
    elif mechanism in ("DEFAULT", "SCRAM-SHA-1", "SCRAM-SHA-256", "MONGODB-CR"):
        _require_username(mechanism, username)
        _require_password(mechanism, password)
        source = source or database or "admin"
    else:
        default_source = getattr(description, "default_source", None)
        if getattr(description, "requires_password", False):
            _require_password(mechanism, password)
        source = source or default_source or database or "admin"
    credential = MongoCredential(mechanism, source, username, password, props)
    validate = getattr(description, "validate", None)
    if validate is not None:
        validate(credential)
    return credential


class UnknownMechanismError(ConfigurationError, ValueError):
    """An ``authMechanism`` no installed plugin provides.

    A ``ConfigurationError`` like every other invalid option here, and a ``ValueError``
    because PyMongo 3.4 raised that for an unknown mechanism.
    """


def _negotiable(mechanisms: Collection[str]) -> bool:
    # DEFAULT means "negotiate SCRAM", so it is available whenever a SCRAM mechanism is,
    # even if the auth plugin does not register the name DEFAULT itself.
    return any(name in mechanisms for name in ("SCRAM-SHA-1", "SCRAM-SHA-256"))


def _require_username(mechanism: str, username: Optional[str]) -> None:
    if not username:
        raise ConfigurationError(f"authMechanism {mechanism} requires a username")


def _require_password(mechanism: str, password: Optional[str]) -> None:
    if password is None:
        raise ConfigurationError(f"authMechanism {mechanism} requires a password")
