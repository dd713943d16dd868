"""Frozen descriptions that plugins hand to the core through the registry hooks."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, Optional, Protocol, Sequence, Tuple

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

    ``code`` is the value of ``CodecOptions.uuid_representation``; ``subtype`` the binary
    subtype it writes; ``to_binary(uuid)`` returns the 16 bytes; ``from_binary(bytes)``
    returns the ``uuid.UUID``.
    """

    code: int
    name: str
    subtype: int
    to_binary: Callable[[Any], bytes] = attrs.field(repr=False)
    from_binary: Callable[[bytes], Any] = attrs.field(repr=False)


class ChunkStorage(Protocol):
    """Where a GridFS bucket keeps chunk bytes (built by the ``mongofw_gridfs_storage`` hook).

    The bucket owns the files collection and the chunk arithmetic: chunk ``n`` of a file
    holds bytes ``n * chunkSize`` up to the next chunk, only the last chunk may be shorter,
    and the bucket checks sizes and md5 on the bytes a storage hands back.  A storage only
    keeps and returns each chunk's bytes, so it may compress, encrypt or move them.

    A storage that changes the bytes it stores records ``chunkStorage: <its name>`` among
    its :meth:`file_fields`; every other storage then refuses to read such a file
    (``CorruptGridFile``) instead of returning the stored form as the file's content.
    """

    def ensure_indexes(self) -> None:
        """Create what reading chunks by ``(files_id, n)`` needs (unique).

        Called before a bucket's first write, and only while its files collection is empty.
        """

    def write_chunks(self, files_id: Any, first_n: int, chunks: Sequence[bytes]) -> None:
        """Store ``chunks`` as chunk ``first_n``, ``first_n + 1``, … of file ``files_id``.

        Raises ``DuplicateKeyError`` when such a chunk already exists.
        """

    def read_chunks(self, file_document: Mapping[str, Any], first_n: int,
                    stop_n: int) -> Iterator[Tuple[int, bytes]]:
        """``(n, content)`` for the stored chunks ``first_n <= n < stop_n``, ascending ``n``.

        Missing chunks are simply not yielded (the bucket reports them); the caller may
        stop early, closing the iterator.  Raises ``CorruptGridFile`` for a file this
        storage cannot read.
        """

    def delete_chunks(self, files_id: Any) -> None:
        """Remove every chunk of file ``files_id`` (none is not an error)."""

    def file_fields(self, files_id: Any) -> Mapping[str, Any]:
        """Fields to record on the files document of the new file ``files_id``.

        Called once, when the upload closes, after its last ``write_chunks``.
        """


GridFSStorageFactory = Callable[[Any], ChunkStorage]
"""Called with the bucket's chunks ``Collection`` (carrying its write concern and read
preference); returns the storage for that bucket."""
