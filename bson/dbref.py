"""DBRef: a reference to a document by collection, ``_id`` and optional database."""
from __future__ import annotations

import copy
from typing import Any, Dict, Mapping, Optional, Tuple

from bson.son import SON


class DBRef:
    """A reference to the document whose ``_id`` is ``id`` in ``collection``.

    Raises TypeError if ``collection`` or ``database`` is not a str.  Extra keyword
    arguments (and ``_extra``) become additional fields of the embedded document, after
    ``$ref``, ``$id`` and ``$db``, and are readable as attributes.
    """

    # __dict__ too: 3.4's DBRef took arbitrary attributes.
    __slots__ = ("__collection", "__id", "__database", "__kwargs", "__dict__")
    _type_marker = 100

    def __init__(self, collection: str, id: Any, database: Optional[str] = None,
                 _extra: Mapping[str, Any] = {}, **kwargs: Any) -> None:  # noqa: B006 - documented
        if not isinstance(collection, str):
            raise TypeError(f"collection must be an instance of str, not {type(collection)!r}")
        if database is not None and not isinstance(database, str):
            raise TypeError(f"database must be an instance of str, not {type(database)!r}")
        self.__collection = collection
        self.__id = id
        self.__database = database
        kwargs.update(_extra)
        self.__kwargs = kwargs

    @property
    def collection(self) -> str:
        """Get the name of this DBRef's collection."""
        return self.__collection

    @property
    def id(self) -> Any:
        """Get this DBRef's _id."""
        return self.__id

    @property
    def database(self) -> Optional[str]:
        """Get the name of this DBRef's database, or None if it names none."""
        return self.__database

    def __getattr__(self, key: str) -> Any:
        # Only reached for names that are not slots; during unpickling the slot may be empty.
        try:
            return object.__getattribute__(self, "_DBRef__kwargs")[key]
        except KeyError:
            raise AttributeError(key) from None

    def __reduce__(self) -> Tuple[Any, ...]:
        return _rebuild, (self.__collection, self.__id, self.__database, dict(self.__kwargs))

    def as_doc(self) -> SON:
        """Get the SON document representation of this DBRef."""
        doc = SON([("$ref", self.collection), ("$id", self.id)])
        if self.database is not None:
            doc["$db"] = self.database
        doc.update(self.__kwargs)
        return doc

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.__kwargs.items())
        if self.database is None:
            return f"DBRef({self.collection!r}, {self.id!r}{extra})"
        return f"DBRef({self.collection!r}, {self.id!r}, {self.database!r}{extra})"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, DBRef):
            us = (self.__database, self.__collection, self.__id, self.__kwargs)
            them = (other.database, other.collection, other.id, other._DBRef__kwargs)
            return us == them
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((self.__collection, self.__id, self.__database,
                     tuple(sorted(self.__kwargs.items()))))

    def __deepcopy__(self, memo: Dict[int, Any]) -> DBRef:
        return DBRef(copy.deepcopy(self.__collection, memo), copy.deepcopy(self.__id, memo),
                     copy.deepcopy(self.__database, memo), copy.deepcopy(self.__kwargs, memo))


def _rebuild(collection: str, id: Any, database: Optional[str], extra: Dict[str, Any]) -> DBRef:
    return DBRef(collection, id, database, extra)


def _from_document(doc: Any) -> Any:
    """The DBRef a decoded BSON sub-document ``{"$ref": ..., ...}`` stands for.

    As PyMongo 3.4 did, a missing ``$id`` gives ``DBRef(collection, None)``.  A ``$ref``
    that is not a string keeps the document as it is (3.4 could not decode it at all).
    """
    if not isinstance(doc["$ref"], str):
        return doc
    extra = dict(doc)
    collection = extra.pop("$ref")
    oid = extra.pop("$id", None)
    database = extra.get("$db")
    if isinstance(database, str):
        del extra["$db"]
    else:
        database = None
    return DBRef(collection, oid, database, extra)
