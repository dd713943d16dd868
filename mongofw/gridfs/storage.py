"""The default chunk storage: chunk documents in ``<bucket>.chunks``, as the GridFS spec lays out.

A chunk document is ``{_id, files_id, n, data}``; ``data`` holds the chunk's bytes as
they are.  Reads stream through one cursor with a bounded batch size, so a large file
never sits in memory whole.  Every method sends its commands in ``session`` when one is
given.
"""
from __future__ import annotations

import struct
from typing import Any, Iterator, Mapping, Sequence, Tuple

import bson
from bson.objectid import ObjectId
from bson.raw_bson import RawBSONDocument
from bson.son import SON
from mongofw.client.bulk import Bulk
from mongofw.gridfs.errors import CorruptGridFile
from mongofw.gridfs.indexes import ensure_index

#: The files-document field a chunk-transforming storage records its name in.
STORAGE_FIELD = "chunkStorage"
#: About this many bytes of chunks travel per insert and per cursor batch: large enough
#: to amortise round trips, small enough to keep a client's memory well bounded.
BATCH_BYTES = 2 * 1024 * 1024
CHUNKS_INDEX = [("files_id", 1), ("n", 1)]


def chunks_per_batch(chunk_size: int) -> int:
    """How many chunks of ``chunk_size`` bytes make about :data:`BATCH_BYTES`."""
    return max(1, BATCH_BYTES // max(1, chunk_size))


def check_chunk_size(value: Any, what: str = "chunk_size_bytes") -> int:
    """``value`` as a positive int chunk size (an integral float is accepted), else ValueError."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{what} must be a positive integer, not {value!r}")
    return value


def refuse_foreign(file_document: Mapping[str, Any], accepted: Sequence[Any] = (None,)) -> None:
    """Raise CorruptGridFile when another storage transformed this file's chunks."""
    owner = file_document.get(STORAGE_FIELD)
    if owner not in accepted:
        raise CorruptGridFile(
            f"file {file_document.get('_id')!r} was stored with chunk storage {owner!r} "
            f"(files document field {STORAGE_FIELD!r}); its chunks can only be read with "
            f"the mongofw plugin providing that storage installed")


class CollectionChunkStorage:
    """Chunks as documents of one collection (the GridFS specification's layout)."""

    name = "default"

    def __init__(self, chunks: Any) -> None:
        self.chunks = chunks

    def ensure_indexes(self, session: Any = None) -> None:
        ensure_index(self.chunks, CHUNKS_INDEX, unique=True, session=session)

    def write_chunks(self, files_id: Any, first_n: int, chunks: Sequence[bytes],
                     session: Any = None) -> None:
        """Insert ``chunks`` as documents ``n = first_n, first_n + 1, ...``.

        ``chunks`` may be any bytes-like objects (the upload hands this storage memoryviews
        of the caller's bytes).  One chunk goes as ``insert_one`` does; several are encoded
        straight to BSON, each chunk's bytes copied once, and inserted in order as one bulk
        write, which sends the same command ``insert_many`` would.
        """
        if len(chunks) == 1:
            self.chunks.insert_one(SON([("_id", ObjectId()), ("files_id", files_id),
                                        ("n", first_n), ("data", bytes(chunks[0]))]),
                                   session=session)
        elif chunks:
            opts = self.chunks.codec_options
            files_id_element = bson._dict_to_bson({"files_id": files_id}, False, opts)[4:-1]
            bulk = Bulk(self.chunks, ordered=True)
            for i, data in enumerate(chunks):
                bulk.add_insert(RawBSONDocument(
                    chunk_bson(files_id_element, first_n + i, data), opts))
            bulk.execute(self.chunks.write_concern, session)

    def read_chunks(self, file_document: Mapping[str, Any], first_n: int,
                    stop_n: int, session: Any = None) -> Iterator[Tuple[int, bytes]]:
        refuse_foreign(file_document)
        return self.read_stored(file_document, first_n, stop_n, session)

    def read_stored(self, file_document: Mapping[str, Any], first_n: int,
                    stop_n: int, session: Any = None) -> Iterator[Tuple[int, bytes]]:
        """The stored bytes of each chunk, untransformed (for storages built on this one).

        The GridFS specification's query, ``{files_id}`` sorted by ``n``, with
        ``n >= first_n`` only when reading from a later chunk (after a seek).  The reader
        checks each chunk's ``n`` as it comes and stops after ``stop_n - 1``.
        """
        if stop_n <= first_n:
            return
        batch = chunks_per_batch(int(file_document.get("chunkSize") or 1))
        query = SON([("files_id", file_document["_id"])])
        if first_n:
            query["n"] = {"$gte": first_n}
        cursor = self.chunks.find(query,
                                  projection={"_id": False, "n": True, "data": True},
                                  sort=[("n", 1)], batch_size=batch, session=session)
        try:
            for chunk in cursor:
                yield _chunk_number(chunk), _chunk_bytes(chunk)
        finally:
            cursor.close()

    def delete_chunks(self, files_id: Any, session: Any = None) -> None:
        self.chunks.delete_many({"files_id": files_id}, session=session)

    def file_fields(self, files_id: Any) -> Mapping[str, Any]:
        return {}


_INT32 = struct.Struct("<i")
_INT64 = struct.Struct("<q")


def chunk_bson(files_id_element: bytes, n: int, data: Any) -> bytes:
    """The BSON of ``{_id: ObjectId(), files_id, n, data}``, as the codec encodes that SON.

    ``files_id_element`` is the encoded ``files_id`` element; ``data`` any bytes-like
    object, stored as binary subtype 0 (what ``bytes`` encodes to).
    """
    size = len(data)
    number = (b"\x10n\x00" + _INT32.pack(n) if -2 ** 31 <= n < 2 ** 31
              else b"\x12n\x00" + _INT64.pack(n))
    head = b"".join((b"\x07_id\x00", ObjectId().binary, files_id_element, number,
                     b"\x05data\x00", _INT32.pack(size), b"\x00"))
    return b"".join((_INT32.pack(4 + len(head) + size + 1), head, data, b"\x00"))


def takes_buffers(storage: Any) -> bool:
    """Whether ``storage.write_chunks`` is this module's, which accepts any bytes-like
    chunks (other storages are promised ``bytes``)."""
    inner = getattr(storage, "wrapped_storage", storage)
    return getattr(type(inner), "write_chunks", None) is CollectionChunkStorage.write_chunks


def _chunk_number(chunk: Mapping[str, Any]) -> int:
    n = chunk.get("n")
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if not isinstance(n, int) or isinstance(n, bool):
        raise CorruptGridFile(f"chunk has an invalid chunk number n={n!r}")
    return n


def _chunk_bytes(chunk: Mapping[str, Any]) -> bytes:
    data = chunk.get("data")
    if not isinstance(data, (bytes, bytearray)):
        raise CorruptGridFile(f"chunk n={chunk.get('n')!r} has no binary data field "
                              f"(found {type(data).__name__})")
    return bytes(data)

