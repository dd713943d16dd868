"""The read methods of a Collection: queries, change streams, aggregation, counts.

``CollectionQueries`` is a mixin of :class:`~pymongo.collection.Collection`: each method
checks little and delegates, to :mod:`mongofw.client.cursor`,
:mod:`mongofw.client.change_stream`, :mod:`mongofw.client.raw_batch_cursors` and
:mod:`mongofw.client.collection_reads`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List, Optional

from mongofw.client import collection_reads
from mongofw.client import cursor as cursors
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
        """Query the collection: a :class:`~pymongo.cursor.Cursor` over the matches.

        Nothing is sent until the cursor is iterated; the cursor's methods
        (:meth:`~pymongo.cursor.Cursor.sort`, :meth:`~pymongo.cursor.Cursor.limit`...)
        can still change the query until then.  ``find()`` alone returns every document.

        :param filter: a query document (a mapping) the documents must match; ``None``
            (the default) matches all.
        :param projection: the fields to return: a mapping (``{"a": 1, "_id": 0}``) or
            a list of field names to include; ``None`` (the default) returns whole
            documents.
        :param skip: how many matches to skip (``int`` >= 0, default 0).
        :param limit: the most documents to return (``int``; 0, the default, means no
            limit; a negative value returns a single batch of at most that many).
        :param no_cursor_timeout: when ``True``, the server keeps the cursor past its
            10-minute idle timeout: close it yourself (default ``False``).
        :param cursor_type: a :class:`~pymongo.cursor.CursorType`: ``NON_TAILABLE``
            (the default), ``TAILABLE`` or ``TAILABLE_AWAIT`` (capped collections), or
            ``EXHAUST`` (the server streams every batch; not with ``limit``, nor
            through mongos).
        :param sort: the order: a list of ``(key, direction)`` pairs, directions
            ``pymongo.ASCENDING`` / ``DESCENDING``.
        :param allow_partial_results: when ``True``, a mongos returns the results of
            the shards it can reach instead of an error (default ``False``).
        :param oplog_replay: when ``True``, set the oplog replay flag, for queries on
            the oplog by ``ts`` (default ``False``; deprecated in 3.11, as MongoDB 4.4
            does it by itself).
        :param modifiers: a mapping of legacy query modifiers (``{"$comment": ...}``);
            deprecated in 3.5 for the keyword arguments below.
        :param batch_size: documents per batch (``int`` >= 0; 0, the default, leaves
            it to the server).
        :param manipulate: when ``True`` (the default), the database's SON
            manipulators transform each returned document.
        :param collation: a :class:`~pymongo.collation.Collation` or collation
            document (MongoDB 3.4+).
        :param hint: an index name, or a list of ``(key, direction)`` pairs, the query
            must use (new in 3.5, like the eight keywords after it).
        :param max_scan: scan at most this many documents (deprecated in 3.7; MongoDB
            4.2 removed it).
        :param max_time_ms: abort the query after this many milliseconds (``int``).
        :param max: exclusive upper index bounds, a list of ``(field, limit)`` pairs
            (use with ``hint``).
        :param min: inclusive lower index bounds, a list of ``(field, limit)`` pairs.
        :param return_key: when ``True``, return only the index keys of each match.
        :param show_record_id: when ``True``, add each document's record id in a
            ``$recordId`` field.
        :param snapshot: when ``True``, keep documents moved by concurrent writes from
            being returned twice (MMAPv1; deprecated in 3.7, MongoDB 4.0 removed it).
        :param comment: a string (or document) that identifies the query in the
            server's logs and profiler.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in (new
            in 3.6); ``None`` (the default) uses an implicit session.
        :param allow_disk_use: when ``True``, a large sort may use temporary files on
            disk (MongoDB 4.4+; new in 3.11); ``None`` leaves the server's default.
        :returns: a :class:`~pymongo.cursor.Cursor`.
        :raises TypeError: when an argument has the wrong type.
        :raises ValueError: for a negative ``skip`` or ``batch_size``, or an unknown
            ``cursor_type``.
        :raises ~pymongo.errors.InvalidOperation: for ``EXHAUST`` with a ``limit``, or
            a ``session`` of another client or already ended.

        Errors of the query itself (:class:`~pymongo.errors.OperationFailure`, network
        errors) surface when the cursor is iterated.
        """
        from mongofw.client.cursor import Cursor

        return Cursor(self, filter, projection, skip, limit, no_cursor_timeout, cursor_type,
                      sort, allow_partial_results, oplog_replay, modifiers, batch_size,
                      manipulate, collation, hint, max_scan, max_time_ms, max, min,
                      return_key, show_record_id, snapshot, comment, session, allow_disk_use)

    def find_raw_batches(self, *args: Any, **kwargs: Any) -> Any:
        """Like :meth:`find`, but iterating yields whole batches as raw BSON ``bytes``
        (new in 3.6): :func:`bson.decode_all` turns each into documents.

        Takes the arguments of :meth:`find` (``manipulate`` must stay ``False``) and
        returns a :class:`~pymongo.cursor.RawBatchCursor`.
        """
        from mongofw.client.raw_batch_cursors import RawBatchCursor

        return RawBatchCursor(self, *args, **kwargs)

    def find_one(self, filter: Any = None, *args: Any, **kwargs: Any) -> Any:
        """The first document matching ``filter``, or ``None`` when none does.

        :param filter: a query document, or any other value to look up as an ``_id``
            (``find_one(oid)`` means ``find_one({"_id": oid})``); ``None`` (the default)
            takes the first document.
        :param args: the other arguments of :meth:`find` (any ``limit`` is ignored).
        :param kwargs: the keyword arguments of :meth:`find`, and ``max_time_ms``.
        :returns: a document (of the collection's ``document_class``), or ``None``.
        :raises ~pymongo.errors.OperationFailure: when the query fails.
        """
        if filter is not None and not isinstance(filter, Mapping):
            filter = {"_id": filter}
        if not args and (not kwargs or kwargs.keys() == {"session"}) and \
                type(self).find is CollectionQueries.find:
            # The common call needs no cursor object (a subclass's own find() is obeyed).
            return cursors.find_one(self, filter, kwargs.get("session"))
        max_time_ms = kwargs.pop("max_time_ms", None)
        if len(args) < 3 and "limit" not in kwargs:  # no limit given: made with limit -1
            kwargs["limit"] = -1
            cursor = self.find(filter, *args, **kwargs)
        else:
            cursor = self.find(filter, *args, **kwargs).limit(-1)
        if max_time_ms is not None:
            cursor.max_time_ms(max_time_ms)
        for document in cursor:
            return document
        return None

    def watch(self, pipeline: Optional[List[Any]] = None, full_document: Optional[str] = None,
              resume_after: Any = None, max_await_time_ms: Optional[int] = None,
              batch_size: Optional[int] = None, collation: Any = None,
              start_at_operation_time: Any = None, session: Any = None,
              start_after: Any = None) -> Any:
        """Watch this collection's changes: a change stream (new in 3.6).

        Needs a replica set or sharded cluster of MongoDB 3.6+.  Iterating the stream
        waits for the next change document; after a resumable error (a network error,
        a failover) the stream resumes once by itself from its last resume token.
        Close it, or use it as a context manager.

        :param pipeline: a list of aggregation stages to apply to the change documents
            (``$match``, ``$project``...); ``None`` (the default) for none.
        :param full_document: ``"updateLookup"`` to add the document's current version
            to update events (``"whenAvailable"``/``"required"`` on MongoDB 6.0+);
            ``None`` (the default) leaves it to the server (``"default"``).
        :param resume_after: a resume token (the ``_id`` of an earlier change) to start
            after.
        :param max_await_time_ms: how long (in ms) the server waits for new changes
            before returning an empty batch.
        :param batch_size: documents per batch (``int``).
        :param collation: a :class:`~pymongo.collation.Collation` for the pipeline.
        :param start_at_operation_time: a :class:`~bson.timestamp.Timestamp`: report
            changes from that cluster time on (MongoDB 4.0+; new in 3.7).
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in.
        :param start_after: a resume token to start after, which may be an
            ``invalidate`` event's (MongoDB 4.2+; new in 3.9); it wins over
            ``resume_after`` when both are given.
        :returns: a :class:`~pymongo.change_stream.CollectionChangeStream`.
        :raises ~pymongo.errors.OperationFailure: when the server refuses the stream
            (a standalone server, an invalid pipeline...).
        :raises ~pymongo.errors.InvalidOperation: for a ``session`` of another client
            or already ended.
        """
        from mongofw.client.change_stream import CollectionChangeStream

        return CollectionChangeStream(self, pipeline, full_document, resume_after, max_await_time_ms,
                                      batch_size, collation, start_at_operation_time, session,
                                      start_after)

    def aggregate(self, pipeline: List[Any], session: Any = None, **kwargs: Any) -> Any:
        """Run an aggregation pipeline on this collection.

        The results come through a cursor (batches fetched on demand).  A pipeline that
        ends in ``$out`` or ``$merge`` (MongoDB 4.2+) writes: it runs on the primary,
        with the collection's write concern (and, on MongoDB 4.2+, its read concern).

        :param pipeline: a list of aggregation stages (documents).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: options of the ``aggregate`` command: ``allowDiskUse``,
            ``maxTimeMS``, ``batchSize`` (documents per batch), ``collation`` (MongoDB
            3.4+), ``maxAwaitTimeMS`` (3.6), ``hint``, ``comment``, ``let``...;
            ``useCursor=False`` (deprecated in 3.6) asks for the pre-cursor reply,
            which MongoDB 3.6+ no longer gives.
        :returns: a :class:`~pymongo.command_cursor.CommandCursor`.
        :raises TypeError: when ``pipeline`` is not a list.
        :raises ValueError: when ``batchSize`` is not an int >= 0.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.aggregate(self, pipeline, session=session, **kwargs)

    def aggregate_raw_batches(self, pipeline: List[Any], session: Any = None,
                              **kwargs: Any) -> Any:
        """Like :meth:`aggregate`, but iterating yields whole batches as raw BSON
        ``bytes`` (new in 3.6): :func:`bson.decode_all` turns each into documents.

        :param pipeline: a list of aggregation stages.
        :param session: a :class:`~pymongo.client_session.ClientSession` (accepted
            since 3.12).
        :param kwargs: the options of :meth:`aggregate` (``batchSize``,
            ``allowDiskUse``, ``maxTimeMS``, ``collation``...).
        :returns: a :class:`~pymongo.command_cursor.RawBatchCommandCursor`.
        :raises TypeError: when ``pipeline`` is not a list.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        from mongofw.client.raw_batch_cursors import aggregate_raw_batches

        return aggregate_raw_batches(self, pipeline, session=session, **kwargs)

    def count_documents(self, filter: Mapping[str, Any], session: Any = None,
                        **kwargs: Any) -> int:
        """The exact number of documents matching ``filter``, counted by an
        aggregation (new in 3.7; it works in transactions, unlike :meth:`count`).

        The server refuses ``$where``, ``$near`` and ``$nearSphere`` here: use
        ``$expr``, ``$geoWithin`` with ``$center`` or ``$centerSphere`` instead.

        :param filter: a query document; ``{}`` counts every document.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in.
        :param kwargs: ``skip`` (``int`` >= 0), ``limit`` (``int`` > 0), ``maxTimeMS``,
            ``collation`` (a Collation), ``hint`` (an index name or list of ``(key,
            direction)`` pairs).
        :returns: the count, an ``int``.
        :raises TypeError: when ``filter`` is not a mapping.
        :raises ValueError: for a negative ``skip`` or a non-positive ``limit``.
        :raises ~pymongo.errors.OperationFailure: when the aggregation fails.
        """
        return collection_reads.count_documents(self, filter, session, **kwargs)

    def estimated_document_count(self, **kwargs: Any) -> int:
        """The number of documents, from the collection's metadata (new in 3.7).

        Fast, but it may be off after an unclean shutdown or on a sharded cluster
        with orphaned documents; not in a transaction.

        :param kwargs: options of the ``count`` command, such as ``maxTimeMS``.
        :returns: the count, an ``int``.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.estimated_document_count(self, **kwargs)

    def distinct(self, key: str, filter: Any = None, session: Any = None,
                 **kwargs: Any) -> List[Any]:
        """The distinct values of one field among the documents matching ``filter``.

        :param key: the field name (``str``; dotted names reach into subdocuments).
        :param filter: a query document; ``None`` (the default) looks at every
            document.
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: options of the ``distinct`` command: ``maxTimeMS``,
            ``collation`` (MongoDB 3.4+).
        :returns: a list of the values.
        :raises TypeError: when ``key`` is not a string or ``filter`` not a mapping.
        :raises ValueError: when both ``filter`` and a ``query`` keyword are given.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.distinct(self, key, filter, session, **kwargs)

    def map_reduce(self, map: Any, reduce: Any, out: Any, full_response: bool = False,
                   session: Any = None, **kwargs: Any) -> Any:
        """Run a map/reduce and write its result to a collection.

        Deprecated in 3.13 (PyMongo 4.0 removes it): move to :meth:`aggregate`.

        :param map: the map function, JavaScript (``str`` or :class:`~bson.code.Code`).
        :param reduce: the reduce function, JavaScript likewise.
        :param out: the output: a collection name (``str``), or a document such as
            ``{"replace": name}``, ``{"merge": name, "db": other}`` or
            ``{"inline": 1}``.
        :param full_response: when ``True``, return the command's whole reply
            (default ``False``).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: other options of the command: ``query``, ``sort``, ``limit``,
            ``finalize``, ``scope``, ``collation`` (MongoDB 3.4+)...
        :returns: the output :class:`~pymongo.collection.Collection`, or the full reply
            (also when the output is inline).
        :raises TypeError: for a function that is not a string, or an ``out`` that is
            neither a string nor a mapping.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.map_reduce(self, map, reduce, out, full_response, session,
                                           **kwargs)

    def inline_map_reduce(self, map: Any, reduce: Any, full_response: bool = False,
                          session: Any = None, **kwargs: Any) -> Any:
        """Run a map/reduce whose result comes back in the reply (``out: {inline:
        1}``) rather than into a collection; it may read from secondaries.

        Deprecated in 3.13 (PyMongo 4.0 removes it): move to :meth:`aggregate`.

        :param map: the map function, JavaScript (``str`` or :class:`~bson.code.Code`).
        :param reduce: the reduce function, JavaScript likewise.
        :param full_response: when ``True``, return the command's whole reply
            (default ``False``).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: other options of the command (``query``, ``limit``,
            ``collation``...).
        :returns: the list of result documents, or the full reply.
        :raises TypeError: for a function that is not a string.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.inline_map_reduce(self, map, reduce, full_response, session,
                                                  **kwargs)

    def options(self, session: Any = None) -> Mapping[str, Any]:
        """The options this collection was created with (``capped``, ``size``...).

        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: a dict of the options; ``{}`` when the collection does not exist or
            has none.
        :raises ~pymongo.errors.OperationFailure: when listing the collection fails.
        """
        return collection_reads.options(self, session)
