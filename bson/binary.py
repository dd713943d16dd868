"""BSON binary data, its subtypes, and the UUID representations.

The four documented UUID representations are defined here, as plain functions, so that
``import bson`` alone encodes and decodes UUIDs; the default codec plugin
(``mongofw.codecs.default_plugin``) publishes these same functions to the plugin registry.
``UuidRepresentation.UNSPECIFIED`` (3.11) is no conversion at all: native UUIDs are
refused by the encoder and UUID subtypes decode to :class:`Binary`.
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


class UuidRepresentation:
    """The ways a :class:`uuid.UUID` can be stored as BSON binary (the values of
    ``CodecOptions.uuid_representation``)."""

    UNSPECIFIED = 0
    """No automatic conversion: encoding a native ``uuid.UUID`` raises ValueError (wrap
    it with :meth:`Binary.from_uuid`), and binary subtypes 3 and 4 decode to
    :class:`Binary` (convert with :meth:`Binary.as_uuid`)."""
    STANDARD = UUID_SUBTYPE
    """RFC 4122 byte order with subtype UUID_SUBTYPE."""
    PYTHON_LEGACY = 3
    """RFC 4122 byte order with subtype OLD_UUID_SUBTYPE (the default)."""
    JAVA_LEGACY = 5
    """The Java driver's legacy byte order with subtype OLD_UUID_SUBTYPE."""
    CSHARP_LEGACY = 6
    """The C# driver's legacy byte order with subtype OLD_UUID_SUBTYPE."""


PYTHON_LEGACY = UuidRepresentation.PYTHON_LEGACY
"""UUIDs use RFC 4122 byte order with subtype OLD_UUID_SUBTYPE (the default)."""
STANDARD = UuidRepresentation.STANDARD
"""UUIDs use RFC 4122 byte order with subtype UUID_SUBTYPE."""
JAVA_LEGACY = UuidRepresentation.JAVA_LEGACY
"""UUIDs use the Java driver's legacy byte order with subtype OLD_UUID_SUBTYPE."""
CSHARP_LEGACY = UuidRepresentation.CSHARP_LEGACY
"""UUIDs use the C# driver's legacy byte order with subtype OLD_UUID_SUBTYPE."""

ALL_UUID_SUBTYPES = (OLD_UUID_SUBTYPE, UUID_SUBTYPE)
ALL_UUID_REPRESENTATIONS = (UuidRepresentation.UNSPECIFIED, STANDARD, PYTHON_LEGACY,
                            JAVA_LEGACY, CSHARP_LEGACY)
UUID_REPRESENTATION_NAMES = {
    UuidRepresentation.UNSPECIFIED: "UNSPECIFIED",
    PYTHON_LEGACY: "PYTHON_LEGACY",
    STANDARD: "STANDARD",
    JAVA_LEGACY: "JAVA_LEGACY",
    CSHARP_LEGACY: "CSHARP_LEGACY",
}


_UUID = uuid.UUID
_UNSPECIFIED_MESSAGE = (
    "cannot encode a native uuid.UUID with UuidRepresentation.UNSPECIFIED: wrap it with "
    "bson.binary.Binary.from_uuid(value, representation), or configure another "
    "uuid_representation")


def _refuse_uuid(value: uuid.UUID) -> bytes:
    """The UNSPECIFIED representation's encoder: native UUIDs are refused."""
    raise ValueError(_UNSPECIFIED_MESSAGE)


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


def _representation(value: Any) -> Tuple[str, int, Callable[[uuid.UUID], bytes],
                                          Callable[[bytes], uuid.UUID]]:
    """The conversion functions of a documented representation other than UNSPECIFIED."""
    entry = None
    if not isinstance(value, bool):
        entry = UUID_REPRESENTATION_FUNCTIONS.get(value)
    if entry is None and value != UuidRepresentation.UNSPECIFIED:
        raise ValueError("uuid_representation must be a value from "
                         f"bson.binary.UuidRepresentation {ALL_UUID_REPRESENTATIONS}, "
                         f"not {value!r}")
    return entry  # type: ignore[return-value]


class Binary(bytes):
    """Representation of BSON binary data: ``bytes`` plus a ``subtype``.

    ``data`` is any bytes-like object (anything with the buffer protocol, as PyMongo 3.9
    takes; 3.4 took bytes only).  Raises TypeError if ``data`` is not bytes-like or
    ``subtype`` is not an int (a bool is one, as in 3.4), ValueError if ``subtype`` is
    not in ``[0, 256)``.  Binary of subtype 0 decodes to ``bytes``.
    """

    _type_marker = 5

    def __new__(cls, data: Any, subtype: int = BINARY_SUBTYPE) -> Binary:
        if not isinstance(data, bytes):
            try:
                # bytes() would also take an int or an iterable of ints: ask for a buffer.
                data = memoryview(data).tobytes()
            except TypeError:
                raise TypeError("data must be a bytes-like object (bytes, bytearray, "
                                f"memoryview, ...), not {type(data)!r}") from None
        if not isinstance(subtype, int):
            raise TypeError(f"subtype must be an instance of int, not {type(subtype)!r}")
        if not 0 <= subtype < 256:
            raise ValueError(f"subtype must be contained in [0, 256), not {subtype}")
        self = bytes.__new__(cls, data)
        self.__subtype = subtype
        return self

    @classmethod
    def from_uuid(cls, uuid: uuid.UUID, uuid_representation: int = STANDARD) -> Binary:
        """A Binary holding ``uuid`` as ``uuid_representation`` stores it (default STANDARD:
        RFC 4122 bytes, subtype 4; the legacy ones use subtype 3 in their byte order).

        Raises TypeError if ``uuid`` is not a :class:`uuid.UUID`; ValueError if
        ``uuid_representation`` is UNSPECIFIED or not a UuidRepresentation value.
        """
        if not isinstance(uuid, _UUID):
            raise TypeError(f"uuid must be an instance of uuid.UUID, not {type(uuid)!r}")
        entry = _representation(uuid_representation)
        if entry is None:
            raise ValueError("cannot store a UUID with UuidRepresentation.UNSPECIFIED: "
                             "choose the representation to store it in")
        _, subtype, to_binary, _ = entry
        return cls(to_binary(uuid), subtype)

    def as_uuid(self, uuid_representation: int = STANDARD) -> uuid.UUID:
        """The :class:`uuid.UUID` this Binary holds, read as ``uuid_representation``
        (default STANDARD).

        Raises ValueError if ``uuid_representation`` is UNSPECIFIED or not a
        UuidRepresentation value, or if this Binary is not a UUID of that representation
        (STANDARD needs subtype 4, the legacy ones subtype 3; all need 16 bytes).
        """
        entry = _representation(uuid_representation)
        if entry is None:
            raise ValueError("cannot read a UUID with UuidRepresentation.UNSPECIFIED: "
                             "choose the representation it was stored in")
        name, subtype, _, from_binary = entry
        if self.__subtype != subtype or len(self) != 16:
            raise ValueError(f"cannot decode {len(self)} bytes of binary subtype "
                             f"{self.__subtype} as a {name} UUID, which is 16 bytes of "
                             f"subtype {subtype}")
        return from_binary(bytes(self))

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
