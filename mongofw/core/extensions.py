"""Frozen descriptions that plugins hand to the core through the registry hooks."""
from __future__ import annotations

from typing import Any, Callable, Optional, Protocol

import attrs


@attrs.frozen
class AuthMechanism:
    """An authentication mechanism.

    ``authenticate(credentials, sock_info)`` runs the conversation on a fresh connection
    and raises ``OperationFailure`` when the server refuses.  ``validate(credentials)``
    (optional) checks URI/keyword options up front and raises ``ConfigurationError``.
    ``default_source`` is the authSource used when none is given (``None``: the URI's
    database, else ``admin``).
    """

    name: str
    authenticate: Callable[[Any, Any], None] = attrs.field(repr=False)
    validate: Optional[Callable[[Any], None]] = attrs.field(default=None, repr=False)
    default_source: Optional[str] = None
    # Whether the mechanism uses a password at all (X509 and GSSAPI may not).
    requires_password: bool = True


@attrs.frozen
class UuidRepresentation:
    """How a ``uuid.UUID`` is stored as BSON binary.

    ``code`` is the value of ``CodecOptions.uuid_representation``; ``to_binary(uuid)``
    returns ``(bytes, subtype)``; ``from_binary(bytes)`` returns the ``uuid.UUID``.
    """

    code: int
    name: str
    subtype: int
    to_binary: Callable[[Any], bytes] = attrs.field(repr=False)
    from_binary: Callable[[bytes], Any] = attrs.field(repr=False)


class ChunkStorage(Protocol):
    """Where a GridFS bucket keeps chunk bytes (the ``mongofw_gridfs_storage`` hook)."""

    def write_chunk(self, files_id: Any, n: int, data: bytes) -> None: ...

    def read_chunk(self, files_id: Any, n: int) -> Optional[bytes]: ...

    def delete_chunks(self, files_id: Any) -> None: ...

    def file_fields(self) -> dict: ...


GridFSStorageFactory = Callable[..., ChunkStorage]
