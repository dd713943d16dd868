"""Reading one file: chunks streamed in order from the storage, checked as they arrive.

The files document is fetched when first needed.  Each chunk must carry the next
number and exactly the expected size (``chunkSize``, the last one the remainder of
``length``); otherwise ``CorruptGridFile`` says which chunk of which file is wrong.
Only the current chunk is held, so reading a large file piece by piece keeps memory flat.
Every read of a download runs in its session, when it was given one.
"""
from __future__ import annotations

import io
from typing import Any, Iterator, List, Mapping, Optional, Tuple

import bson
from mongofw.gridfs.errors import CorruptGridFile, NoFile

_NOT_FETCHED = object()

# The compiled codec's _SizedBytes, when that codec is in use, allocates the result of a
# read at its final size and commits a large one's pages a window at a time as they are
# written (faulting a fresh 50 MB result in page by page took a third of the CPU of
# downloading it; committing them in batches saves about a third of that); else BytesIO,
# which grows as it is written.
_SizedBytes = getattr(bson._c_codec, "_SizedBytes", None)


def _result_buffer(size: int) -> Any:
    """A buffer for ``size`` bytes with ``write`` and ``getvalue`` (no copy on the way out)."""
    if _SizedBytes is None:
        return io.BytesIO()
    try:
        return _SizedBytes(size)
    except (MemoryError, OverflowError):
        # ``size`` comes from the files document and is only a claim until the chunks
        # arrive: when no room for it can be reserved, grow with the data instead, so
        # that a corrupt length still ends in CorruptGridFile, not MemoryError.
        return io.BytesIO()


