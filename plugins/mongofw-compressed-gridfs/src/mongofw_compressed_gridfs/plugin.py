"""The hook implementations: compressed chunk storage for every GridFS bucket.

Not ``trylast``, so it wins over mongofw's default storage.  Compression is switched on
per client by the option ``gridfs_compression`` (algorithm and level); without it new
files are stored plainly, exactly as the default storage would, and files compressed
earlier are still read back.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from mongofw import hookimpl
from mongofw_compressed_gridfs.codecs import parse_setting
from mongofw_compressed_gridfs.storage import CompressedChunkStorage

OPTION = "gridfs_compression"


@hookimpl
def mongofw_client_options() -> Sequence[str]:
    return [OPTION]


@hookimpl
def mongofw_gridfs_storage(options: Mapping[str, Any]) -> Callable[[Any], Any]:
    client_options = {k.lower(): v for k, v in (options.get("client_options") or {}).items()}
    codec = parse_setting(client_options.get(OPTION))

    def factory(chunks: Any) -> CompressedChunkStorage:
        return CompressedChunkStorage(chunks, codec)

    return factory
