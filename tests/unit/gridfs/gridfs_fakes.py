"""In-memory stand-ins for a bucket's files collection and chunk storage (no server)."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from bson.codec_options import CodecOptions
from mongofw.errors import DuplicateKeyError


class MemoryStorage:
    """A ChunkStorage keeping chunks in a dict, recording every call."""

    def __init__(self, fail_on_write: Optional[int] = None) -> None:
        self.chunks: Dict[Tuple[Any, int], bytes] = {}
        self.writes: List[Tuple[Any, int, int]] = []   # (files_id, first_n, count)
        self.fail_on_write = fail_on_write
        self.indexes_ensured = 0
        self.closed_readers = 0

    def ensure_indexes(self) -> None:
        self.indexes_ensured += 1

    def write_chunks(self, files_id: Any, first_n: int, chunks: Sequence[bytes]) -> None:
        if self.fail_on_write is not None and len(self.writes) == self.fail_on_write:
            raise ConnectionError("network went away")
        for i in range(len(chunks)):
            if (files_id, first_n + i) in self.chunks:
                raise DuplicateKeyError("E11000 duplicate key", 11000)
        for i, data in enumerate(chunks):
            self.chunks[(files_id, first_n + i)] = bytes(data)
        self.writes.append((files_id, first_n, len(chunks)))

    def read_chunks(self, file_document: Mapping[str, Any], first_n: int,
                    stop_n: int) -> Iterator[Tuple[int, bytes]]:
        try:
            for (files_id, n), data in sorted(self.chunks.items(), key=lambda kv: kv[0][1]):
                if files_id == file_document["_id"] and first_n <= n < stop_n:
                    yield n, data
        finally:
            self.closed_readers += 1

    def delete_chunks(self, files_id: Any) -> None:
        for key in [k for k in self.chunks if k[0] == files_id]:
            del self.chunks[key]

    def file_fields(self, files_id: Any) -> Mapping[str, Any]:
        return {}


class _Result:
    def __init__(self, count: int) -> None:
        self.deleted_count = self.matched_count = count


class MemoryFiles:
    """The few files-collection methods the upload and download code use."""

    codec_options = CodecOptions()
    full_name = "db.fs.files"

    def __init__(self) -> None:
        self.documents: Dict[Any, dict] = {}

    def find_one(self, filter: Mapping[str, Any], **kwargs: Any) -> Optional[dict]:
        return self.documents.get(filter["_id"])

    def insert_one(self, document: Mapping[str, Any], session: Any = None) -> None:
        if document["_id"] in self.documents:
            raise DuplicateKeyError("E11000 duplicate key", 11000)
        self.documents[document["_id"]] = dict(document)

    def delete_one(self, filter: Mapping[str, Any], session: Any = None) -> _Result:
        return _Result(1 if self.documents.pop(filter["_id"], None) is not None else 0)

    def update_one(self, filter: Mapping[str, Any], update: Mapping[str, Any],
                   session: Any = None) -> _Result:
        document = self.documents.get(filter["_id"])
        if document is not None:
            document.update(update["$set"])
        return _Result(1 if document is not None else 0)


class _Root:
    full_name = "db.fs"


class MemoryBucket:
    """What ChunkWriter / ChunkReader need of a Bucket."""

    def __init__(self, chunk_size: int = 4, storage: Optional[MemoryStorage] = None,
                 disable_md5: bool = False) -> None:
        self.chunk_size = chunk_size
        self.disable_md5 = disable_md5
        self.storage = storage or MemoryStorage()
        self.files = MemoryFiles()
        self.root = _Root()

    def storage_in(self, session: Any) -> MemoryStorage:
        assert session is None, "the in-memory bucket has no sessions"
        return self.storage

    def ensure_indexes(self, session: Any = None) -> None:
        self.storage.ensure_indexes()

    def file_document(self, file_id: Any, session: Any = None) -> Optional[dict]:
        return self.files.find_one({"_id": file_id})
