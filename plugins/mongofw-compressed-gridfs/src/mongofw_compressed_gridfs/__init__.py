"""Transparently compressed GridFS chunks for mongofw (see README.md)."""
from mongofw_compressed_gridfs.codecs import Codec, parse_setting
from mongofw_compressed_gridfs.storage import STORAGE_NAME, CompressedChunkStorage

__all__ = ["Codec", "CompressedChunkStorage", "STORAGE_NAME", "parse_setting"]
