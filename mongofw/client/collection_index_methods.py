"""The index methods of a Collection (create, drop, list), a mixin of its own.

``CollectionIndexMethods`` is inherited by :class:`~pymongo.collection.Collection`; the
work is done by the functions of :mod:`mongofw.client.collection_indexes`.
"""
from __future__ import annotations

from typing import Any, List, Mapping

from mongofw.client import collection_indexes


class CollectionIndexMethods:
    """Creating, dropping and listing the indexes of a collection."""

    def create_index(self, keys: Any, session: Any = None, **kwargs: Any) -> str:
        """Create an index on this collection (a no-op if the same one exists).

        ``create_index("a")`` builds an ascending index on ``a``;
        ``create_index([("a", ASCENDING), ("b", DESCENDING)])`` a compound one.

        :param keys: a field name (ascending), or a list of ``(key, direction)``
            pairs; a direction is ``pymongo.ASCENDING``, ``DESCENDING``, ``GEO2D``,
            ``GEOHAYSTACK``, ``GEOSPHERE``, ``HASHED`` or ``TEXT``.
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: the index options: ``name`` (default generated from the keys,
            like ``a_1_b_-1``), ``unique``, ``background``, ``sparse``, ``bucketSize``,
            ``min``/``max`` (2d bounds), ``expireAfterSeconds`` (TTL),
            ``partialFilterExpression`` (MongoDB 3.2+), ``collation`` (MongoDB 3.4+),
            ``hidden`` (MongoDB 4.4+, new in 3.11)...; and ``maxTimeMS`` (new in 3.6),
            an option of the command rather than of the index.
        :returns: the index name.
        :raises TypeError: for keys or a ``name`` of the wrong type.
        :raises ~pymongo.errors.OperationFailure: when the server refuses the index
            (say, a unique index over duplicates).

        The collection's write concern applies (new in 3.4).
        """
        return collection_indexes.create_index(self, keys, session, **kwargs)

    def create_indexes(self, indexes: List[Any], session: Any = None,
                       **kwargs: Any) -> List[str]:
        """Create several indexes with one ``createIndexes`` command (new in 3.0;
        MongoDB 2.6+).

        :param indexes: a non-empty list of :class:`~pymongo.operations.IndexModel`.
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: options of the command, such as ``maxTimeMS`` (new in 3.6) or
            ``commitQuorum``.
        :returns: the list of the index names.
        :raises TypeError: when ``indexes`` is not a list of IndexModel.
        :raises ValueError: when ``indexes`` is empty.
        :raises ~pymongo.errors.OperationFailure: when the server refuses an index.
        """
        return collection_indexes.create_indexes(self, indexes, session, **kwargs)

    def drop_index(self, index_or_name: Any, session: Any = None, **kwargs: Any) -> None:
        """Drop one index of this collection.

        :param index_or_name: the index name (``str``), or the list of ``(key,
            direction)`` pairs it was created with (its name is then generated the same
            way; an index created with a custom ``name`` must be dropped by name).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: options of the ``dropIndexes`` command (new in 3.6), such as
            ``maxTimeMS``.
        :raises TypeError: when ``index_or_name`` is neither a string nor a list.
        :raises ~pymongo.errors.OperationFailure: when no such index exists.

        Dropping from a missing collection is not an error.  The collection's write
        concern applies (new in 3.4).
        """
        collection_indexes.drop_index(self, index_or_name, session, **kwargs)

    def drop_indexes(self, session: Any = None, **kwargs: Any) -> None:
        """Drop every index of this collection but the one on ``_id``.

        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: options of the ``dropIndexes`` command (new in 3.6), such as
            ``maxTimeMS``.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        collection_indexes.drop_index(self, "*", session, **kwargs)

    def list_indexes(self, session: Any = None) -> Any:
        """The index documents of this collection (``name``, ``key``, ``v`` and the
        options), read on the primary (new in 3.0).

        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: a :class:`~pymongo.command_cursor.CommandCursor`; empty when the
            collection does not exist.
        :raises ~pymongo.errors.OperationFailure: when the command fails.
        """
        return collection_indexes.list_indexes(self, session)

    def index_information(self, session: Any = None) -> Mapping[str, Any]:
        """A description of every index of this collection, by name.

        For instance ``{"_id_": {"key": [("_id", 1)], "v": 2}, "a_1": {"key": [("a",
        1)], "unique": True, "v": 2}}``: each value holds the index's key as a list of
        ``(key, direction)`` pairs and its other options.

        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: a dict; ``{}`` when the collection does not exist.
        :raises ~pymongo.errors.OperationFailure: when listing the indexes fails.
        """
        return collection_indexes.index_information(self, session)
