"""Writing one file: buffered chunks out through the storage, the files document last.

Memory stays bounded: at most one batch of chunks (about ``BATCH_BYTES``) is held before
it goes to the storage, and file-like sources are read a chunk at a time.  The files
document is inserted only after every chunk is stored, so a failure half-way never
leaves a visible file; the chunks already written are removed again.  Every command of
an upload runs in its session, when it was given one.
"""
from __future__ import annotations

import datetime
import hashlib
from typing import Any, Dict, List

from bson.objectid import ObjectId
from mongofw.errors import DuplicateKeyError
from mongofw.gridfs.errors import FileExists
from mongofw.gridfs.storage import check_chunk_size, chunks_per_batch, takes_buffers

# Keyword spellings GridIn accepts for the specification's field names.
_ALIASES = {"content_type": "contentType", "chunk_size": "chunkSize"}


def file_fields(kwargs: Dict[str, Any], default_chunk_size: int) -> Dict[str, Any]:
    """The initial files document from GridIn keyword arguments (aliases resolved)."""
    fields: Dict[str, Any] = {}
    for key, value in kwargs.items():
        fields[_ALIASES.get(key, key)] = value
    fields["chunkSize"] = check_chunk_size(fields.get("chunkSize", default_chunk_size),
                                           "chunk_size")
    if "_id" not in fields:
        fields["_id"] = ObjectId()
    encoding = fields.get("encoding")
    if encoding is not None and not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str naming a codec, not {type(encoding).__name__}")
    return fields


def _upload_date(tz_aware: bool) -> datetime.datetime:
    # BSON dates have millisecond precision: truncate so the value read back is equal.
    now = datetime.datetime.now(datetime.timezone.utc)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    return now if tz_aware else now.replace(tzinfo=None)


