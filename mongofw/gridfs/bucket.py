"""One GridFS bucket: its files collection, its chunk storage, and the file-level operations.

``gridfs.GridFS`` and ``gridfs.GridFSBucket`` check their arguments and call into a
:class:`Bucket`; uploads and downloads are :mod:`mongofw.gridfs.upload` and
:mod:`mongofw.gridfs.download`.
"""
from __future__ import annotations

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

    def ensure_indexes(self) -> None:
        """Before the first write: create missing indexes while the files collection is empty."""
        if self._indexes_checked:
            return
        with self._lock:
            if self._indexes_checked:
                return
            if files_collection_is_empty(self.files):
                ensure_index(self.files, FILES_INDEX)
                self.storage.ensure_indexes()
            self._indexes_checked = True

    # ------------------------------------------------------------ files

    def file_document(self, file_id: Any) -> Optional[Mapping[str, Any]]:
        return self.files.find_one({"_id": file_id})

    def revision(self, query: Mapping[str, Any], revision: int) -> Mapping[str, Any]:
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
                                 sort=[("uploadDate", order), ("_id", order)])
        for document in cursor:
            return document
        described = ", ".join(f"{k}={v!r}" for k, v in query.items()) or "any file"
        where = f"in GridFS bucket {self.root.full_name!r}"
        if revision in (0, -1):
            raise NoFile(f"no file matching {described} {where}")
        raise NoFile(f"no version {revision} of the files matching {described} {where}")

    def filenames(self) -> List[str]:
        """Every distinct filename (files without one left out), sorted."""
        names = set()
        for document in self.files.find({}, projection={"filename": True, "_id": False}):
            name = document.get("filename")
            if name is not None:
                names.add(name)
        return sorted(names, key=lambda n: (str(type(n)), n))

    def delete(self, file_id: Any, missing_ok: bool) -> None:
        """Remove the files document first (readers see no file rather than a torn one),
        then the chunks; a missing file raises NoFile unless ``missing_ok``."""
        result = self.files.delete_one({"_id": file_id})
        if result.deleted_count == 0 and not missing_ok:
            raise NoFile(f"no file with _id {file_id!r} in GridFS bucket "
                         f"{self.root.full_name!r}")
        self.storage.delete_chunks(file_id)

    def rename(self, file_id: Any, new_filename: Any) -> None:
        result = self.files.update_one({"_id": file_id}, {"$set": {"filename": new_filename}})
        if result.matched_count == 0:
            raise NoFile(f"no file with _id {file_id!r} in GridFS bucket "
                         f"{self.root.full_name!r}; nothing renamed")

    def upload(self, fields: Dict[str, Any]) -> Any:
        from mongofw.gridfs.upload import ChunkWriter

        return ChunkWriter(self, fields)

    def download(self, file_id: Any = None, file_document: Any = None) -> Any:
        from mongofw.gridfs.download import ChunkReader

        return ChunkReader(self, file_id, file_document)
