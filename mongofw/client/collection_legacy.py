"""The Collection methods PyMongo deprecated during 3.x, kept as a mixin of their own.

``LegacyCollectionMethods`` holds the 3.0-deprecated writes (``insert``, ``save``,
``update``, ``remove``, ``find_and_modify``) and ``ensure_index``, the builders of the
legacy bulk API (deprecated in 3.5), ``group`` (3.5), ``count`` and ``parallel_scan``
(3.7) and ``reindex`` (3.11).  :class:`~pymongo.collection.Collection` inherits them; the
code is the one the class had, only moved, so that the class can carry its documentation.
"""
from __future__ import annotations

import warnings
from typing import Any, List, Mapping

from mongofw.client import collection_indexes, collection_reads, collection_writes
from mongofw.client.bulk import BulkOperationBuilder


def _deprecated(method: str, replacement: str) -> None:
    warnings.warn(f"{method} is deprecated. Use {replacement} instead.", DeprecationWarning,
                  stacklevel=3)


class LegacyCollectionMethods:
    """The deprecated methods of :class:`~pymongo.collection.Collection`."""

    def initialize_unordered_bulk_op(self, bypass_document_validation: bool = False
                                     ) -> BulkOperationBuilder:
        """Start a legacy bulk operation whose writes may run in any order.

        Queue writes on the returned builder (``bulk.insert(doc)``,
        ``bulk.find(filter).update_one(...)``...), then call its ``execute()``: the
        server may reorder them, and every one is attempted even after a failure.

        :param bypass_document_validation: when ``True``, the writes skip the
            collection's document validation (MongoDB 3.2+; default ``False``).
        :returns: a :class:`~pymongo.bulk.BulkOperationBuilder`.

        Deprecated in PyMongo 3.5: use :meth:`bulk_write` with ``ordered=False``.
        """
        return BulkOperationBuilder(self, False, bypass_document_validation)

    def initialize_ordered_bulk_op(self, bypass_document_validation: bool = False
                                   ) -> BulkOperationBuilder:
        """Start a legacy bulk operation whose writes run one after another.

        Queue writes on the returned builder, then call its ``execute()``: they run in
        the order they were added, and the first failure stops the rest.

        :param bypass_document_validation: when ``True``, the writes skip the
            collection's document validation (MongoDB 3.2+; default ``False``).
        :returns: a :class:`~pymongo.bulk.BulkOperationBuilder`.

        Deprecated in PyMongo 3.5: use :meth:`bulk_write`.
        """
        return BulkOperationBuilder(self, True, bypass_document_validation)

    def insert(self, doc_or_docs: Any, manipulate: bool = True, check_keys: bool = True,
               continue_on_error: bool = False, **kwargs: Any) -> Any:
        """Insert one document or several (deprecated since PyMongo 3.0).

        Use :meth:`insert_one` or :meth:`insert_many`.  A document without an ``_id``
        gets an :class:`~bson.objectid.ObjectId` added to it.

        :param doc_or_docs: a document (a mapping) or an iterable of documents.
        :param manipulate: when ``True`` (the default), the database's SON manipulators
            transform each document before it is sent.
        :param check_keys: when ``True`` (the default), refuse keys starting with ``$``
            or containing ``.``.
        :param continue_on_error: when ``True``, keep inserting after a failed document
            (default ``False``: stop at the first failure).
        :param kwargs: write concern options for this call (``w``, ``wtimeout``, ``j``,
            ``fsync``); the collection's write concern otherwise.
        :returns: the ``_id`` of the document, or the list of ``_id`` values.
        :raises TypeError: for an empty list or a value that is not a document.
        :raises ~pymongo.errors.DuplicateKeyError: when an ``_id`` or unique key exists.
        :raises ~pymongo.errors.OperationFailure: for another write or write concern
            error (the last one, with ``continue_on_error``).
        """
        _deprecated("insert", "insert_one or insert_many")
        return collection_writes.insert(self, doc_or_docs, manipulate, check_keys,
                                        continue_on_error, **kwargs)

    def save(self, to_save: Any, manipulate: bool = True, check_keys: bool = True,
             **kwargs: Any) -> Any:
        """Insert a document, or replace the one with the same ``_id`` (deprecated
        since PyMongo 3.0; use :meth:`insert_one` or :meth:`replace_one`).

        :param to_save: the document; without an ``_id`` it is inserted (and gets one),
            with one it replaces that document, or is inserted when there is none.
        :param manipulate: when ``True`` (the default), apply the database's SON
            manipulators first.
        :param check_keys: when ``True`` (the default), refuse keys starting with ``$``
            or containing ``.``.
        :param kwargs: write concern options for this call (``w``, ``j``...).
        :returns: the ``_id`` of the saved document.
        :raises TypeError: when ``to_save`` is not a document.
        :raises ~pymongo.errors.OperationFailure: for a write or write concern error.
        """
        _deprecated("save", "insert_one or replace_one")
        return collection_writes.save(self, to_save, manipulate, check_keys, **kwargs)

    def update(self, spec: Any, document: Any, upsert: bool = False, manipulate: bool = False,
               multi: bool = False, check_keys: bool = True, **kwargs: Any) -> Any:
        """Update or replace documents (deprecated since PyMongo 3.0; use
        :meth:`replace_one`, :meth:`update_one` or :meth:`update_many`).

        :param spec: the query document selecting what to update.
        :param document: ``$`` update operators, or a whole replacement document.
        :param upsert: when ``True``, insert a document when nothing matches (default
            ``False``).
        :param manipulate: when ``True``, apply the database's SON manipulators to
            ``document`` first (default ``False``).
        :param multi: when ``True``, update every match, not only the first (default
            ``False``; needs update operators).
        :param check_keys: when ``True`` (the default), refuse a replacement whose keys
            start with ``$`` or contain ``.``.
        :param kwargs: write concern options for this call (``w``, ``j``...).
        :returns: the server's reply with ``updatedExisting`` (and ``upserted``, the new
            ``_id``), or ``None`` for an unacknowledged write.
        :raises TypeError: when ``spec``, ``document``, ``upsert`` or ``multi`` has the
            wrong type.
        :raises ValueError: for ``multi=True`` with a replacement document.
        :raises ~pymongo.errors.OperationFailure: for a write or write concern error.
        """
        _deprecated("update", "replace_one, update_one or update_many")
        return collection_writes.update(self, spec, document, upsert, manipulate, multi,
                                        check_keys, **kwargs)

    def remove(self, spec_or_id: Any = None, multi: bool = True, **kwargs: Any) -> Any:
        """Delete documents (deprecated since PyMongo 3.0; use :meth:`delete_one` or
        :meth:`delete_many`).

        :param spec_or_id: a query document, or an ``_id`` value (any non-mapping);
            ``None`` (the default) deletes every document.
        :param multi: when ``True`` (the default), delete every match; ``False`` deletes
            the first only.
        :param kwargs: write concern options for this call (``w``, ``j``...).
        :returns: the server's reply (``n``, ``ok``), or ``None`` for an unacknowledged
            write.
        :raises TypeError: when ``multi`` is not a bool.
        :raises ~pymongo.errors.OperationFailure: for a write or write concern error.
        """
        _deprecated("remove", "delete_one or delete_many")
        return collection_writes.remove(self, spec_or_id, multi, **kwargs)

    def find_and_modify(self, query: Any = {}, update: Any = None,  # noqa: B006 - documented
                        upsert: bool = False, sort: Any = None, full_response: bool = False,
                        manipulate: bool = False, **kwargs: Any) -> Any:
        """Update, replace or remove one document and return it, with the
        ``findAndModify`` command (deprecated since PyMongo 3.0; use
        :meth:`find_one_and_delete`, :meth:`find_one_and_replace` or
        :meth:`find_one_and_update`).

        :param query: the filter selecting the document (default ``{}``).
        :param update: update operators or a replacement; give it, or ``remove=True``.
        :param upsert: when ``True``, insert when nothing matches (default ``False``).
        :param sort: which match to take first: a list of ``(key, direction)`` pairs (a
            one-key dict or a SON still works, with a DeprecationWarning).
        :param full_response: when ``True``, return the command's whole reply instead of
            the document (default ``False``).
        :param manipulate: when ``True``, apply the database's outgoing SON manipulators
            to the returned document (default ``False``).
        :param kwargs: other ``findAndModify`` options: ``remove``, ``new`` (return the
            modified document), ``fields`` (a projection), ``collation`` (MongoDB 3.4+)...
        :returns: the document (before the change unless ``new=True``), ``None`` when
            nothing matched, or the full reply.
        :raises ValueError: with neither ``update`` nor ``remove``, or both.
        :raises TypeError: for a ``sort`` or ``fields`` of the wrong type.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        _deprecated("find_and_modify",
                    "find_one_and_delete, find_one_and_replace or find_one_and_update")
        return collection_writes.find_and_modify(self, query, update, upsert, sort,
                                                 full_response, manipulate, **kwargs)

    def group(self, key: Any, condition: Any, initial: Any, reduce: Any, finalize: Any = None,
              **kwargs: Any) -> List[Any]:
        """Group the documents by key and reduce each group with JavaScript, with the
        ``group`` command (deprecated in PyMongo 3.5; MongoDB 3.4 deprecated the command
        and 4.2 removed it: use :meth:`aggregate` with ``$group``).

        :param key: the fields to group by (a list of names), a JavaScript function
            (``str`` or :class:`~bson.code.Code`) returning the key, or ``None`` for a
            single group.
        :param condition: a query document selecting the documents to group.
        :param initial: the starting value of each group's aggregation document.
        :param reduce: a JavaScript function ``function(doc, aggregate)`` folding each
            document into its group.
        :param finalize: an optional JavaScript function run on each group's result.
        :param kwargs: other options of the command, such as ``collation`` (MongoDB
            3.4+).
        :returns: the list of grouped documents.
        :raises TypeError: for a ``key`` or function of the wrong type.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.group(self, key, condition, initial, reduce, finalize,
                                      **kwargs)

    def ensure_index(self, key_or_list: Any, cache_for: int = 300, **kwargs: Any) -> str:
        """Create an index unless it exists (deprecated since PyMongo 3.0; use
        :meth:`create_index`).  Warns with a DeprecationWarning.

        :param key_or_list: a key name, or a list of ``(key, direction)`` pairs, as for
            :meth:`create_index`.
        :param cache_for: seconds PyMongo cached the index's existence (an int or
            float, default 300); mongofw checks its type and always sends the
            command, which is a no-op for an existing index.
        :param kwargs: the index options of :meth:`create_index` (``name``,
            ``unique``...).
        :returns: the index name.
        :raises TypeError: when ``cache_for`` is not a number.
        :raises ~pymongo.errors.OperationFailure: when the index cannot be created.
        """
        return collection_indexes.ensure_index(self, key_or_list, cache_for, **kwargs)

    def count(self, filter: Any = None, session: Any = None, **kwargs: Any) -> int:
        """The number of documents matching ``filter``, from the ``count`` command.

        Deprecated in PyMongo 3.7: use :meth:`count_documents` (exact, works in a
        transaction) or :meth:`estimated_document_count` (from the metadata).  On a
        sharded cluster, or after an unclean shutdown, the server's count may be off.

        :param filter: a query document; ``None`` (the default) counts every document.
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: options of the command: ``hint`` (an index name or list of
            ``(key, direction)`` pairs), ``limit``, ``skip``, ``maxTimeMS``,
            ``collation`` (MongoDB 3.4+).
        :returns: the count, an ``int``.
        :raises TypeError: when ``filter`` is not a mapping.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.count(self, filter, session, **kwargs)

    def parallel_scan(self, num_cursors: int, session: Any = None, **kwargs: Any) -> List[Any]:
        """Read the whole collection through several cursors at once, with the
        ``parallelCollectionScan`` command (deprecated in PyMongo 3.7; MongoDB 4.2
        removed the command).

        The cursors together return each document once; iterate them in separate
        threads.

        :param num_cursors: the most cursors to return (an ``int`` >= 1); the server
            may return fewer.
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6);
            the cursors share it (or one implicit session ended with the last cursor).
        :param kwargs: other options of the command, such as ``maxTimeMS``.
        :returns: a list of :class:`~pymongo.command_cursor.CommandCursor`.
        :raises TypeError: when ``num_cursors`` is not an int.
        :raises ValueError: when ``num_cursors`` is below 1.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_reads.parallel_scan(self, num_cursors, session, **kwargs)

    def reindex(self, session: Any = None, **kwargs: Any) -> Mapping[str, Any]:
        """Drop and rebuild every index of this collection, with ``reIndex``
        (deprecated in PyMongo 3.11; the command blocks the collection and needs a
        standalone server: run it from the shell instead).

        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: other options of the command (new in 3.6), such as
            ``maxTimeMS``.
        :returns: the server's reply.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_indexes.reindex(self, session, **kwargs)
