"""BSON (Binary JSON) encoding and decoding, in pure Python.

``import bson`` alone encodes and decodes every BSON type; nothing here loads plugins.
Custom types come in through :class:`bson.codec_options.TypeRegistry`.

Dates: BSON datetimes outside the range of :class:`datetime.datetime` decode to
:class:`bson.datetime_ms.DatetimeMS` (see that module); encoding truncates datetimes to
the millisecond.
"""
from __future__ import annotations

import os
import struct
from typing import IO, Any, Iterator, List, Tuple

from bson import _decode, _encode, _encode_scalars
from bson.binary import (  # noqa: F401 - re-exported names
    ALL_UUID_REPRESENTATIONS,
    ALL_UUID_SUBTYPES,
    BINARY_SUBTYPE,
    CSHARP_LEGACY,
    FUNCTION_SUBTYPE,
    JAVA_LEGACY,
    MD5_SUBTYPE,
    OLD_BINARY_SUBTYPE,
    OLD_UUID_SUBTYPE,
    PYTHON_LEGACY,
    STANDARD,
    USER_DEFINED_SUBTYPE,
    UUID_SUBTYPE,
    Binary,
    UUIDLegacy,
    UuidRepresentation,
)
from bson.code import Code
from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.datetime_ms import DatetimeMS
from bson.dbref import DBRef
from bson.decimal128 import Decimal128
from bson.errors import InvalidBSON, InvalidDocument, InvalidStringData
from bson.int64 import Int64
from bson.max_key import MaxKey
from bson.min_key import MinKey
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.son import SON
from bson.timestamp import Timestamp
from bson.tz_util import utc

__all__ = [
    "BSON", "encode", "decode", "decode_all", "decode_iter", "decode_file_iter", "is_valid",
    "gen_list_name", "has_c", "Binary", "Code", "CodecOptions", "DBRef", "DatetimeMS",
    "Decimal128", "Int64", "MaxKey", "MinKey", "ObjectId", "Regex", "SON", "Timestamp",
    "UUIDLegacy", "UuidRepresentation", "InvalidBSON", "InvalidDocument",
    "InvalidStringData", "utc", "DEFAULT_CODEC_OPTIONS", "RE_TYPE",
]

RE_TYPE = _encode._RE_TYPE
"""The type of compiled regular expressions (``re.Pattern``), encoded as BSON regex."""

EPOCH_NAIVE = _encode_scalars.EPOCH_NAIVE
EPOCH_AWARE = _encode_scalars.EPOCH_AWARE
_UNPACK_I32 = struct.Struct("<i").unpack
# Low-level failures that malformed input can cause inside the decoder (LookupError: an
# unknown unicode_decode_error_handler, looked up only when a string is bad UTF-8).
_DECODE_FAILURES = (struct.error, ValueError, IndexError, TypeError, OverflowError,
                    LookupError)


def _state(codec_options: Any) -> Any:
    if codec_options is DEFAULT_CODEC_OPTIONS:
        return _DEFAULT_STATE
    if not isinstance(codec_options, CodecOptions):
        raise TypeError(f"codec_options must be an instance of CodecOptions, "
                        f"not {codec_options!r}")
    return codec_options._codec_state


