"""BSON binary data, its subtypes, and the UUID representations.

The four documented UUID representations are defined here, as plain functions, so that
``import bson`` alone encodes and decodes UUIDs; the default codec plugin
(``mongofw.codecs.default_plugin``) publishes these same functions to the plugin registry.
"""
from __future__ import annotations

import uuid
from typing import Any, Callable, Dict, Tuple

BINARY_SUBTYPE = 0
"""BSON binary subtype for binary data (the default)."""
FUNCTION_SUBTYPE = 1
"""BSON binary subtype for functions."""
OLD_BINARY_SUBTYPE = 2
"""Old BSON binary subtype for binary data (the payload carries its own int32 length)."""
OLD_UUID_SUBTYPE = 3
"""Old BSON binary subtype for a UUID."""
UUID_SUBTYPE = 4
"""BSON binary subtype for a UUID (RFC 4122 byte order)."""
MD5_SUBTYPE = 5
"""BSON binary subtype for an MD5 hash."""
USER_DEFINED_SUBTYPE = 128
"""BSON binary subtype for any user defined structure."""

PYTHON_LEGACY = 3
"""UUIDs use RFC 4122 byte order with subtype OLD_UUID_SUBTYPE (the default)."""
STANDARD = UUID_SUBTYPE
"""UUIDs use RFC 4122 byte order with subtype UUID_SUBTYPE."""
JAVA_LEGACY = 5
"""UUIDs use the Java driver's legacy byte order with subtype OLD_UUID_SUBTYPE."""
CSHARP_LEGACY = 6
"""UUIDs use the C# driver's legacy byte order with subtype OLD_UUID_SUBTYPE."""

ALL_UUID_SUBTYPES = (OLD_UUID_SUBTYPE, UUID_SUBTYPE)
ALL_UUID_REPRESENTATIONS = (STANDARD, PYTHON_LEGACY, JAVA_LEGACY, CSHARP_LEGACY)
UUID_REPRESENTATION_NAMES = {
    PYTHON_LEGACY: "PYTHON_LEGACY",
    STANDARD: "STANDARD",
    JAVA_LEGACY: "JAVA_LEGACY",
    CSHARP_LEGACY: "CSHARP_LEGACY",
}


def _rfc4122_to_binary(value: uuid.UUID) -> bytes:
    return value.bytes


def _rfc4122_from_binary(data: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=bytes(data))


def _java_to_binary(value: uuid.UUID) -> bytes:
    # The Java driver wrote each 8-byte half in reverse (little-endian longs).
    raw = value.bytes
    return raw[7::-1] + raw[15:7:-1]


def _java_from_binary(data: bytes) -> uuid.UUID:
    raw = bytes(data)
    return uuid.UUID(bytes=raw[7::-1] + raw[15:7:-1])


def _csharp_to_binary(value: uuid.UUID) -> bytes:
    return value.bytes_le


def _csharp_from_binary(data: bytes) -> uuid.UUID:
    return uuid.UUID(bytes_le=bytes(data))


#: code -> (name, subtype, to_binary(uuid) -> bytes, from_binary(bytes) -> uuid)
UUID_REPRESENTATION_FUNCTIONS: Dict[int, Tuple[str, int, Callable[[uuid.UUID], bytes],
                                               Callable[[bytes], uuid.UUID]]] = {
    PYTHON_LEGACY: ("PYTHON_LEGACY", OLD_UUID_SUBTYPE, _rfc4122_to_binary, _rfc4122_from_binary),
    STANDARD: ("STANDARD", UUID_SUBTYPE, _rfc4122_to_binary, _rfc4122_from_binary),
    JAVA_LEGACY: ("JAVA_LEGACY", OLD_UUID_SUBTYPE, _java_to_binary, _java_from_binary),
    CSHARP_LEGACY: ("CSHARP_LEGACY", OLD_UUID_SUBTYPE, _csharp_to_binary, _csharp_from_binary),
}


class Binary(bytes):
    """Representation of BSON binary data: ``bytes`` plus a ``subtype``.

    Raises TypeError if ``data`` is not bytes (a bytearray or memoryview is refused, as
    in 3.4) or ``subtype`` is not an int, ValueError if ``subtype`` is not in
    ``[0, 256)``.  Binary of subtype 0 decodes to ``bytes``.
    """

    _type_marker = 5

    def __new__(cls, data: bytes, subtype: int = BINARY_SUBTYPE) -> Binary:
        if not isinstance(data, bytes):
            raise TypeError(f"data must be an instance of bytes, not {type(data)!r}")
        if not isinstance(subtype, int):
            raise TypeError(f"subtype must be an instance of int, not {type(subtype)!r}")
        if not 0 <= subtype < 256:
            raise ValueError(f"subtype must be contained in [0, 256), not {subtype}")
        self = bytes.__new__(cls, data)
        self.__subtype = subtype
        return self

    @property
    def subtype(self) -> int:
        """Subtype of this binary data."""
        return self.__subtype

    def __getnewargs__(self) -> Tuple[bytes, int]:  # type: ignore[override]
        return bytes(self), self.__subtype

    def __reduce__(self) -> Tuple[Any, ...]:
        return Binary, (bytes(self), self.__subtype)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Binary):
            return (self.__subtype, bytes(self)) == (other.subtype, bytes(other))
        # A Binary never equals plain bytes: the subtype is part of the value.
        return False

    def __hash__(self) -> int:
        # 3.4's: a subtype-0 Binary hashes as its bytes (it still never equals them).
        return bytes.__hash__(self) ^ hash(self.__subtype)

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __repr__(self) -> str:
        return f"Binary({bytes(self)!r}, {self.__subtype})"


class UUIDLegacy(Binary):
    """UUID wrapper to work with UUIDs stored as PYTHON_LEGACY (subtype 3, RFC 4122 order).

    Raises TypeError if ``obj`` is not a :class:`uuid.UUID`.
    """

    def __new__(cls, obj: uuid.UUID) -> UUIDLegacy:
        if not isinstance(obj, uuid.UUID):
            raise TypeError(f"obj must be an instance of uuid.UUID, not {type(obj)!r}")
        self = Binary.__new__(cls, obj.bytes, OLD_UUID_SUBTYPE)
        self.__uuid = obj
        return self

    @property
    def uuid(self) -> uuid.UUID:
        """UUID instance wrapped by this UUIDLegacy instance."""
        return self.__uuid

    def __getnewargs__(self) -> Tuple[uuid.UUID]:  # type: ignore[override]
        return (self.__uuid,)

    def __reduce__(self) -> Tuple[Any, ...]:
        return UUIDLegacy, (self.__uuid,)

    def __repr__(self) -> str:
        return f"UUIDLegacy({str(self.__uuid)!r})"
