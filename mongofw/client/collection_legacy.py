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
        """A builder whose operations run in any order, all of them attempted."""
        return BulkOperationBuilder(self, False, bypass_document_validation)

    def initialize_ordered_bulk_op(self, bypass_document_validation: bool = False
                                   ) -> BulkOperationBuilder:
        """A builder whose operations run serially, stopping at the first error."""
        return BulkOperationBuilder(self, True, bypass_document_validation)

    def insert(self, doc_or_docs: Any, manipulate: bool = True, check_keys: bool = True,
               continue_on_error: bool = False, **kwargs: Any) -> Any:
        """DEPRECATED - use insert_one() or insert_many(); ``kwargs`` are write concern."""
        _deprecated("insert", "insert_one or insert_many")
        return collection_writes.insert(self, doc_or_docs, manipulate, check_keys,
                                        continue_on_error, **kwargs)

    def save(self, to_save: Any, manipulate: bool = True, check_keys: bool = True,
             **kwargs: Any) -> Any:
        """DEPRECATED - use insert_one() or replace_one(); returns the ``_id``."""
        _deprecated("save", "insert_one or replace_one")
        return collection_writes.save(self, to_save, manipulate, check_keys, **kwargs)

    def update(self, spec: Any, document: Any, upsert: bool = False, manipulate: bool = False,
               multi: bool = False, check_keys: bool = True, **kwargs: Any) -> Any:
        """DEPRECATED - use replace_one(), update_one() or update_many()."""
        _deprecated("update", "replace_one, update_one or update_many")
        return collection_writes.update(self, spec, document, upsert, manipulate, multi,
                                        check_keys, **kwargs)

    def remove(self, spec_or_id: Any = None, multi: bool = True, **kwargs: Any) -> Any:
        """DEPRECATED - use delete_one() or delete_many()."""
        _deprecated("remove", "delete_one or delete_many")
        return collection_writes.remove(self, spec_or_id, multi, **kwargs)

    def find_and_modify(self, query: Any = {}, update: Any = None,  # noqa: B006 - documented
                        upsert: bool = False, sort: Any = None, full_response: bool = False,
                        manipulate: bool = False, **kwargs: Any) -> Any:
        """DEPRECATED - use find_one_and_delete(), _replace() or _update()."""
        _deprecated("find_and_modify",
                    "find_one_and_delete, find_one_and_replace or find_one_and_update")
        return collection_writes.find_and_modify(self, query, update, upsert, sort,
                                                 full_response, manipulate, **kwargs)

    def group(self, key: Any, condition: Any, initial: Any, reduce: Any, finalize: Any = None,
              **kwargs: Any) -> List[Any]:
        """SQL-like ``group by`` with JavaScript functions; the grouped documents."""
        return collection_reads.group(self, key, condition, initial, reduce, finalize,
                                      **kwargs)

    def ensure_index(self, key_or_list: Any, cache_for: int = 300, **kwargs: Any) -> str:
        """DEPRECATED - create the index if needed; returns its name."""
        return collection_indexes.ensure_index(self, key_or_list, cache_for, **kwargs)

    def count(self, filter: Any = None, session: Any = None, **kwargs: Any) -> int:
        """The number of documents matching ``filter`` (hint, limit, skip, maxTimeMS, collation)."""
        return collection_reads.count(self, filter, session, **kwargs)

    def parallel_scan(self, num_cursors: int, session: Any = None, **kwargs: Any) -> List[Any]:
        """Up to ``num_cursors`` CommandCursors covering the whole collection once."""
        return collection_reads.parallel_scan(self, num_cursors, session, **kwargs)

    def reindex(self, session: Any = None, **kwargs: Any) -> Mapping[str, Any]:
        """Rebuild all indexes of this collection (keywords go to ``reIndex``)."""
        return collection_indexes.reindex(self, session, **kwargs)
