"""The read methods of a Collection: queries, change streams, aggregation, counts.

``CollectionQueries`` is a mixin of :class:`~pymongo.collection.Collection`: each method
checks little and delegates, to :mod:`mongofw.client.cursor`,
:mod:`mongofw.client.change_stream`, :mod:`mongofw.client.raw_batch_cursors` and
:mod:`mongofw.client.collection_reads`.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional

from mongofw.client import collection_reads
from mongofw.client.cursor_options import CursorType


class CollectionQueries:
    """Queries, change streams, aggregation and counts of a collection."""

    def find(self, filter: Optional[Mapping[str, Any]] = None, projection: Any = None,
             skip: int = 0, limit: int = 0, no_cursor_timeout: bool = False,
             cursor_type: int = CursorType.NON_TAILABLE, sort: Any = None,
             allow_partial_results: bool = False, oplog_replay: bool = False,
             modifiers: Optional[Mapping[str, Any]] = None, batch_size: int = 0,
             manipulate: bool = True, collation: Any = None, hint: Any = None,
             max_scan: Optional[int] = None, max_time_ms: Optional[int] = None,
             max: Any = None, min: Any = None, return_key: Optional[bool] = None,
             show_record_id: Optional[bool] = None, snapshot: Optional[bool] = None,
             comment: Any = None, session: Any = None,
             allow_disk_use: Optional[bool] = None) -> Any:
        """A Cursor over the documents matching ``filter`` (the arguments are ``Cursor``'s;
        ``hint`` ... ``comment`` from PyMongo 3.5, ``allow_disk_use`` from 3.11)."""
        from mongofw.client.cursor import Cursor

        return Cursor(self, filter, projection, skip, limit, no_cursor_timeout, cursor_type,
                      sort, allow_partial_results, oplog_replay, modifiers, batch_size,
                      manipulate, collation, hint, max_scan, max_time_ms, max, min,
                      return_key, show_record_id, snapshot, comment, session, allow_disk_use)

    def find_raw_batches(self, *args: Any, **kwargs: Any) -> Any:
        """Like ``find``, but each iteration returns one whole batch of raw BSON bytes
        (``bson.decode_all`` reads it).  New in PyMongo 3.6."""
        from mongofw.client.raw_batch_cursors import RawBatchCursor

        return RawBatchCursor(self, *args, **kwargs)

    def find_one(self, filter: Any = None, *args: Any, **kwargs: Any) -> Any:
        """The first matching document, or None; a non-mapping filter means ``{"_id": filter}``.

        ``max_time_ms`` may be given as a keyword; any ``limit`` is ignored.
        """
        if filter is not None and not isinstance(filter, Mapping):
            filter = {"_id": filter}
        max_time_ms = kwargs.pop("max_time_ms", None)
        cursor = self.find(filter, *args, **kwargs).max_time_ms(max_time_ms)
        for document in cursor.limit(-1):
            return document
        return None

    def watch(self, pipeline: Optional[List[Any]] = None, full_document: Optional[str] = None,
              resume_after: Any = None, max_await_time_ms: Optional[int] = None,
              batch_size: Optional[int] = None, collation: Any = None,
              start_at_operation_time: Any = None, session: Any = None,
              start_after: Any = None) -> Any:
        """A ChangeStream over this collection's changes (MongoDB 3.6+ replica sets and
        sharded clusters).  New in PyMongo 3.6 (``start_after`` 3.9)."""
        from mongofw.client.change_stream import CollectionChangeStream

        return CollectionChangeStream(self, pipeline, full_document, resume_after, max_await_time_ms,
                                      batch_size, collation, start_at_operation_time, session,
                                      start_after)

    def aggregate(self, pipeline: List[Any], session: Any = None, **kwargs: Any) -> Any:
        """Run an aggregation pipeline; returns a CommandCursor over the results."""
        return collection_reads.aggregate(self, pipeline, session=session, **kwargs)

    def aggregate_raw_batches(self, pipeline: List[Any], session: Any = None,
                              **kwargs: Any) -> Any:
        """Like ``aggregate``, but each iteration returns one whole batch of raw BSON
        bytes.  New in PyMongo 3.6."""
        from mongofw.client.raw_batch_cursors import aggregate_raw_batches

        return aggregate_raw_batches(self, pipeline, session=session, **kwargs)

    def count_documents(self, filter: Mapping[str, Any], session: Any = None,
                        **kwargs: Any) -> int:
        """The number of documents matching ``filter`` (``{}`` for all), from an aggregation.

        Keywords: ``skip``, ``limit`` (positive), ``maxTimeMS``, ``collation``, ``hint``.
        Query operators that need the legacy count (``$where``, ``$near``) are refused
        by the server.  New in PyMongo 3.7.
        """
        return collection_reads.count_documents(self, filter, session, **kwargs)

    def estimated_document_count(self, **kwargs: Any) -> int:
        """The number of documents from the collection's metadata (fast, not in a
        transaction); ``maxTimeMS`` may be given.  New in PyMongo 3.7."""
        return collection_reads.estimated_document_count(self, **kwargs)

    def distinct(self, key: str, filter: Any = None, session: Any = None,
                 **kwargs: Any) -> List[Any]:
        """The distinct values of ``key`` among the documents matching ``filter``."""
        return collection_reads.distinct(self, key, filter, session, **kwargs)

    def map_reduce(self, map: Any, reduce: Any, out: Any, full_response: bool = False,
                   session: Any = None, **kwargs: Any) -> Any:
        """Map/reduce into ``out``; the output Collection, or the full reply."""
        return collection_reads.map_reduce(self, map, reduce, out, full_response, session,
                                           **kwargs)

    def inline_map_reduce(self, map: Any, reduce: Any, full_response: bool = False,
                          session: Any = None, **kwargs: Any) -> Any:
        """Map/reduce in memory; the result documents, or the full reply."""
        return collection_reads.inline_map_reduce(self, map, reduce, full_response, session,
                                                  **kwargs)

    def options(self, session: Any = None) -> Mapping[str, Any]:
        """The options the collection was created with ({} if it does not exist)."""
        return collection_reads.options(self, session)
