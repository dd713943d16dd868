"""The versioned API (documented as ``pymongo.server_api``, 3.12): ``ServerApi``.

``MongoClient(server_api=ServerApi("1"))`` makes every command (but ``getMore``, which
servers refuse them on) carry ``apiVersion`` and, when set, ``apiStrict`` and
``apiDeprecationErrors``; the handshake then uses ``hello``.  MongoDB 5.0+.
"""
from __future__ import annotations

from typing import Any, MutableMapping, Optional


class ServerApiVersion:
    """The API versions a ``ServerApi`` may declare."""

    V1 = "1"


class ServerApi:
    """``ServerApi(version, strict=None, deprecation_errors=None)``.

    ``ValueError`` for a version other than ``ServerApiVersion.V1``; ``TypeError`` when
    ``strict`` or ``deprecation_errors`` is neither None nor a bool.
    """

    __slots__ = ("_version", "_strict", "_deprecation_errors")

    def __init__(self, version: str, strict: Optional[bool] = None,
                 deprecation_errors: Optional[bool] = None) -> None:
        if version != ServerApiVersion.V1:
            raise ValueError(f"Unknown ServerApi version: {version!r} (expected "
                             f"ServerApiVersion.V1, '1')")
        for name, value in (("strict", strict), ("deprecation_errors", deprecation_errors)):
            if value is not None and not isinstance(value, bool):
                raise TypeError(f"Wrong type for ServerApi {name}, value must be an instance "
                                f"of bool, not {type(value).__name__}")
        self._version = version
        self._strict = strict
        self._deprecation_errors = deprecation_errors

    @property
    def version(self) -> str:
        """The declared API version ("1")."""
        return self._version

    @property
    def strict(self) -> Optional[bool]:
        """Whether the server refuses what is not part of the version (None: not sent)."""
        return self._strict

    @property
    def deprecation_errors(self) -> Optional[bool]:
        """Whether deprecated features are errors (None: not sent)."""
        return self._deprecation_errors

    def add_to(self, command: MutableMapping[str, Any]) -> None:
        """Put ``apiVersion`` (and the set flags) into ``command``."""
        command["apiVersion"] = self._version
        if self._strict is not None:
            command["apiStrict"] = self._strict
        if self._deprecation_errors is not None:
            command["apiDeprecationErrors"] = self._deprecation_errors

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, ServerApi):
            return NotImplemented
        return (self._version, self._strict, self._deprecation_errors) == \
            (other._version, other._strict, other._deprecation_errors)

    def __hash__(self) -> int:
        return hash((self._version, self._strict, self._deprecation_errors))

    def __repr__(self) -> str:
        return (f"ServerApi(version={self._version!r}, strict={self._strict!r}, "
                f"deprecation_errors={self._deprecation_errors!r})")


def validate_server_api_or_none(name: str, value: Any) -> Optional[ServerApi]:
    """The ``server_api=`` keyword: a ServerApi or None."""
    if value is not None and not isinstance(value, ServerApi):
        raise TypeError(f"{name} must be an instance of ServerApi, not {type(value).__name__}")
    return value
