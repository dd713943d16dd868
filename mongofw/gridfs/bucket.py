"""One GridFS bucket: its files collection, its chunk storage, and the file-level operations.

``gridfs.GridFS`` and ``gridfs.GridFSBucket`` check their arguments and call into a
:class:`Bucket`; uploads and downloads are :mod:`mongofw.gridfs.upload` and
:mod:`mongofw.gridfs.download`.  Each operation takes the caller's ``session`` (None
outside one) and sends every command it makes, its chunk storage's too, in it.
"""
from __future__ import annotations

import inspect
import threading
from typing import Any, Dict, List, Mapping, Optional

from mongofw.errors import ConfigurationError
from mongofw.gridfs.errors import NoFile
from mongofw.gridfs.indexes import FILES_INDEX, ensure_index, files_collection_is_empty
from mongofw.gridfs.storage import check_chunk_size

#: 255 KiB: the default chunk size of the GridFS specification (just under 256 KiB so a
#: chunk document plus its overhead fits a power-of-two allocation on the server).
DEFAULT_CHUNK_SIZE = 255 * 1024


def check_collection(value: Any, what: str) -> None:
    from mongofw.client.collection import Collection

    if not isinstance(value, Collection):
        raise TypeError(f"{what} must be an instance of Collection, not {type(value).__name__}")


def check_database(value: Any, what: str = "database") -> None:
    from mongofw.client.database import Database

    if not isinstance(value, Database):
        raise TypeError(f"{what} must be an instance of Database, not {type(value).__name__}")


def check_session(collection: Any, session: Any) -> Any:
    """``session`` when it may be used with ``collection``'s client (None stays None)."""
    return collection.database.client._check_session(session)


# The storage methods that send commands: each must take ``session`` to run in one.
_STORAGE_METHODS = ("ensure_indexes", "write_chunks", "read_chunks", "delete_chunks")


def _takes_session(method: Any) -> bool:
    parameters = inspect.signature(method).parameters.values()
    return any(p.name == "session" or p.kind is p.VAR_KEYWORD for p in parameters)


class _StorageInSession:
    """A chunk storage whose every command runs in one session."""

    def __init__(self, storage: Any, session: Any) -> None:
        self._storage = storage
        self._session = session
        self.wrapped_storage = storage

    def ensure_indexes(self) -> None:
        self._storage.ensure_indexes(session=self._session)

    def write_chunks(self, files_id: Any, first_n: int, chunks: Any) -> None:
        self._storage.write_chunks(files_id, first_n, chunks, session=self._session)

    def read_chunks(self, file_document: Mapping[str, Any], first_n: int, stop_n: int) -> Any:
        return self._storage.read_chunks(file_document, first_n, stop_n,
                                         session=self._session)

    def delete_chunks(self, files_id: Any) -> None:
        self._storage.delete_chunks(files_id, session=self._session)

    def file_fields(self, files_id: Any) -> Mapping[str, Any]:
        return self._storage.file_fields(files_id)


def resolve_storage(root: Any, chunk_size: int) -> Any:
    """Ask the plugins (first result wins) for the chunk storage of the bucket ``root``."""
    client = root.database.client
    plugins = getattr(client, "_plugins", None)
    if plugins is None:
        from mongofw.plugin_manager import get_plugins

        plugins = get_plugins()
    setup = getattr(client, "_setup", None)
    options = {"database": root.database, "bucket_name": root.name,
               "chunk_size_bytes": chunk_size, "write_concern": root.write_concern,
               "read_preference": root.read_preference,
               "client_options": dict(getattr(setup, "plugin_options", {}) or {})}
    factory = plugins.gridfs_storage(options)
    if factory is None:
        raise ConfigurationError("no GridFS storage plugin answered mongofw_gridfs_storage: "
                                 "default plugins not found; is mongofw installed "
                                 "(pip install -e .)?")
    return factory(root.chunks)


