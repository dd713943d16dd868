"""Files stored in GridFS (documented as ``gridfs.grid_file``).

``GridIn`` and ``GridOut`` check arguments and delegate to the upload and download state
in :mod:`mongofw.gridfs.upload` / :mod:`mongofw.gridfs.download`; the files document's
fields are their attributes.  Given a ``session`` (3.6), every command they send runs in
it.
"""
from __future__ import annotations

import io
from typing import Any, Iterable, Iterator, Optional

from gridfs.errors import CorruptGridFile, FileExists, GridFSError, NoFile  # noqa: F401
from mongofw.client.cursor import Cursor
from mongofw.gridfs.bucket import DEFAULT_CHUNK_SIZE, Bucket, check_collection, check_session

__all__ = ["DEFAULT_CHUNK_SIZE", "GridIn", "GridOut", "GridOutCursor"]


def _field(name: str, doc: str, writable: bool = False, closed_only: bool = False) -> property:
    """A GridIn attribute backed by the files-document field ``name``."""

    def getter(self: GridIn) -> Any:
        writer = self._writer
        if closed_only and not writer.closed:
            raise AttributeError(f"can only get {name!r} on a closed file")
        if name == "length":
            return writer.document.get("length", 0)
        return writer.document.get(name)

    def setter(self: GridIn, value: Any) -> None:
        if not writable:
            raise AttributeError(f"GridIn attribute {name!r} is read-only")
        self._writer.set_field(name, value)

    return property(getter, setter, doc=doc)