def _as_bytes(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    try:
        return memoryview(data).tobytes()  # any bytes-like object (3.9)
    except TypeError:
        raise TypeError("BSON data must be an instance of bytes or another bytes-like "
                        f"object, not {type(data)!r}") from None


def _decode_one(data: bytes, pos: int, state: Any) -> Any:
    try:
        return _decode.read_document(data, pos, state)
    except InvalidBSON:
        raise
    except RecursionError:
        raise InvalidBSON(f"invalid BSON at offset {pos}: documents are nested too deeply "
                          "to decode") from None
    except _DECODE_FAILURES as exc:
        raise InvalidBSON(f"invalid BSON at offset {pos}: {exc}") from exc


def _decode_exactly_one(data: bytes, state: Any) -> Any:
    doc, stop = _decode_one(data, 0, state)
    if stop != len(data):
        raise InvalidBSON(f"{len(data) - stop} bytes of trailing data after the document")
    return doc


def get_data_and_view(data: Any) -> Tuple[Any, memoryview]:
    """``data`` (copied to bytes unless it is bytes or a bytearray) and a memoryview of it."""
    if isinstance(data, (bytes, bytearray)):
        return data, memoryview(data)
    view = memoryview(data)
    return view.tobytes(), view


def encode(document: Any, check_keys: bool = False,
           codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> bytes:
    """Encode the mapping ``document`` to BSON ``bytes`` (new in 3.9).

    :param document: the mapping to encode (a ``dict``, :class:`~bson.son.SON`,
        :class:`~bson.raw_bson.RawBSONDocument` or any other mapping).
    :param check_keys: when ``True``, refuse keys that start with ``$`` or contain
        ``.`` (default ``False``).
    :param codec_options: the :class:`~bson.codec_options.CodecOptions` to encode with
        (UUID representation, type registry); default :data:`DEFAULT_CODEC_OPTIONS`.
    :returns: the encoded document, as ``bytes``.
    :raises TypeError: when ``document`` is not a mapping.
    :raises ~bson.errors.InvalidDocument: when a key is not a ``str``, a value cannot
        be encoded, or (with ``check_keys``) a key is refused.
    """
    return _dict_to_bson(document, check_keys, codec_options)


def decode(data: Any, codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> Any:
    """Decode ``data``, exactly one BSON document in any bytes-like object, to a document
    of ``codec_options.document_class`` (3.9)."""
    return _decode_exactly_one(_as_bytes(data), _state(codec_options))


def decode_all(data: bytes, codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> List[Any]:
    """Decode ``data``, concatenated BSON documents, to a list of documents."""
    state = _state(codec_options)
    data = _as_bytes(data)
    docs = []
    pos = 0
    end = len(data)
    while pos < end:
        doc, pos = _decode_one(data, pos, state)
        docs.append(doc)
    return docs


def decode_iter(data: bytes,
                codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> Iterator[Any]:
    """Decode concatenated BSON documents lazily, yielding one document at a time.

    :param data: ``bytes`` (or another bytes-like object) holding zero or more BSON
        documents back to back.
    :param codec_options: the :class:`~bson.codec_options.CodecOptions` that choose the
        document class, time zone handling and so on; default
        :data:`DEFAULT_CODEC_OPTIONS`.
    :returns: an iterator of documents; nothing is decoded before it is advanced.
    :raises ~bson.errors.InvalidBSON: while iterating, at the first malformed document.
    """
    state = _state(codec_options)
    data = _as_bytes(data)
    pos = 0
    end = len(data)
    while pos < end:
        doc, pos = _decode_one(data, pos, state)
        yield doc


_READ_CHUNK = 1 << 16
_DEFAULT_STATE = DEFAULT_CODEC_OPTIONS._codec_state


def decode_file_iter(file_obj: IO[bytes],
                     codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> Iterator[Any]:
    """Decode BSON documents read from ``file_obj``, yielding one at a time.

    :param file_obj: a binary file object open for reading (anything with
        ``read(n)`` returning ``bytes``); it is read up to its end.
    :param codec_options: the :class:`~bson.codec_options.CodecOptions` to decode with;
        default :data:`DEFAULT_CODEC_OPTIONS`.
    :returns: an iterator of documents.
    :raises ~bson.errors.InvalidBSON: when a document is malformed or the file ends
        part-way through one (no partial document is yielded).

    Reads a document at a time, in chunks of at most 64 KiB, so the whole file is never
    held in memory.
    """
    state = _state(codec_options)
    while True:
        size_data = file_obj.read(4)
        if not size_data:
            return
        if len(size_data) != 4:
            raise InvalidBSON(f"cut off in the middle of a document size: got {len(size_data)} "
                              "of 4 bytes")
        size = _UNPACK_I32(size_data)[0]
        if size < 5:
            raise InvalidBSON(f"invalid document size {size}, at least 5 needed")
        parts = [size_data]
        remaining = size - 4
        while remaining:
            chunk = file_obj.read(min(remaining, _READ_CHUNK))
            if not chunk:
                raise InvalidBSON(f"cut off in the middle of a document: {remaining} of "
                                  f"{size} bytes missing")
            parts.append(chunk)
            remaining -= len(chunk)
        yield _decode_exactly_one(b"".join(parts), state)


def is_valid(bson: bytes) -> bool:
    """Whether ``bson`` is exactly one valid BSON document; TypeError if not bytes."""
    if not isinstance(bson, bytes):
        raise TypeError(f"BSON data must be an instance of bytes, not {type(bson)!r}")
    try:
        _decode_exactly_one(bson, DEFAULT_CODEC_OPTIONS._codec_state)
    except InvalidBSON:
        return False
    return True


def gen_list_name() -> Iterator[bytes]:
    """Generate the keys of encoded lists, as documented: b"0\\x00", b"1\\x00", ...

    The first 1000 come from a pre-built cache; later ones are made on the fly.
    """
    yield from _encode._INDEX_KEYS
    counter = 1000
    while True:
        yield str(counter).encode() + b"\x00"
        counter += 1


_SERVED_BY = "mongofw"  # what `python -m mongofw check` looks for


def has_c() -> bool:
    """Is the C extension (``bson._cbson``) built and in use?"""
    return _c_codec is not None


class BSON(bytes):
    """BSON (Binary JSON) data: ``bytes`` holding one encoded document."""

    @classmethod
    def encode(cls, document: Any, check_keys: bool = False,
               codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> BSON:
        """Encode a mapping to a new BSON instance (a classmethod).

        :param document: the mapping to encode.
        :param check_keys: when ``True``, refuse keys that start with ``$`` or contain
            ``.`` (default ``False``).
        :param codec_options: the :class:`~bson.codec_options.CodecOptions` to encode
            with; default :data:`DEFAULT_CODEC_OPTIONS` (a parameter since 3.0).
        :returns: a new :class:`BSON`.
        :raises TypeError: when ``document`` is not a mapping.
        :raises ~bson.errors.InvalidDocument: when a key is not a ``str``, a value
            cannot be encoded, or (with ``check_keys``) a key is refused.
        """
        return cls(_encode_document(document, check_keys, _state(codec_options)))

    def decode(self, codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> Any:
        """Decode this BSON data to a document of ``codec_options.document_class``."""
        # Slices of a bytes subclass are plain bytes: decode from self, no copy.
        return _decode_exactly_one(self, _state(codec_options))


def _dict_to_bson(document: Any, check_keys: bool,
                  codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS) -> bytes:
    """Encode a document to bytes (the internal entry point the driver core uses)."""
    return bytes(_encode_document(document, check_keys, _state(codec_options)))


_encode_document = _encode.encode_document

# The implementation, chosen once at import: the compiled codec (bson/_cext, the same
# behaviour) when it is built and MONGOFW_NO_C is unset, else the pure Python above.
# Its own name: importing the submodule anywhere sets ``bson._cbson`` whatever was chosen.
if os.environ.get("MONGOFW_NO_C"):
    _c_codec = None
else:
    try:
        from bson import _cbson as _c_codec
    except ImportError:
        _c_codec = None
if _c_codec is not None:
    # The pure versions stay reachable: tests/unit/bson/test_cext*.py compare the two.
    _pure_decode_one, _pure_decode_exactly_one = _decode_one, _decode_exactly_one
    _pure_decode_all = decode_all
    _encode_document = _c_codec._encode_document
    _decode_one = _c_codec._decode_one
    _decode_exactly_one = _c_codec._decode_exactly_one
    decode_all = _c_codec.decode_all  # noqa: F811 - the same function, compiled
    _dict_to_bson = _c_codec._dict_to_bson  # noqa: F811
