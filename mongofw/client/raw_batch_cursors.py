"""Cursors that return whole batches as raw BSON bytes (``find_raw_batches``,
``aggregate_raw_batches``; documented as ``pymongo.cursor.RawBatchCursor`` and
``pymongo.command_cursor.RawBatchCommandCursor``).

Each batch is decoded only as far as ``RawBSONDocument`` goes (no field is read) and
the documents' bytes are joined: ``bson.decode_all(batch)`` gives the documents back.
"""
from __future__ import annotations

from typing import Any, List

from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from mongofw.client.collection_reads import aggregate
from mongofw.client.command_cursor import CommandCursor
from mongofw.client.cursor import Cursor
from mongofw.errors import InvalidOperation

_RAW = CodecOptions(document_class=RawBSONDocument)


def _raw(collection: Any) -> Any:
    return collection.with_options(codec_options=_RAW)


class RawBatchCursor(Cursor):
    """A find cursor whose iteration yields one ``bytes`` per batch of documents.

    Applications get one from ``Collection.find_raw_batches`` (new in 3.6).  Each item
    is the batch's BSON documents back to back, undecoded:
    :func:`bson.decode_all` turns it into documents.  It takes the arguments of
    :class:`Cursor` but ``manipulate``, which must stay ``False``.

    :param collection: the :class:`~pymongo.collection.Collection` to query.
    :raises ~pymongo.errors.InvalidOperation: when ``manipulate=True`` is given.
    """

    def __init__(self, collection: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("manipulate"):
            raise InvalidOperation("Cannot use manipulate=True with raw batches")
        kwargs["manipulate"] = False
        super().__init__(_raw(collection), *args, **kwargs)

    def __next__(self) -> bytes:
        """The next batch, as ``bytes``; :exc:`StopIteration` when there are no more."""
        batch: List[Any] = self._take_batch()
        if not batch:
            raise StopIteration
        return b"".join(document.raw for document in batch)

    next = __next__

    def explain(self) -> Any:
        """Always raise :exc:`~pymongo.errors.InvalidOperation`: a raw batch cursor has
        no explain plan (use a regular :class:`Cursor`)."""
        raise InvalidOperation("Cannot call explain on a RawBatchCursor")

    def __getitem__(self, index: Any) -> Any:
        raise InvalidOperation("Cannot call __getitem__ on a RawBatchCursor")


class RawBatchCommandCursor(CommandCursor):
    """A command cursor whose iteration yields one ``bytes`` per batch of documents.

    Applications get one from ``Collection.aggregate_raw_batches`` (new in 3.6); it takes
    the arguments of :class:`CommandCursor`.  :func:`bson.decode_all` turns each item
    into documents.
    """

    def __getitem__(self, index: Any) -> Any:
        raise InvalidOperation("Cannot call __getitem__ on a RawBatchCommandCursor")

    def __next__(self) -> bytes:
        """The next batch: its documents' BSON back to back, as ``bytes``.

        :raises StopIteration: when there are no more batches.
        :raises ~pymongo.errors.OperationFailure: when the server fails the ``getMore``.
        """
        batch: List[Any] = self._take_batch()
        if not batch:
            raise StopIteration
        return b"".join(document.raw for document in batch)

    next = __next__


def aggregate_raw_batches(collection: Any, pipeline: Any, **kwargs: Any) -> Any:
    """Run the pipeline with raw decoding; the first batch comes back with the command."""
    return aggregate(_raw(collection), pipeline, cursor_class=RawBatchCommandCursor, **kwargs)