class GridIn:
    """A file being written to GridFS, chunk by chunk.

    Applications usually get one from :meth:`gridfs.GridFS.new_file` or
    :meth:`gridfs.GridFSBucket.open_upload_stream` rather than building it.  Nothing
    is stored until the first chunk fills or :meth:`close` is called; used as a
    context manager it closes on success and aborts (removing what was written) when
    the block raises.

    :param root_collection: the bucket's root :class:`~pymongo.collection.Collection`
        (``db.fs`` for the default bucket); its write concern must be acknowledged.
    :param session: a :class:`~pymongo.client_session.ClientSession` every command
        runs in (new in 3.6); ``None`` (the default) uses implicit sessions.
    :param disable_md5: when ``True``, no ``md5`` field is computed or stored (default
        ``False``; new in 3.7).
    :param kwargs: fields of the files document: ``_id`` (default a new
        :class:`~bson.objectid.ObjectId`; it must not be in use already),
        ``filename``, ``contentType`` (or ``content_type``), ``chunkSize`` (or
        ``chunk_size``, in bytes; default :data:`DEFAULT_CHUNK_SIZE`), ``encoding``
        (the codec that ``str`` data is encoded with), and any other field to store.
    :raises TypeError: when ``root_collection`` is not a Collection, or ``encoding``
        not a ``str``.
    :raises ~pymongo.errors.ConfigurationError: when the collection's write concern is
        unacknowledged (``w=0``).
    :raises ~pymongo.errors.InvalidOperation: when ``session`` belongs to another
        client or has ended.
    """

    def __init__(self, root_collection: Any, session: Any = None, disable_md5: bool = False,
                 **kwargs: Any) -> None:
        check_collection(root_collection, "root_collection")
        session = check_session(root_collection, session)
        self._start(Bucket(root_collection, disable_md5=disable_md5), kwargs, session)

    @classmethod
    def _create(cls, bucket: Bucket, kwargs: Any, session: Any = None) -> GridIn:
        grid_in = cls.__new__(cls)
        grid_in._start(bucket, kwargs, check_session(bucket.root, session))
        return grid_in

    def _start(self, bucket: Bucket, kwargs: Any, session: Any) -> None:
        object.__setattr__(self, "_writer", bucket.upload(dict(kwargs), session))

    _id = _field("_id", "The '_id' value for this file (read-only).")
    filename = _field("filename", "Name of this file.", writable=True)
    name = _field("filename", "Alias for filename.", writable=True)
    content_type = _field("contentType", "Mime-type for this file.", writable=True)
    chunk_size = _field("chunkSize", "Chunk size for this file (read-only).")
    length = _field("length", "Length (in bytes) of this file; read-only, after close().",
                    closed_only=True)
    md5 = _field("md5", "MD5 of the contents of this file; read-only, after close().",
                 closed_only=True)
    upload_date = _field("uploadDate", "Date that this file was uploaded; read-only, after "
                         "close().", closed_only=True)

    @property
    def closed(self) -> bool:
        """Is this file closed?"""
        return self._writer.closed

    def __getattr__(self, name: str) -> Any:
        field = getattr(type(self), name, None)
        if isinstance(field, property):
            # The property raised AttributeError (e.g. length before close); Python then
            # falls back here: call it again so its own message reaches the caller.
            return field.fget(self)
        document = self.__dict__["_writer"].document if "_writer" in self.__dict__ else {}
        if name in document:
            return document[name]
        raise AttributeError(f"GridIn object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__ or hasattr(type(self), name):
            object.__setattr__(self, name, value)
        else:
            # Any other attribute is a field of the files document.
            self._writer.set_field(name, value)

    def write(self, data: Any) -> None:
        """Append ``data`` to the file.

        :param data: ``bytes``; a ``str``, when the file was created with an
            ``encoding``; or a file-like object, read to its end.
        :raises TypeError: for a ``str`` when the file has no ``encoding``, or data of
            another type.
        :raises ValueError: when the file is closed.
        :raises ~gridfs.errors.FileExists: when a chunk cannot be stored because the
            file's ``_id`` is already used.
        """
        self._writer.write(data)

    def writelines(self, sequence: Iterable[Any]) -> None:
        """Write a sequence of strings to the file (no separators added)."""
        for line in sequence:
            self._writer.write(line)

    def close(self) -> None:
        """Flush the file and close it; calling close() more than once is allowed."""
        self._writer.close()

    def abort(self) -> None:
        """Remove all chunks/files that may have been uploaded and close."""
        self._writer.abort()

    # The io.IOBase answers of 3.13's GridIn: a write-only, unseekable stream.

    def read(self, size: int = -1) -> bytes:
        """Always raise :exc:`io.UnsupportedOperation`: a GridIn is written, not read.

        ``size`` (an ``int``, default ``-1``) is accepted for the ``io`` signature and
        ignored.  Not in 3.4's API; part of 3.13's.
        """
        raise io.UnsupportedOperation("read")

    def readable(self) -> bool:
        """``False``: a GridIn cannot be read (not in 3.4's API; part of 3.13's)."""
        return False

    def seekable(self) -> bool:
        """``False``: a GridIn is written front to back (not in 3.4; part of 3.13)."""
        return False

    def writeable(self) -> bool:
        """``True``: a GridIn accepts :meth:`write` (not in 3.4; part of 3.13)."""
        return True

    def __enter__(self) -> GridIn:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        # An exception inside the block aborts, so a half-written file never appears.
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False


def _out_field(name: str, doc: str, default: Any = None) -> property:
    def getter(self: GridOut) -> Any:
        return self._reader.document.get(name, default)

    def setter(self: GridOut, value: Any) -> None:
        raise AttributeError(f"GridOut attribute {name!r} is read-only")

    return property(getter, setter, doc=doc)


class GridOut:
    """A file stored in GridFS, read like a binary file object.

    Applications usually get one from :meth:`gridfs.GridFS.get`,
    :meth:`gridfs.GridFSBucket.open_download_stream` or a :class:`GridOutCursor`.
    The files document is fetched when first needed (so a missing file raises
    :exc:`~gridfs.errors.NoFile` then, not here), and its fields are read-only
    attributes.  Give ``file_id`` or ``file_document``; the document wins when both
    are given.

    :param root_collection: the bucket's root :class:`~pymongo.collection.Collection`
        (``db.fs`` for the default bucket).
    :param file_id: the ``_id`` of the file to read.
    :param file_document: the file's document from ``<root>.files``, when the caller
        already has it (no query is then made for it).
    :param session: a :class:`~pymongo.client_session.ClientSession` every command
        runs in (new in 3.6); ``None`` (the default) uses implicit sessions.
    :raises TypeError: when ``root_collection`` is not a Collection or
        ``file_document`` not a mapping.
    """

    def __init__(self, root_collection: Any, file_id: Any = None,
                 file_document: Any = None, session: Any = None) -> None:
        check_collection(root_collection, "root_collection")
        self._open(Bucket(root_collection), file_id, file_document, session)

    @classmethod
    def _create(cls, bucket: Bucket, file_id: Any = None, file_document: Any = None,
                session: Any = None) -> GridOut:
        grid_out = cls.__new__(cls)
        grid_out._open(bucket, file_id, file_document, session)
        return grid_out

    def _open(self, bucket: Bucket, file_id: Any, file_document: Any, session: Any) -> None:
        if file_document is not None and not hasattr(file_document, "get"):
            raise TypeError(f"file_document must be a mapping, not "
                            f"{type(file_document).__name__}")
        session = check_session(bucket.root, session)
        self.__dict__["_reader"] = bucket.download(file_id, file_document, session)

    _id = _out_field("_id", "The '_id' value for this file (read-only).")
    filename = _out_field("filename", "Name of this file (read-only).")
    name = _out_field("filename", "Alias for filename (read-only).")
    content_type = _out_field("contentType", "Mime-type for this file (read-only).")
    length = _out_field("length", "Length (in bytes) of this file (read-only).", 0)
    chunk_size = _out_field("chunkSize", "Chunk size for this file (read-only).")
    upload_date = _out_field("uploadDate", "Date that this file was first uploaded "
                             "(read-only).")
    aliases = _out_field("aliases", "List of aliases for this file (read-only).")
    metadata = _out_field("metadata", "Metadata attached to this file (read-only).")
    md5 = _out_field("md5", "MD5 of the contents of this file (read-only).")

    def __getattr__(self, name: str) -> Any:
        reader = self.__dict__.get("_reader")
        if reader is not None and name in reader.document:
            return reader.document[name]
        raise AttributeError(f"GridOut object has no attribute {name!r}")

    def _ensure_file(self) -> None:
        """Fetch the files document now (NoFile if there is none)."""
        self._reader.document  # noqa: B018 - the fetch is the point

    def read(self, size: int = -1) -> bytes:
        """Read at most ``size`` bytes (all that is left when negative or omitted)."""
        if size is not None and (not isinstance(size, int) or isinstance(size, bool)):
            raise TypeError(f"size must be an integer, not {type(size).__name__}")
        return self._reader.read(size)

    def readchunk(self) -> bytes:
        """The rest of the current chunk, or the next whole chunk."""
        return self._reader.readchunk()

    def readline(self, size: int = -1) -> bytes:
        """Read one line, or up to ``size`` bytes."""
        if size is not None and (not isinstance(size, int) or isinstance(size, bool)):
            raise TypeError(f"size must be an integer, not {type(size).__name__}")
        return self._reader.readline(size)

    def tell(self) -> int:
        """Return the current position of this file."""
        return self._reader.tell()

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        """Move the read position and return the new one.

        :param pos: an ``int``: the position (with ``os.SEEK_SET``) or offset (with
            the others) to move to.
        :param whence: ``os.SEEK_SET`` (``0``, the default) from the start,
            ``os.SEEK_CUR`` (``1``) from the current position, ``os.SEEK_END`` (``2``)
            from the end.
        :returns: the new position, an ``int``.
        :raises TypeError: when ``pos`` is not an ``int``.
        :raises OSError: for another ``whence``, or a position before the start.
        """
        if not isinstance(pos, int) or isinstance(pos, bool):
            raise TypeError(f"pos must be an integer, not {type(pos).__name__}")
        return self._reader.seek(pos, whence)

    def __iter__(self) -> Iterator[bytes]:
        """An iterator over all of this file's data, chunk-sized bytes at a time."""
        return iter(self._reader)

    def close(self) -> None:
        """Make GridOut more generically file-like (releases the chunk cursor)."""
        self._reader.close()

    def readable(self) -> bool:
        """``True``: a GridOut can be read (not in 3.4's API; part of 3.13's)."""
        return True

    def seekable(self) -> bool:
        """``True``: see :meth:`seek` (not in 3.4's API; part of 3.13's)."""
        return True

    def write(self, value: Any) -> None:
        """Always raise :exc:`io.UnsupportedOperation`: a GridOut is read, not written.

        ``value`` is accepted for the ``io`` signature and ignored.  Not in 3.4's API;
        part of 3.13's.
        """
        raise io.UnsupportedOperation("write")

    def __enter__(self) -> GridOut:
        return self

    def __exit__(self, *exc: Any) -> bool:
        self.close()
        return False


class GridOutCursor(Cursor):
    """A cursor over a bucket's files documents that yields each as a :class:`GridOut`.

    Applications get one from :meth:`gridfs.GridFS.find` or
    :meth:`gridfs.GridFSBucket.find`; it has the methods of
    :class:`~pymongo.cursor.Cursor` (``sort``, ``limit``, ``skip``...).

    :param collection: the bucket's root :class:`~pymongo.collection.Collection`; the
        query runs on ``<collection>.files``.
    :param filter: a query document the files documents must match (default ``None``:
        all of them).
    :param skip: how many matches to skip (``int``, default ``0``).
    :param limit: the most files to return (``int``; ``0``, the default, means no
        limit).
    :param no_cursor_timeout: when ``True``, ask the server not to time the cursor out
        while idle (default ``False``).
    :param sort: the order, as a list of ``(key, direction)`` pairs (default ``None``:
        the server's order).
    :param batch_size: how many files documents each batch holds (``int``; ``0``, the
        default, lets the server choose).
    :param session: a :class:`~pymongo.client_session.ClientSession` the query, and
        the GridOuts' chunk reads, run in (new in 3.6); ``None`` by default.
    :raises TypeError: when ``collection`` is not a Collection, or an option has the
        wrong type (as for :class:`~pymongo.cursor.Cursor`).
    """

    def __init__(self, collection: Any, filter: Optional[Any] = None, skip: int = 0,
                 limit: int = 0, no_cursor_timeout: bool = False, sort: Any = None,
                 batch_size: int = 0, session: Any = None) -> None:
        check_collection(collection, "collection")
        self._root = collection
        self._bucket: Optional[Bucket] = None
        super().__init__(collection.files, filter, skip=skip, limit=limit,
                         no_cursor_timeout=no_cursor_timeout, sort=sort,
                         batch_size=batch_size, session=session)

    def __next__(self) -> GridOut:
        """Get next GridOut object from cursor (it reads its chunks in the same session)."""
        document = super().__next__()
        if self._bucket is None:
            self._bucket = Bucket(self._root)
        return GridOut._create(self._bucket, file_document=document, session=self.session)

    next = __next__
