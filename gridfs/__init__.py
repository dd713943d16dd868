"""GridFS: storing large files in MongoDB (documented as ``gridfs``).

``GridFS`` (the legacy API) and ``GridFSBucket`` (the GridFS specification's API) check
their arguments and delegate to :class:`mongofw.gridfs.bucket.Bucket`; the chunk bytes
go through the storage the ``mongofw_gridfs_storage`` hook provides.  Every method takes
``session`` (3.6): all the commands it sends, and those of the GridIn, GridOut or
GridOutCursor it returns, run in that ``ClientSession``.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from gridfs.errors import CorruptGridFile, FileExists, GridFSError, NoFile
from gridfs.grid_file import DEFAULT_CHUNK_SIZE, GridIn, GridOut, GridOutCursor
from mongofw.compat.attributes import GridFSBucketAttributes
from mongofw.errors import ConfigurationError
from mongofw.gridfs.bucket import Bucket, check_database
from mongofw.gridfs.storage import check_chunk_size

__all__ = ["GridFS", "GridFSBucket", "GridIn", "GridOut", "GridOutCursor", "NoFile",
           "FileExists", "CorruptGridFile", "GridFSError", "DEFAULT_CHUNK_SIZE"]


def _upload(grid_in: GridIn, data: Any) -> Any:
    """Write ``data`` and close; on any failure abort, so no partial file remains."""
    try:
        grid_in.write(data)
    except BaseException:
        grid_in.abort()
        raise
    grid_in.close()
    return grid_in._id


def _check_filename(filename: Any) -> None:
    if not isinstance(filename, str):
        raise ValueError(f"filename must be a str, not {type(filename).__name__}")


class GridFS:
    """Files stored in a database, through the legacy GridFS API.

    :param database: the :class:`~pymongo.database.Database` holding the files; its
        write concern must be acknowledged.
    :param collection: the root name (``str``, default ``"fs"``): files go in
        ``<collection>.files`` and ``<collection>.chunks``.
    :param disable_md5: when ``True``, new files get no ``md5`` field (default ``False``;
        new in 3.7).
    :raises TypeError: when ``database`` is not a Database or ``collection`` not a
        ``str``.
    :raises ~pymongo.errors.ConfigurationError: when the database's write concern is
        unacknowledged (``w=0``).

    The chunks go through the storage the ``mongofw_gridfs_storage`` hook provides (the
    specification's layout unless a plugin answers).
    """

    def __init__(self, database: Any, collection: str = "fs", disable_md5: bool = False) -> None:
        check_database(database)
        if not isinstance(collection, str):
            raise TypeError(f"collection must be an instance of str, not "
                            f"{type(collection).__name__}")
        if not database.write_concern.acknowledged:
            raise ConfigurationError("database must use acknowledged write_concern for "
                                     "GridFS, not w=0")
        self.__database = database
        self.__bucket = Bucket(database[collection], disable_md5=disable_md5)

    def new_file(self, **kwargs: Any) -> GridIn:
        """A new GridIn; keyword arguments become fields of the file (see GridIn), but
        ``session``, which the GridIn writes in."""
        session = kwargs.pop("session", None)
        return GridIn._create(self.__bucket, kwargs, session)

    def put(self, data: Any, **kwargs: Any) -> Any:
        """Store ``data`` as a new file and return its ``_id``.

        :param data: ``bytes``, a ``str`` (then ``encoding=`` is required, e.g.
            ``encoding="utf-8"``) or a file-like object with ``read()``.
        :param kwargs: fields of the new file document (``filename``, ``content_type``,
            ``chunkSize``, ``_id``, or any other), as for :class:`~gridfs.grid_file.GridIn`.
        :raises ~gridfs.errors.FileExists: when ``_id`` is given and already used.

        On any failure the partial file is removed.
        """
        return _upload(self.new_file(**kwargs), data)

    def get(self, file_id: Any, session: Any = None) -> GridOut:
        """The file whose ``_id`` is ``file_id``, as a :class:`~gridfs.grid_file.GridOut`.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :raises ~gridfs.errors.NoFile: when there is no such file.
        """
        grid_out = GridOut._create(self.__bucket, file_id=file_id, session=session)
        grid_out._ensure_file()
        return grid_out

    def get_version(self, filename: Optional[str] = None, version: int = -1,
                    session: Any = None, **kwargs: Any) -> GridOut:
        """One version of a file, chosen by name and/or other fields of its document.

        :param filename: the file's name; ``None`` (the default) matches any name.
        :param version: which match, by upload date: ``0`` the first, ``1`` the second,
            ``-1`` (the default) the newest, ``-2`` the one before it.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :param kwargs: more fields the file document must have (``metadata.owner="ada"``
            style names are not expanded: pass them as they are stored).
        :returns: a :class:`~gridfs.grid_file.GridOut`.
        :raises ~gridfs.errors.NoFile: when no file has that version.
        """
        query = dict(kwargs)
        if filename is not None:
            query["filename"] = filename
        return GridOut._create(self.__bucket,
                               file_document=self.__bucket.revision(query, version, session),
                               session=session)

    def get_last_version(self, filename: Optional[str] = None, session: Any = None,
                         **kwargs: Any) -> GridOut:
        """The newest version of the file named ``filename`` (``None``: any name), i.e.
        :meth:`get_version` with ``version=-1``; ``kwargs`` are more fields to match, and
        ``session`` is as there.

        :raises ~gridfs.errors.NoFile: when no file matches.
        """
        return self.get_version(filename=filename, session=session, **kwargs)

    def delete(self, file_id: Any, session: Any = None) -> None:
        """Delete the file whose ``_id`` is ``file_id``: its document, then its chunks.

        A file that does not exist is not an error.  A reader that has the file open may
        fail part-way through.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        """
        self.__bucket.delete(file_id, True, session)

    def list(self, session: Any = None) -> list:
        """The names of all files stored in this GridFS (each name once).

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        """
        return self.__bucket.filenames(session)

    def find(self, *args: Any, **kwargs: Any) -> GridOutCursor:
        """A GridOutCursor over the files matching a query (as ``Collection.find``)."""
        cursor = GridOutCursor(self.__bucket.root, *args, **kwargs)
        cursor._bucket = self.__bucket
        return cursor

    def find_one(self, filter: Any = None, *args: Any, session: Any = None,
                 **kwargs: Any) -> Optional[GridOut]:
        """A single matching file or None; a non-mapping filter is an ``_id``.

        ``session`` is keyword-only: 3.6 put it second, but 3.4 passed further positional
        arguments to ``find`` and that order is kept."""
        if filter is not None and not isinstance(filter, Mapping):
            filter = {"_id": filter}
        cursor = self.find(filter, *args, session=session, **kwargs).limit(-1)
        for grid_out in cursor:
            return grid_out
        return None

    def exists(self, document_or_id: Any = None, session: Any = None, **kwargs: Any) -> bool:
        """Whether at least one file matches.

        :param document_or_id: an ``_id`` value, or a query document (a mapping); ``None``
            (the default) uses ``kwargs`` alone.
        :param kwargs: fields to match (``filename="a.txt"``), as a query document would.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        """
        files = self.__bucket.files
        query = kwargs if kwargs else document_or_id
        return files.find_one(query, projection={"_id": True}, session=session) is not None


class GridFSBucket(GridFSBucketAttributes):
    """A GridFS bucket: the API of the GridFS specification (new in 3.1).

    :param db: the :class:`~pymongo.database.Database` holding the bucket.
    :param bucket_name: the root name (``str``, default ``"fs"``): ``<bucket_name>.files``
        and ``<bucket_name>.chunks``.
    :param chunk_size_bytes: the chunk size of new files (positive ``int``, default
        255 KiB, :data:`gridfs.DEFAULT_CHUNK_SIZE`).
    :param write_concern: a :class:`~pymongo.write_concern.WriteConcern` for the bucket's
        writes; ``None`` (the default) takes the database's.  Must be acknowledged.
    :param read_preference: the read preference for the bucket's reads; ``None`` (the
        default) takes the database's.
    :param disable_md5: when ``True``, new files get no ``md5`` field (default ``False``;
        new in 3.7).
    :raises TypeError: when ``db`` is not a Database or ``bucket_name`` not a ``str``.
    :raises ~pymongo.errors.ConfigurationError: when the write concern is unacknowledged.
    """

    def __init__(self, db: Any, bucket_name: str = "fs",
                 chunk_size_bytes: int = DEFAULT_CHUNK_SIZE, write_concern: Any = None,
                 read_preference: Any = None, disable_md5: bool = False) -> None:
        check_database(db, "db")
        if not isinstance(bucket_name, str):
            raise TypeError(f"bucket_name must be an instance of str, not "
                            f"{type(bucket_name).__name__}")
        write_concern = write_concern or db.write_concern
        if not write_concern.acknowledged:
            raise ConfigurationError("write concern of a GridFSBucket must be acknowledged, "
                                     "not w=0")
        check_chunk_size(chunk_size_bytes)
        root = db.get_collection(bucket_name, write_concern=write_concern,
                                 read_preference=read_preference or db.read_preference)
        self._bucket = Bucket(root, chunk_size_bytes, disable_md5=disable_md5)

    def _fields(self, filename: Any, chunk_size_bytes: Any, metadata: Any) -> dict:
        _check_filename(filename)
        fields = {"filename": filename,
                  "chunkSize": check_chunk_size(chunk_size_bytes or self._bucket.chunk_size)}
        if metadata is not None:
            if not isinstance(metadata, Mapping):
                raise TypeError(f"metadata must be a mapping, not {type(metadata).__name__}")
            fields["metadata"] = metadata
        return fields

    def open_upload_stream(self, filename: str, chunk_size_bytes: Optional[int] = None,
                           metadata: Optional[Mapping[str, Any]] = None,
                           session: Any = None) -> GridIn:
        """A :class:`~gridfs.grid_file.GridIn` to write the new file ``filename`` to; the
        file exists once the stream is closed.

        :param filename: the file's name (``str``).
        :param chunk_size_bytes: this file's chunk size; ``None`` (the default) uses the
            bucket's.
        :param metadata: a mapping stored as the file document's ``metadata`` field;
            ``None`` (the default) stores none.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :raises ValueError: when ``filename`` is not a ``str``.
        :raises TypeError: when ``metadata`` is not a mapping.
        """
        return GridIn._create(self._bucket, self._fields(filename, chunk_size_bytes, metadata),
                              session)

    def open_upload_stream_with_id(self, file_id: Any, filename: str,
                                   chunk_size_bytes: Optional[int] = None,
                                   metadata: Optional[Mapping[str, Any]] = None,
                                   session: Any = None) -> GridIn:
        """As :meth:`open_upload_stream`, with ``file_id`` as the new file's ``_id``.

        ``filename``, ``chunk_size_bytes``, ``metadata`` and ``session`` are as there.  An ``_id``
        already in use raises :class:`~gridfs.errors.FileExists` when the stream closes.
        """
        fields = self._fields(filename, chunk_size_bytes, metadata)
        fields["_id"] = file_id
        return GridIn._create(self._bucket, fields, session)

    def upload_from_stream(self, filename: str, source: Any,
                           chunk_size_bytes: Optional[int] = None,
                           metadata: Optional[Mapping[str, Any]] = None,
                           session: Any = None) -> Any:
        """Store ``source`` as the new file ``filename`` and return its ``_id`` (an
        :class:`~bson.objectid.ObjectId`).

        :param source: ``bytes``, a ``str`` (stored as UTF-8) or a file-like object with
            ``read()``.
        :param chunk_size_bytes: as for :meth:`open_upload_stream` (``None``: the
            bucket's).
        :param metadata: as for :meth:`open_upload_stream`.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.

        On any failure the partial file is removed.
        """
        grid_in = self.open_upload_stream(filename, chunk_size_bytes, metadata, session)
        return _upload(grid_in, _as_bytes(source))

    def upload_from_stream_with_id(self, file_id: Any, filename: str, source: Any,
                                   chunk_size_bytes: Optional[int] = None,
                                   metadata: Optional[Mapping[str, Any]] = None,
                                   session: Any = None) -> None:
        """As :meth:`upload_from_stream`, with ``file_id`` as the new file's ``_id``.

        ``filename``, ``source``, ``chunk_size_bytes``, ``metadata`` and ``session`` are as
        there.
        :raises ~gridfs.errors.FileExists: when ``file_id`` is already used.
        """
        grid_in = self.open_upload_stream_with_id(file_id, filename, chunk_size_bytes,
                                                  metadata, session)
        _upload(grid_in, _as_bytes(source))

    def open_download_stream(self, file_id: Any, session: Any = None) -> GridOut:
        """A :class:`~gridfs.grid_file.GridOut` reading the file whose ``_id`` is
        ``file_id``.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :raises ~gridfs.errors.NoFile: when there is no such file.
        """
        grid_out = GridOut._create(self._bucket, file_id=file_id, session=session)
        grid_out._ensure_file()
        return grid_out

    def download_to_stream(self, file_id: Any, destination: Any, session: Any = None) -> None:
        """Write the content of the file whose ``_id`` is ``file_id`` to
        ``destination`` (any object with ``write(bytes)``), chunk by chunk.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :raises ~gridfs.errors.NoFile: when there is no such file.
        """
        _copy(self.open_download_stream(file_id, session), destination)

    def open_download_stream_by_name(self, filename: str, revision: int = -1,
                                     session: Any = None) -> GridOut:
        """A :class:`~gridfs.grid_file.GridOut` for one revision of ``filename``.

        :param filename: the file's name (``str``).
        :param revision: which upload of that name, by upload date: ``0`` the original,
            ``1`` the next, ``-1`` (the default) the newest, ``-2`` the one before it.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :raises ~gridfs.errors.NoFile: when there is no such revision.
        """
        _check_filename(filename)
        document = self._bucket.revision({"filename": filename}, revision, session)
        return GridOut._create(self._bucket, file_document=document, session=session)

    def download_to_stream_by_name(self, filename: str, destination: Any,
                                   revision: int = -1, session: Any = None) -> None:
        """Write the content of one revision of ``filename`` to ``destination`` (any object
        with ``write(bytes)``), chunk by chunk; ``revision`` and ``session`` are as for
        :meth:`open_download_stream_by_name`.

        :raises ~gridfs.errors.NoFile: when there is no such revision.
        """
        _copy(self.open_download_stream_by_name(filename, revision, session), destination)

    def delete(self, file_id: Any, session: Any = None) -> None:
        """Delete the file whose ``_id`` is ``file_id``: its files document, then its
        chunks.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :raises ~gridfs.errors.NoFile: when there is no such file.
        """
        self._bucket.delete(file_id, False, session)

    def find(self, *args: Any, **kwargs: Any) -> GridOutCursor:
        """A GridOutCursor over the files documents matching a filter."""
        cursor = GridOutCursor(self._bucket.root, *args, **kwargs)
        cursor._bucket = self._bucket
        return cursor

    def rename(self, file_id: Any, new_filename: str, session: Any = None) -> None:
        """Give the file whose ``_id`` is ``file_id`` the name ``new_filename``.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in
            (new in 3.6); ``None`` (the default) uses an implicit one.
        :raises ~gridfs.errors.NoFile: when there is no such file.
        """
        self._bucket.rename(file_id, new_filename, session)


def _as_bytes(source: Any) -> Any:
    # The documented examples upload a str; it is stored as its UTF-8 bytes.
    return source.encode("utf-8") if isinstance(source, str) else source


def _copy(grid_out: GridOut, destination: Any) -> None:
    write = getattr(destination, "write", None)
    if not callable(write):
        raise TypeError(f"destination must be a file-like object with write(), not "
                        f"{type(destination).__name__}")
    for chunk in grid_out:
        write(chunk)