class ChunkWriter:
    """The state of one upload; ``gridfs.grid_file.GridIn`` is its documented face."""

    def __init__(self, bucket: Any, fields: Dict[str, Any], session: Any = None) -> None:
        self.bucket = bucket
        self.session = session
        self._storage = bucket.storage_in(session)
        self.explicit_id = "_id" in fields
        self.document = file_fields(fields, bucket.chunk_size)
        self.chunk_size: int = self.document["chunkSize"]
        self.closed = False
        self._buffer = bytearray()
        self._pending: List[Any] = []
        # The default storage takes views of the caller's (immutable) bytes: a chunk's
        # bytes are then copied once, into its BSON document.  Others get bytes.
        self._views = takes_buffers(self._storage)
        self._batch = chunks_per_batch(self.chunk_size)
        self._next_n = 0
        self._length = 0
        # disable_md5 (3.6): no checksum is computed or stored.
        self._md5 = None if bucket.disable_md5 else hashlib.md5(usedforsecurity=False)
        self._owns_id = False  # set once the _id is known to be ours to write chunks for
        self._wrote_chunks = False
        self._file_written = False

    # ------------------------------------------------------------ writing

    def write(self, data: Any) -> None:
        """Append bytes, a str (with the file's encoding) or a file-like object's content."""
        if self.closed:
            raise ValueError("cannot write to a closed file")
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._append(bytes(data))
            return
        if isinstance(data, str):
            self._append(self._encode(data))
            return
        read = getattr(data, "read", None)
        if not callable(read):
            raise TypeError(f"can only write strings or file-like objects, not "
                            f"{type(data).__name__}")
        while True:
            piece = read(self.chunk_size)
            if isinstance(piece, str):
                piece = self._encode(piece)
            if not isinstance(piece, (bytes, bytearray, memoryview)):
                raise TypeError(f"read() of the file-like object returned "
                                f"{type(piece).__name__}, expected bytes")
            if not piece:
                return
            self._append(bytes(piece))

    def _encode(self, text: str) -> bytes:
        encoding = self.document.get("encoding")
        if encoding is None:
            raise TypeError("must specify an encoding for file in order to write str; "
                            "pass encoding=... when creating the file")
        return text.encode(encoding)

    def _append(self, data: bytes) -> None:
        if self._md5 is not None:
            self._md5.update(data)
        self._length += len(data)
        size, start = self.chunk_size, 0
        if self._buffer:
            start = size - len(self._buffer)
            self._buffer += data[:start]
            if len(self._buffer) < size:
                return
            self._queue(bytes(self._buffer))
            self._buffer = bytearray()
        # Whole chunks go straight from the caller's bytes to the queue; only a partial
        # chunk is kept for the next write.  ``data`` is bytes, so views of it stay valid.
        view = memoryview(data)
        while len(data) - start >= size:
            piece = view[start:start + size]
            self._queue(piece if self._views else bytes(piece))
            start += size
        self._buffer += view[start:]

    def _queue(self, chunk: bytes) -> None:
        self._pending.append(chunk)
        if len(self._pending) >= self._batch:
            self._flush()

    def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:self._batch], self._pending[self._batch:]
            self._store(batch)

    def _store(self, batch: List[bytes]) -> None:
        if not self._owns_id:
            self._claim_id()
        try:
            self._storage.write_chunks(self.document["_id"], self._next_n, batch)
        except DuplicateKeyError:
            self._fail()
            raise self._exists() from None
        except BaseException:
            self._wrote_chunks = True  # part of the batch may be stored: clean it up
            self._fail()
            raise
        self._wrote_chunks = True
        self._next_n += len(batch)

    def _claim_id(self) -> None:
        self.bucket.ensure_indexes(self.session)
        if self.explicit_id and \
                self.bucket.file_document(self.document["_id"], self.session) is not None:
            self._fail()
            raise self._exists()
        self._owns_id = True

    def _exists(self) -> FileExists:
        return FileExists(f"file with _id {self.document['_id']!r} already exists in GridFS "
                          f"bucket {self.bucket.root.full_name!r}")

    def _fail(self) -> None:
        """Give up: remove what this upload stored, mark it closed (best effort)."""
        self.closed = True
        self._buffer = bytearray()
        self._pending = []
        if self._wrote_chunks and self._owns_id:
            try:
                self._storage.delete_chunks(self.document["_id"])
            except Exception:  # noqa: BLE001 - the original error is the one to report
                pass

    # ------------------------------------------------------------ finishing

    def close(self) -> None:
        """Store the last chunks, then the files document (length, md5, uploadDate)."""
        if self.closed:
            return
        if self._buffer:
            self._pending.append(bytes(self._buffer))
            self._buffer = bytearray()
        self._flush()
        if not self._owns_id:
            self._claim_id()
        document = self.document
        document["length"] = self._length
        # md5 of the content, computed while streaming: the value the server's filemd5
        # would give for the default storage, and still the content's md5 when a storage
        # plugin transforms the stored bytes.
        if self._md5 is not None:
            document["md5"] = self._md5.hexdigest()
        document["uploadDate"] = _upload_date(self.bucket.files.codec_options.tz_aware)
        document.update(self._storage.file_fields(document["_id"]))
        try:
            self.bucket.files.insert_one(document, session=self.session)
        except DuplicateKeyError:
            self._fail()
            raise self._exists() from None
        self._file_written = True
        self.closed = True

    def abort(self) -> None:
        """Remove every chunk (and the files document, if already written) and close."""
        if self._file_written:
            self.bucket.files.delete_one({"_id": self.document["_id"]}, session=self.session)
        self._wrote_chunks = self._wrote_chunks or self._file_written
        self._fail()

    def set_field(self, name: str, value: Any) -> None:
        """Set a files-document field; after close it is updated on the server too."""
        if self._file_written:
            self.bucket.files.update_one({"_id": self.document["_id"]},
                                         {"$set": {name: value}}, session=self.session)
        self.document[name] = value