class Bucket:
    """The collections ``<root>.files`` / ``<root>.chunks`` and the storage of one bucket."""

    def __init__(self, root: Any, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 storage: Any = None, disable_md5: bool = False) -> None:
        check_collection(root, "root_collection")
        if not root.write_concern.acknowledged:
            raise ConfigurationError(f"GridFS bucket {root.name!r} cannot use an "
                                     f"unacknowledged write concern (w=0)")
        self.root = root
        self.files = root.files
        self.chunk_size = check_chunk_size(chunk_size)
        if not isinstance(disable_md5, bool):
            raise TypeError(f"disable_md5 must be True or False, not {disable_md5!r}")
        self.disable_md5 = disable_md5
        self.storage = storage if storage is not None else resolve_storage(root, chunk_size)
        self._indexes_checked = False
        self._lock = threading.Lock()
        self._storage_takes_session: Optional[bool] = None

    def storage_in(self, session: Any) -> Any:
        """The chunk storage, its commands sent in ``session`` (as it is when None)."""
        if session is None:
            return self.storage
        if self._storage_takes_session is None:
            self._storage_takes_session = all(
                _takes_session(getattr(self.storage, name)) for name in _STORAGE_METHODS)
        if not self._storage_takes_session:
            raise ConfigurationError(
                f"the GridFS chunk storage {type(self.storage).__qualname__} (from a "
                f"mongofw_gridfs_storage plugin) takes no session= argument, so GridFS "
                f"cannot run in a session with it; update the plugin, or call GridFS "
                f"without session=")
        return _StorageInSession(self.storage, session)

    def ensure_indexes(self, session: Any = None) -> None:
        """Before the first write: create missing indexes while the files collection is empty."""
        if self._indexes_checked:
            return
        with self._lock:
            if self._indexes_checked:
                return
            if files_collection_is_empty(self.files, session):
                ensure_index(self.files, FILES_INDEX, session=session)
                self.storage_in(session).ensure_indexes()
            self._indexes_checked = True

    # ------------------------------------------------------------ files

    def file_document(self, file_id: Any, session: Any = None) -> Optional[Mapping[str, Any]]:
        return self.files.find_one({"_id": file_id}, session=session)

    def revision(self, query: Mapping[str, Any], revision: int,
                 session: Any = None) -> Mapping[str, Any]:
        """The ``revision``-th file matching ``query`` by upload date (negative: from the newest)."""
        if not isinstance(revision, int) or isinstance(revision, bool):
            raise TypeError(f"version must be an integer, not {type(revision).__name__}")
        if revision < 0:
            skip, order = -revision - 1, -1
        else:
            skip, order = revision, 1
        # _id breaks ties: uploads within one millisecond share an uploadDate, and the
        # ObjectIds one client generates increase in upload order.
        cursor = self.files.find(dict(query), skip=skip, limit=-1,
                                 sort=[("uploadDate", order), ("_id", order)],
                                 session=session)
        for document in cursor:
            return document
        described = ", ".join(f"{k}={v!r}" for k, v in query.items()) or "any file"
        where = f"in GridFS bucket {self.root.full_name!r}"
        if revision in (0, -1):
            raise NoFile(f"no file matching {described} {where}")
        raise NoFile(f"no version {revision} of the files matching {described} {where}")

    def filenames(self, session: Any = None) -> List[str]:
        """Every distinct filename (files without one left out), sorted."""
        names = set()
        for document in self.files.find({}, projection={"filename": True, "_id": False},
                                        session=session):
            name = document.get("filename")
            if name is not None:
                names.add(name)
        return sorted(names, key=lambda n: (str(type(n)), n))

    def delete(self, file_id: Any, missing_ok: bool, session: Any = None) -> None:
        """Remove the files document first (readers see no file rather than a torn one),
        then the chunks; a missing file raises NoFile unless ``missing_ok``."""
        storage = self.storage_in(session)
        result = self.files.delete_one({"_id": file_id}, session=session)
        if result.deleted_count == 0 and not missing_ok:
            raise NoFile(f"no file with _id {file_id!r} in GridFS bucket "
                         f"{self.root.full_name!r}")
        storage.delete_chunks(file_id)

    def rename(self, file_id: Any, new_filename: Any, session: Any = None) -> None:
        result = self.files.update_one({"_id": file_id}, {"$set": {"filename": new_filename}},
                                       session=session)
        if result.matched_count == 0:
            raise NoFile(f"no file with _id {file_id!r} in GridFS bucket "
                         f"{self.root.full_name!r}; nothing renamed")

    def upload(self, fields: Dict[str, Any], session: Any = None) -> Any:
        from mongofw.gridfs.upload import ChunkWriter

        return ChunkWriter(self, fields, session)

    def download(self, file_id: Any = None, file_document: Any = None,
                 session: Any = None) -> Any:
        from mongofw.gridfs.download import ChunkReader

        return ChunkReader(self, file_id, file_document, session)
