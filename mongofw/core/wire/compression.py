"""Wire compression: OP_COMPRESSED (opcode 2012) with zlib, snappy or zstd.

The client offers its ``compressors`` in the handshake and the server answers with the
ones it accepts; a connection then compresses every message with the first of those,
except the handshake and authentication commands, whose content must stay readable
before compression is agreed.  Replies are decompressed whatever the connection sent.

zlib comes with Python; snappy and zstd need the packages ``python-snappy`` and
``zstandard`` (the ``mongofw[snappy]`` / ``mongofw[zstd]`` extras): a client asking for
one that is missing fails at construction, naming the extra.
"""
from __future__ import annotations

import struct
import zlib
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from mongofw.core.wire.message import HEADER, OP_COMPRESSED
from mongofw.errors import ConfigurationError, ProtocolError

# The compressor ids of the compression specification.
NOOP_ID, SNAPPY_ID, ZLIB_ID, ZSTD_ID = 0, 1, 2, 3

# Commands never compressed (lower-case): the handshake and everything that carries
# credentials, as the specification lists them.
NOT_COMPRESSED = frozenset({"hello", "ismaster", "saslstart", "saslcontinue", "getnonce",
                            "authenticate", "createuser", "updateuser", "copydbsaslstart",
                            "copydbgetnonce", "copydb"})

# originalOpcode, uncompressedSize, compressorId
_PREFIX = struct.Struct("<iiB")

_EXTRAS = {"snappy": ("snappy", "python-snappy", "mongofw[snappy]"),
           "zstd": ("zstandard", "zstandard", "mongofw[zstd]")}


class Compressor:
    """One agreed compressor: ``compress(bytes)`` / ``decompress(bytes)`` and its id."""

    __slots__ = ("name", "id", "compress", "decompress")

    def __init__(self, name: str, compressor_id: int, compress: Callable[[bytes], bytes],
                 decompress: Callable[[bytes], bytes]) -> None:
        self.name = name
        self.id = compressor_id
        self.compress = compress
        self.decompress = decompress

    def __repr__(self) -> str:
        return f"Compressor({self.name!r})"


def _import(name: str) -> Any:
    module_name, package, extra = _EXTRAS[name]
    try:
        return __import__(module_name)
    except ImportError:
        raise ConfigurationError(
            f"compressors={name} needs the {package} package, which is not installed: "
            f"pip install '{extra}'") from None


def make_compressor(name: str, zlib_level: int = -1) -> Compressor:
    """The compressor called ``name`` (zlib, snappy or zstd); ``ConfigurationError`` when
    its package is missing."""
    if name == "zlib":
        return Compressor("zlib", ZLIB_ID, lambda data: zlib.compress(data, zlib_level),
                          zlib.decompress)
    if name == "snappy":
        snappy = _import("snappy")
        return Compressor("snappy", SNAPPY_ID, snappy.compress, snappy.uncompress)
    if name == "zstd":
        zstandard = _import("zstd")
        return Compressor("zstd", ZSTD_ID, zstandard.ZstdCompressor().compress,
                          zstandard.ZstdDecompressor().decompress)
    raise ConfigurationError(f"unknown compressor {name!r}; expected zlib, snappy or zstd")


def check_available(names: Sequence[str]) -> None:
    """Fail now, naming the extra, if a requested compressor's package is missing."""
    for name in names:
        make_compressor(name)


def agreed(offered: Sequence[str], reply: Any, zlib_level: int) -> Optional[Compressor]:
    """The compressor to use after a handshake: the first of the server's ``compression``
    list that we offered (None when the server named none)."""
    accepted = reply.get("compression") if hasattr(reply, "get") else None
    for name in accepted or ():
        if name in offered:
            return make_compressor(name, zlib_level)
    return None


def compress_message(data: bytes, compressor: Compressor) -> bytes:
    """``data`` (a whole framed message) as an OP_COMPRESSED with the same request id."""
    _length, request_id, response_to, opcode = HEADER.unpack_from(data)
    body = data[16:]
    packed = _PREFIX.pack(opcode, len(body), compressor.id) + compressor.compress(body)
    return HEADER.pack(16 + len(packed), request_id, response_to, OP_COMPRESSED) + packed


_DECOMPRESS_BY_ID: Dict[int, Callable[[bytes], bytes]] = {
    NOOP_ID: bytes, ZLIB_ID: zlib.decompress}


def _decompressor(compressor_id: int) -> Callable[[bytes], bytes]:
    found = _DECOMPRESS_BY_ID.get(compressor_id)
    if found is None:
        names = {SNAPPY_ID: "snappy", ZSTD_ID: "zstd"}
        if compressor_id not in names:
            raise ProtocolError(f"reply compressed with unknown compressor id {compressor_id}")
        try:
            found = make_compressor(names[compressor_id]).decompress
        except ConfigurationError as exc:
            raise ProtocolError(f"reply compressed with {names[compressor_id]}: {exc}") from None
        _DECOMPRESS_BY_ID[compressor_id] = found
    return found


def decompress_reply(body: memoryview) -> Tuple[int, memoryview]:
    """``(original opcode, body)`` of an OP_COMPRESSED reply's body (after the header)."""
    if len(body) < _PREFIX.size:
        raise ProtocolError("OP_COMPRESSED reply shorter than its own prefix")
    opcode, size, compressor_id = _PREFIX.unpack_from(body)
    try:
        data = _decompressor(compressor_id)(bytes(body[_PREFIX.size:]))
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001 - any codec failure is a corrupt reply
        raise ProtocolError(f"could not decompress a reply: {exc}") from None
    if len(data) != size:
        raise ProtocolError(f"decompressed reply is {len(data)} bytes, its header said {size}")
    return opcode, memoryview(data)
