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
        """Manipulate a document about to be stored.

        :param son: the document (a mapping) being inserted, saved or used to update.
        :param collection: the :class:`~pymongo.collection.Collection` it goes to.
        :returns: the document to store: ``son`` itself, or a copy when
            :meth:`will_copy` says so.  Subclasses override this.
        """
        if self.will_copy():
            return SON(son)
        return son

    def transform_outgoing(self, son: Any, collection: Any) -> Any:
        """Manipulate a document read from the database.

        :param son: the document a cursor returned.
        :param collection: the :class:`~pymongo.collection.Collection` it came from.
        :returns: the document to hand the application (``son`` itself here).
        """
        if self.will_copy():
            return SON(son)
        return son


class ObjectIdInjector(SONManipulator):
    """Adds an ``_id`` (a new ObjectId) to documents that have none."""

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """Add an ``_id`` (a new ObjectId) to ``son`` when it has none; ``son`` is
        changed in place and returned.  ``collection`` (the target) is not used."""
        if "_id" not in son:
            son["_id"] = ObjectId()
        return son


class ObjectIdShuffler(SONManipulator):
    """Moves ``_id`` to the first position (by copying the document into a SON)."""

    def will_copy(self) -> bool:
        """True: the document is copied into a SON to control key order."""
        return True

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """A copy of ``son`` (a :class:`~bson.son.SON`) with ``_id`` first, or ``son``
        itself when it has no ``_id``.  ``collection`` (the target) is not used."""
        if "_id" not in son:
            return son
        moved = SON([("_id", son["_id"])])
        moved.update((key, value) for key, value in son.items() if key != "_id")
        return moved


class NamespaceInjector(SONManipulator):
    """Adds the ``_ns`` field (the collection name) to incoming documents."""

    def transform_incoming(self, son: Any, collection: Any) -> Any:
        """Set ``son["_ns"]`` to the name of ``collection`` (the target
        :class:`~pymongo.collection.Collection`); ``son`` is changed in place and
        returned."""
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
        """A copy of ``son`` in which every embedded document that has ``_ns`` and
        ``_id`` (at any depth, lists included) is a :class:`~bson.dbref.DBRef` to it.
        ``collection`` (the target) is not used."""

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
        """A copy of ``son`` in which every :class:`~bson.dbref.DBRef` (at any depth)
        is the document it points to, looked up in this manipulator's database (None
        when it is missing).  ``collection`` (the source) is not used."""

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
