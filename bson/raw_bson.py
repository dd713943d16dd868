"""RawBSONDocument: a read-only mapping over BSON bytes, decoded lazily on first access."""
from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any, Iterator, Optional, Tuple

from bson import _decode
from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.errors import InvalidBSON

DEFAULT = DEFAULT_CODEC_OPTIONS
"""The default CodecOptions (3.5 names it here too)."""


class RawBSONDocument(Mapping):
    """A BSON document whose ``raw`` bytes are kept and decoded only when read.

    The envelope (size and final NUL) is checked at construction; the elements are
    decoded on first access, raising InvalidBSON if malformed.  As in PyMongo 3.4 the
    document keeps ``codec_options`` with ``document_class=RawBSONDocument``, so its
    sub-documents are RawBSONDocuments too.  Encoding one writes ``raw`` unchanged.

    :param bson_bytes: one encoded BSON document (``bytes``; a ``bytearray`` or
        ``memoryview`` is copied to ``bytes``).
    :param codec_options: the :class:`~bson.codec_options.CodecOptions` to decode the
        fields with; default :data:`DEFAULT` (``None`` means the same).
    :raises TypeError: when ``bson_bytes`` is not bytes-like or ``codec_options`` not a
        CodecOptions.
    :raises ~bson.errors.InvalidBSON: when the length prefix does not match the data or
        the final byte is not NUL.
    """

    __slots__ = ("__raw", "__inflated_doc", "__codec_options")
    _type_marker = 101

    def __init__(self, bson_bytes: bytes,
                 codec_options: Optional[CodecOptions] = DEFAULT_CODEC_OPTIONS) -> None:
        if isinstance(bson_bytes, (bytearray, memoryview)):
            bson_bytes = bytes(bson_bytes)
        if not isinstance(bson_bytes, bytes):
            raise TypeError(f"bson_bytes must be an instance of bytes, not {type(bson_bytes)!r}")
        if codec_options is None:
            codec_options = DEFAULT_CODEC_OPTIONS
        elif not isinstance(codec_options, CodecOptions):
            raise TypeError(f"codec_options must be a CodecOptions, not {codec_options!r}")
        size = len(bson_bytes)
        if size < 5 or int.from_bytes(bson_bytes[:4], "little", signed=True) != size:
            raise InvalidBSON(f"invalid document size: the length prefix does not match the "
                              f"{size} bytes given")
        if bson_bytes[-1]:
            raise InvalidBSON("bad EOO: document does not end with a NUL byte")
        self.__raw = bson_bytes
        self.__inflated_doc: Optional[dict] = None
        if codec_options.document_class is not RawBSONDocument:
            codec_options = codec_options._replace(document_class=RawBSONDocument)
        self.__codec_options = codec_options

    @property
    def raw(self) -> bytes:
        """The raw BSON bytes composing this document."""
        return self.__raw

    def items(self) -> Any:
        """Lazily decode and iterate elements in this document."""
        return self.__inflated.items()

    @property
    def __inflated(self) -> dict:
        if self.__inflated_doc is None:
            state = self.__codec_options._codec_state
            raw = self.__raw
            try:
                self.__inflated_doc = _decode.decode_elements(raw, 4, len(raw) - 1, state,
                                                              doc={})
            except InvalidBSON:
                raise
            except (struct.error, ValueError, IndexError, TypeError, OverflowError,
                    LookupError, RecursionError) as exc:
                raise InvalidBSON(f"invalid BSON in RawBSONDocument: {exc}") from exc
        return self.__inflated_doc

    def __getitem__(self, item: str) -> Any:
        return self.__inflated[item]

    def __iter__(self) -> Iterator[str]:
        return iter(self.__inflated)

    def __len__(self) -> int:
        return len(self.__inflated)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, RawBSONDocument):
            return self.__raw == other.raw
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        return RawBSONDocument, (self.__raw, self.__codec_options)

    def __repr__(self) -> str:
        return f"RawBSONDocument({self.__raw!r}, codec_options={self.__codec_options!r})"



DEFAULT_RAW_BSON_OPTIONS = DEFAULT_CODEC_OPTIONS.with_options(document_class=RawBSONDocument)
"""CodecOptions that decode every document, nested ones included, to RawBSONDocument."""
