"""The compression algorithms: zlib (standard library) and zstandard (optional extra)."""
from __future__ import annotations

import zlib
from typing import Any, Optional

import attrs

from mongofw.errors import ConfigurationError

DEFAULT_LEVELS = {"zlib": 6, "zstd": 3}
LEVEL_RANGES = {"zlib": (0, 9), "zstd": (1, 22)}


class DecompressionError(Exception):
    """Stored bytes could not be decompressed to at most the expected size."""


@attrs.frozen
class Codec:
    """One algorithm at one level."""

    algorithm: str
    level: int

    def compress(self, data: bytes) -> bytes:
        if self.algorithm == "zlib":
            return zlib.compress(data, self.level)
        return _zstd().ZstdCompressor(level=self.level).compress(data)

    def decompress(self, data: bytes, max_size: int) -> bytes:
        """The original bytes; never more than ``max_size`` (a guard against bombs)."""
        try:
            if self.algorithm == "zlib":
                inflater = zlib.decompressobj()
                out = inflater.decompress(data, max_size + 1)
                if not inflater.eof:
                    raise DecompressionError("truncated or oversized zlib stream")
            else:
                out = _zstd().ZstdDecompressor().decompress(data, max_output_size=max_size + 1)
        except DecompressionError:
            raise
        except Exception as exc:  # noqa: BLE001 - zlib.error, zstd.ZstdError, ...
            raise DecompressionError(f"{type(exc).__name__}: {exc}") from None
        if len(out) > max_size:
            raise DecompressionError(f"decompresses to more than {max_size} bytes")
        return out

    def describe(self) -> dict:
        return {"algorithm": self.algorithm, "level": self.level}


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise ConfigurationError("zstd compression needs the zstandard package: "
                                 "pip install mongofw-compressed-gridfs[zstd]") from None
    return zstandard


def parse_setting(value: Any) -> Optional[Codec]:
    """``"zlib"``, ``"zstd:10"``, … as a Codec; ``"none"`` or no option as None (store plainly)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigurationError(f"gridfs_compression must be a str such as 'zlib', 'zlib:9', "
                                 f"'zstd:3' or 'none', not {type(value).__name__}")
    algorithm, _, level_text = value.strip().lower().partition(":")
    if algorithm == "none" and not level_text:
        return None
    if algorithm not in DEFAULT_LEVELS:
        raise ConfigurationError(f"gridfs_compression algorithm must be one of zlib, zstd "
                                 f"or none, not {algorithm!r} (from {value!r})")
    low, high = LEVEL_RANGES[algorithm]
    try:
        level = int(level_text) if level_text else DEFAULT_LEVELS[algorithm]
    except ValueError:
        raise ConfigurationError(f"gridfs_compression level must be an integer, not "
                                 f"{level_text!r} (from {value!r})") from None
    if not low <= level <= high:
        raise ConfigurationError(f"gridfs_compression level for {algorithm} must be "
                                 f"{low}..{high}, not {level}")
    if algorithm == "zstd":
        _zstd()  # fail now, at configuration, rather than at the first upload
    return Codec(algorithm, level)
