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
        """Create an index on a key or (key, direction) list; returns its name."""
        return collection_indexes.create_index(self, keys, session, **kwargs)

    def create_indexes(self, indexes: List[Any], session: Any = None,
                       **kwargs: Any) -> List[str]:
        """Create the indexes described by IndexModel instances; returns their names.
        Keyword arguments (``maxTimeMS``...) go to the ``createIndexes`` command."""
        return collection_indexes.create_indexes(self, indexes, session, **kwargs)

    def drop_index(self, index_or_name: Any, session: Any = None, **kwargs: Any) -> None:
        """Drop an index by name or by its (key, direction) list.  Keyword arguments
        (``maxTimeMS``...) go to the ``dropIndexes`` command."""
        collection_indexes.drop_index(self, index_or_name, session, **kwargs)

    def drop_indexes(self, session: Any = None, **kwargs: Any) -> None:
        """Drop every index but the one on ``_id`` (keywords go to ``dropIndexes``)."""
        collection_indexes.drop_index(self, "*", session, **kwargs)

    def list_indexes(self, session: Any = None) -> Any:
        """A CommandCursor over this collection's index documents."""
        return collection_indexes.list_indexes(self, session)

    def index_information(self, session: Any = None) -> Mapping[str, Any]:
        """``{index name: {"key": [(key, direction), ...], ...}}`` for every index."""
        return collection_indexes.index_information(self, session)