class ChunkReader:
    """The state of one download; ``gridfs.grid_file.GridOut`` is its documented face."""

    def __init__(self, bucket: Any, file_id: Any = None, file_document: Any = None,
                 session: Any = None) -> None:
        self.bucket = bucket
        self.session = session
        self._storage = bucket.storage_in(session)
        self.file_id = file_id if file_document is None else file_document.get("_id")
        self._document: Any = _NOT_FETCHED if file_document is None else file_document
        self._position = 0
        self._current = b""      # the rest of the chunk being read
        self._chunks: Optional[_Closing] = None
        self._next_n = 0
        # length, chunkSize and the chunk count, each read from the files document once.
        self._length: Optional[int] = None
        self._chunk_size: Optional[int] = None
        self._num_chunks: Optional[int] = None

    # ------------------------------------------------------------ the files document

    @property
    def document(self) -> Mapping[str, Any]:
        if self._document is _NOT_FETCHED:
            document = self.bucket.file_document(self.file_id, self.session)
            if document is None:
                raise NoFile(f"no file in gridfs collection {self.bucket.files.full_name!r} "
                             f"with _id {self.file_id!r}")
            self._document = document
        return self._document

    @property
    def length(self) -> int:
        length = self._length
        if length is None:
            length = self._length = int(self.document.get("length", 0))
        return length

    @property
    def chunk_size(self) -> int:
        size = self._chunk_size
        if size is None:
            size = self.document.get("chunkSize")
            if not isinstance(size, (int, float)) or isinstance(size, bool) or size <= 0:
                raise CorruptGridFile(f"file {self.file_id!r} has an invalid chunkSize "
                                      f"{size!r}")
            size = self._chunk_size = int(size)
        return size

    @property
    def num_chunks(self) -> int:
        count = self._num_chunks
        if count is None:
            count = self._num_chunks = -(-self.length // self.chunk_size)
        return count

    def _expected_size(self, n: int) -> int:
        if n < self.num_chunks - 1:
            return self.chunk_size
        return self.length - n * self.chunk_size

    # ------------------------------------------------------------ chunks

    def _checked(self, chunks: Iterator[Tuple[int, bytes]], first_n: int
                 ) -> Iterator[bytes]:
        """The chunks from ``first_n`` on, each checked for number and size."""
        expected = first_n
        stop = self.num_chunks
        size, last = self.chunk_size, stop - 1
        for n, data in chunks:
            if n != expected:
                raise CorruptGridFile(f"missing chunk: chunk n={expected} of file "
                                      f"{self.file_id!r} not found (next stored is n={n})")
            if len(data) != (size if n < last else self._expected_size(n)):
                raise CorruptGridFile(
                    f"chunk n={n} of file {self.file_id!r} is the wrong size: "
                    f"{len(data)} bytes, expected {self._expected_size(n)}")
            yield data
            expected += 1
            if expected >= stop:
                return
        if expected < stop:
            raise CorruptGridFile(f"missing chunk: chunk n={expected} of file "
                                  f"{self.file_id!r} not found ({stop} chunks expected)")

    def _open_chunks(self, first_n: int) -> Iterator[bytes]:
        raw = self._storage.read_chunks(self.document, first_n, self.num_chunks)
        return _Closing(self._checked(iter(raw), first_n), raw)

    def _next_chunk(self) -> bytes:
        """The next whole chunk from the read position's chunk on, or b"" at the end."""
        if self._next_n >= self.num_chunks:
            return b""
        chunks = self._chunks
        if chunks is None:
            chunks = self._chunks = self._open_chunks(self._next_n)
        data = next(chunks.checked, b"")
        self._next_n += 1
        return data

    def _fill(self) -> bool:
        """Load the next chunk into the current buffer; False at the end of the file."""
        position = self._position
        if position >= self.length:
            return False
        data = self._next_chunk()
        skip = position - (self._next_n - 1) * self._chunk_size
        self._current = data[skip:] if skip else data
        return bool(self._current)

    # ------------------------------------------------------------ reading

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = max(0, self.length - self._position)
        if not self._current and size > 0:
            self._fill()
        if size <= len(self._current):  # within the current chunk (a whole one: no copy)
            part = self._current[:size]
            self._current = self._current[size:]
            self._position += len(part)
            return part
        # Across chunks: each chunk is copied into one buffer and dropped, so the result
        # is the only large allocation (a list joined at the end would hold every chunk
        # as well).  Both buffers hand the result out without a copy.
        out = _result_buffer(min(size, max(0, self.length - self._position)))
        remaining = size
        while remaining > 0 and (self._current or self._fill()):
            current = self._current
            taken = min(len(current), remaining)
            if taken == len(current):
                out.write(current)
                self._current = b""
            else:
                out.write(memoryview(current)[:taken])
                self._current = current[taken:]
            del current
            remaining -= taken
            self._position += taken
        return out.getvalue()

    def readchunk(self) -> bytes:
        if not self._current and not self._fill():
            return b""
        data, self._current = self._current, b""
        self._position += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        parts: List[bytes] = []
        remaining = size if size is not None and size >= 0 else None
        while (remaining is None or remaining > 0) and (self._current or self._fill()):
            end = self._current.find(b"\n") + 1 or len(self._current)
            if remaining is not None:
                end = min(end, remaining)
                remaining -= end
            part, self._current = self._current[:end], self._current[end:]
            parts.append(part)
            self._position += len(part)
            if part.endswith(b"\n"):
                break
        return b"".join(parts)

    def tell(self) -> int:
        return self._position

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            new = pos
        elif whence == io.SEEK_CUR:
            new = self._position + pos
        elif whence == io.SEEK_END:
            new = self.length + pos
        else:
            raise OSError(f"invalid value for whence: {whence!r}; use os.SEEK_SET (0), "
                          f"os.SEEK_CUR (1) or os.SEEK_END (2)")
        if new < 0:
            raise OSError(f"invalid value for pos: seeking to {new} is before the start")
        if new == self._position:
            return new
        self._drop_chunks()
        self._position = new
        self._next_n = new // self.chunk_size if new < self.length else self.num_chunks
        return new

    def __iter__(self) -> Iterator[bytes]:
        """Every chunk of the file from the start (independent of the read position)."""
        if self.num_chunks == 0:
            return iter(())
        return self._open_chunks(0)

    def close(self) -> None:
        """Release the open chunk cursor; reading again resumes at the same position."""
        if self._chunks is not None:
            self._drop_chunks()
            self._next_n = min(self._position // self.chunk_size, self.num_chunks)

    def _drop_chunks(self) -> None:
        if self._chunks is not None:
            self._chunks.close()
            self._chunks = None
        self._current = b""


class _Closing:
    """An iterator that also closes the storage's iterator (and so its cursor)."""

    def __init__(self, checked: Iterator[bytes], raw: Any) -> None:
        self.checked = checked
        self._raw = raw

    def __iter__(self) -> _Closing:
        return self

    def __next__(self) -> bytes:
        return next(self.checked)

    def close(self) -> None:
        close_checked = getattr(self.checked, "close", None)
        if close_checked is not None:
            close_checked()
        close_raw = getattr(self._raw, "close", None)
        if close_raw is not None:
            close_raw()
