"""SON manipulators (documented as ``pymongo.son_manipulator``), deprecated since 3.0.

A manipulator changes documents on their way in (legacy ``insert``/``save``/``update``
with ``manipulate=True``) and out (cursors with ``manipulate=True``).  A database holds
the ones added with ``add_son_manipulator`` and those a plugin returns from
``mongofw_son_manipulators``; this module holds the documented classes.
"""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from bson.dbref import DBRef
from bson.objectid import ObjectId
from bson.son import SON


class SONManipulator:
    """A base son manipulator: saves and restores documents unchanged."""

    def will_copy(self) -> bool:
        """Whether this manipulator copies the document (copying ones run last)."""
        return False

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """Manipulate a document about to be stored in ``collection``."""
        if self.will_copy():
            return SON(son)
        return son

    def transform_outgoing(self, son: Any, collection: Any) -> Any:
        """Manipulate a document read from ``collection``."""
        if self.will_copy():
            return SON(son)
        return son


class ObjectIdInjector(SONManipulator):
    """Adds an ``_id`` (a new ObjectId) to documents that have none."""

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """Add an ``_id`` field if it is missing."""
        if "_id" not in son:
            son["_id"] = ObjectId()
        return son


class ObjectIdShuffler(SONManipulator):
    """Moves ``_id`` to the first position (by copying the document into a SON)."""

    def will_copy(self) -> bool:
        """True: the document is copied into a SON to control key order."""
        return True

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """Move ``_id`` to the front if it is there."""
        if "_id" not in son:
            return son
        moved = SON([("_id", son["_id"])])
        moved.update((key, value) for key, value in son.items() if key != "_id")
        return moved


class NamespaceInjector(SONManipulator):
    """Adds the ``_ns`` field (the collection name) to incoming documents."""

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """Add the ``_ns`` field to the incoming document."""
        son["_ns"] = collection.name
        return son


class AutoReference(SONManipulator):
    """Stores embedded documents that carry ``_ns`` as DBRefs, and expands them on reads.

    Meant to be used with :class:`NamespaceInjector`; references resolve in ``db`` only,
    and a circular reference is not detected.
    """

    def __init__(self, db: Any) -> None:
        self.database = db

    def will_copy(self) -> bool:
        """True: the caller's document must not have its embedded documents replaced."""
        return True

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """Replace embedded documents that have ``_ns`` and ``_id`` with DBRefs."""

        def transform_value(value: Any) -> Any:
            if isinstance(value, MutableMapping):
                if "_id" in value and "_ns" in value:
                    return DBRef(value["_ns"], transform_value(value["_id"]))
                return transform_dict(SON(value))
            if isinstance(value, list):
                return [transform_value(item) for item in value]
            return value

        def transform_dict(obj: Any) -> Any:
            for key, value in obj.items():
                obj[key] = transform_value(value)
            return obj

        return transform_dict(SON(son))

    def transform_outgoing(self, son: Any, collection: Any) -> Any:
        """Replace DBRefs with the documents they point to."""

        def transform_value(value: Any) -> Any:
            if isinstance(value, DBRef):
                return self.database.dereference(value)
            if isinstance(value, list):
                return [transform_value(item) for item in value]
            if isinstance(value, Mapping):
                return transform_dict(SON(value))
            return value

        def transform_dict(obj: Any) -> Any:
            for key, value in obj.items():
                obj[key] = transform_value(value)
            return obj

        return transform_dict(SON(son))
