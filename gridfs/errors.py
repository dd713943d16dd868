"""Exceptions raised by the gridfs package (defined in :mod:`mongofw.gridfs.errors`)."""
from mongofw.gridfs.errors import CorruptGridFile, FileExists, GridFSError, NoFile

__all__ = ["CorruptGridFile", "FileExists", "GridFSError", "NoFile"]
