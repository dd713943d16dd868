"""Frozen descriptions that plugins hand to the core through the registry hooks."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, Optional, Protocol, Sequence, Tuple

import attrs


@attrs.frozen
class AuthMechanism:
    """An authentication mechanism, as the ``mongofw_auth_mechanisms`` hook returns it.

    :param name: what ``authMechanism=`` selects (``str``; compared without regard to
        case, and unique among the installed plugins).
    :param authenticate: ``authenticate(credentials, sock_info)``, called for each new
        connection that must log in: runs the conversation on ``sock_info`` (a
        :class:`~pymongo.pool.SocketInfo`) and returns nothing; raises
        :class:`~pymongo.errors.OperationFailure` when the server refuses.
        ``credentials`` has ``mechanism``, ``source``, ``username``, ``password`` and
        ``mechanism_properties`` (a read-only mapping or ``None``).
    :param validate: optional ``validate(credentials)``, called once when a client is
        built: raises :class:`~pymongo.errors.ConfigurationError` for options the
        mechanism cannot work with.  Default ``None``: no check beyond the rules below.
    :param default_source: the authentication database when the URI and the keywords name
        none.  Default ``None``: the URI's database, else ``"admin"``.
    :param requires_password: whether a client without a password is refused when it is
        built (default ``True``; X.509, GSSAPI and mechanisms that find the secret
        themselves set ``False``).

    The value is frozen (``attrs``); ``repr`` leaves the functions out.
    """

    name: str
    authenticate: Callable[[Any, Any], None] = attrs.field(repr=False)
    validate: Optional[Callable[[Any], None]] = attrs.field(default=None, repr=False)
    default_source: Optional[str] = None
    # Whether the mechanism uses a password at all (X509 and GSSAPI may not).
    requires_password: bool = True


@attrs.frozen
class UuidRepresentation:
    """How a :class:`uuid.UUID` is stored as BSON binary, as the
    ``mongofw_uuid_representations`` hook returns it.

    :param code: the ``int`` a program passes as ``CodecOptions(uuid_representation=...)``
        (unique among the installed plugins; the built-in ones are
        :data:`bson.binary.PYTHON_LEGACY` and its siblings).
    :param name: the spelling ``uuidRepresentation=<name>`` selects in a URI (unique).
    :param subtype: the binary subtype written (``3`` for the legacy orders, ``4`` for
        the standard one).
    :param to_binary: ``to_binary(value)`` returns the 16 bytes stored for a
        :class:`uuid.UUID`.
    :param from_binary: ``from_binary(data)`` returns the :class:`uuid.UUID` for 16
        stored bytes.
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

    ``session`` is the ``ClientSession`` a GridFS call was given (None otherwise): every
    command the method sends must run in it.  A storage whose methods take no
    ``session`` still works, but a GridFS call with a session then raises
    ``ConfigurationError`` instead of running part of its work outside the session.
    """

    def ensure_indexes(self, session: Any = None) -> None:
        """Create what reading chunks by ``(files_id, n)`` needs (unique).

        Called before a bucket's first write, and only while its files collection is empty,
        in the ``session`` of the GridFS call (see the class).
        """

    def write_chunks(self, files_id: Any, first_n: int, chunks: Sequence[bytes],
                     session: Any = None) -> None:
        """Store ``chunks`` as chunk ``first_n``, ``first_n + 1``, … of file ``files_id``.

        Every write runs in ``session`` (see the class).  Raises ``DuplicateKeyError`` when
        such a chunk already exists.
        """

    def read_chunks(self, file_document: Mapping[str, Any], first_n: int,
                    stop_n: int, session: Any = None) -> Iterator[Tuple[int, bytes]]:
        """``(n, content)`` for the stored chunks ``first_n <= n < stop_n``, ascending ``n``.

        ``file_document`` is the file's document from the files collection (``_id``,
        ``length``, ``chunkSize`` and the fields :meth:`file_fields` added).  Reads run in
        ``session`` (see the class).  Missing chunks are simply not yielded (the bucket
        reports them); the caller may stop early, closing the iterator.  Raises
        ``CorruptGridFile`` for a file this storage cannot read.
        """

    def delete_chunks(self, files_id: Any, session: Any = None) -> None:
        """Remove every chunk of file ``files_id`` (none is not an error), in ``session``."""

    def file_fields(self, files_id: Any) -> Mapping[str, Any]:
        """Fields to record on the files document of the new file ``files_id``.

        Called once, when the upload closes, after its last ``write_chunks``.
        """


GridFSStorageFactory = Callable[[Any], ChunkStorage]
"""Called with the bucket's chunks ``Collection`` (carrying its write concern and read
preference); returns the storage for that bucket."""
