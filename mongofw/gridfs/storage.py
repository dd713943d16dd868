"""The default chunk storage: chunk documents in ``<bucket>.chunks``, as the GridFS spec lays out.

A chunk document is ``{_id, files_id, n, data}``; ``data`` holds the chunk's bytes as
they are.  Reads stream through one cursor with a bounded batch size, so a large file
never sits in memory whole.  Every method sends its commands in ``session`` when one is
given.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping, Sequence, Tuple

from bson.objectid import ObjectId
from bson.son import SON
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
        documents = [SON([("_id", ObjectId()), ("files_id", files_id), ("n", first_n + i),
                          ("data", data)]) for i, data in enumerate(chunks)]
        if len(documents) == 1:
            self.chunks.insert_one(documents[0], session=session)
        elif documents:
            self.chunks.insert_many(documents, ordered=True, session=session)

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

