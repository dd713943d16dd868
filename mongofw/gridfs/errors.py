"""The GridFS exceptions (documented as ``gridfs.errors``).

They live here, in the plugin layer, so the storage plugins and the upload/download
logic can raise them; ``gridfs.errors`` re-exports them under their documented names.
"""
from __future__ import annotations

from mongofw.errors import PyMongoError


class GridFSError(PyMongoError):
    """Base class for all GridFS exceptions."""


class CorruptGridFile(GridFSError):
    """Raised when a file in GridFS is malformed (a chunk missing or of the wrong size)."""


class FileExists(GridFSError):
    """Raised when trying to create a file that already exists."""


class NoFile(GridFSError):
    """Raised when trying to read from a non-existent file."""
