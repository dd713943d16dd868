"""Chunk storage that compresses each chunk and records how on the files document."""
from __future__ import annotations

import threading
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Tuple

from mongofw.gridfs.errors import CorruptGridFile
from mongofw.gridfs.storage import STORAGE_FIELD, CollectionChunkStorage, refuse_foreign
from mongofw_compressed_gridfs.codecs import Codec, DecompressionError

STORAGE_NAME = "compressed"
COMPRESSION_FIELD = "compression"


class CompressedChunkStorage(CollectionChunkStorage):
    """The specification's chunk documents, with ``data`` compressed by ``codec``.

    ``codec`` None stores new files plainly; compressed files are read either way.
    """

    name = STORAGE_NAME

    def __init__(self, chunks: Any, codec: Optional[Codec]) -> None:
        super().__init__(chunks)
        self.codec = codec
        self._stored: Dict[Any, int] = {}   # files_id -> compressed bytes written so far
        self._lock = threading.Lock()

    def write_chunks(self, files_id: Any, first_n: int, chunks: Sequence[bytes],
                     session: Any = None) -> None:
        if self.codec is None:
            super().write_chunks(files_id, first_n, chunks, session)
            return
        packed = [self.codec.compress(chunk) for chunk in chunks]
        super().write_chunks(files_id, first_n, packed, session)
        with self._lock:
            self._stored[files_id] = self._stored.get(files_id, 0) + sum(map(len, packed))

    def file_fields(self, files_id: Any) -> Mapping[str, Any]:
        with self._lock:
            stored = self._stored.pop(files_id, 0)
        if self.codec is None:
            return {}
        return {STORAGE_FIELD: STORAGE_NAME,
                COMPRESSION_FIELD: {**self.codec.describe(), "storedLength": stored}}

    def delete_chunks(self, files_id: Any, session: Any = None) -> None:
        with self._lock:
            self._stored.pop(files_id, None)
        super().delete_chunks(files_id, session)

    def read_chunks(self, file_document: Mapping[str, Any], first_n: int,
                    stop_n: int, session: Any = None) -> Iterator[Tuple[int, bytes]]:
        refuse_foreign(file_document, accepted=(None, STORAGE_NAME))
        stored = self.read_stored(file_document, first_n, stop_n, session)
        if file_document.get(STORAGE_FIELD) != STORAGE_NAME:
            return stored
        return self._inflate(file_document, stored)

    def _inflate(self, file_document: Mapping[str, Any],
                 stored: Iterator[Tuple[int, bytes]]) -> Iterator[Tuple[int, bytes]]:
        codec = _codec_of(file_document)
        chunk_size = int(file_document["chunkSize"])
        try:
            for n, data in stored:
                try:
                    yield n, codec.decompress(data, chunk_size)
                except DecompressionError as exc:
                    raise CorruptGridFile(f"chunk n={n} of file {file_document['_id']!r} "
                                          f"cannot be decompressed with {codec.algorithm}: "
                                          f"{exc}") from None
        finally:
            close = getattr(stored, "close", None)
            if close is not None:
                close()


def _codec_of(file_document: Mapping[str, Any]) -> Codec:
    recorded = file_document.get(COMPRESSION_FIELD)
    algorithm = recorded.get("algorithm") if isinstance(recorded, Mapping) else None
    if algorithm not in ("zlib", "zstd"):
        raise CorruptGridFile(f"file {file_document.get('_id')!r} is marked "
                              f"{STORAGE_FIELD}={STORAGE_NAME!r} but its {COMPRESSION_FIELD!r} "
                              f"field names no known algorithm: {recorded!r}")
    return Codec(algorithm, int(recorded.get("level", 0)))
