"""Default plugin: GridFS chunks kept as the specification lays them out.

Registered ``trylast`` so that an installed storage plugin (compression, encryption,
another place for the bytes) wins over it.
"""
from __future__ import annotations

from typing import Any, Mapping

from mongofw import hookimpl
from mongofw.extensions import GridFSStorageFactory
from mongofw.gridfs.storage import CollectionChunkStorage


@hookimpl(trylast=True)
def mongofw_gridfs_storage(options: Mapping[str, Any]) -> GridFSStorageFactory:
    return CollectionChunkStorage
