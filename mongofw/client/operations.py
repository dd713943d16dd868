"""Write operation classes for ``Collection.bulk_write`` (documented as ``pymongo.operations``).

Each class checks its filter and ``upsert`` when built, as PyMongo 3.4 did; the document,
update or replacement is checked when the operation is added to a bulk (the engine in
:mod:`mongofw.client.bulk`, through ``_add_to_bulk``), so ``bulk_write`` raises for it.  ``IndexModel`` lives with the index
code in :mod:`mongofw.client.index_specs`.
"""
from __future__ import annotations

from collections import abc
from typing import Any, Mapping, Optional

__all__ = ["InsertOne", "DeleteOne", "DeleteMany", "ReplaceOne", "UpdateOne", "UpdateMany"]

# ---------------------------------------------------------------- argument checks
# Shared by the operation classes, the bulk builders and Collection's write methods.


def _is_raw(document: Any) -> bool:
    return hasattr(document, "raw") and not isinstance(document, abc.MutableMapping)


def validate_document(document: Any, name: str = "document") -> None:
    """A document to insert: a mutable mapping (so an ``_id`` can be added) or raw BSON."""
    # collections.abc, not typing: isinstance against a typing alias costs ~1 us per call,
    # and this runs once per inserted document. A plain dict skips even that.
    if type(document) is not dict and not isinstance(document, abc.MutableMapping) and \
            not _is_raw(document):
        raise TypeError(f"{name} must be an instance of dict, bson.son.SON, "
                        f"bson.raw_bson.RawBSONDocument, or a type that inherits from "
                        f"collections.abc.MutableMapping, not {type(document).__name__}")


def validate_mapping(name: str, value: Any) -> Mapping[str, Any]:
    if type(value) is not dict and not isinstance(value, abc.Mapping) and not _is_raw(value):
        raise TypeError(f"{name} must be an instance of dict, bson.son.SON, or another "
                        f"type that inherits from collections.abc.Mapping, not "
                        f"{type(value).__name__}")
    return value


def validate_filter(filter: Any) -> Mapping[str, Any]:
    return validate_mapping("filter", filter)


def validate_upsert(upsert: Any) -> bool:
    if not isinstance(upsert, bool):
        raise TypeError(f"upsert must be True or False, not {upsert!r}")
    return upsert


def validate_update(update: Any) -> None:
    """An update document: non-empty, every key a ``$`` operator."""
    validate_mapping("update", update)
    if not update:
        raise ValueError("update only works with $ operators: the update document is empty")
    for key in update:
        if not str(key).startswith("$"):
            raise ValueError(f"update only works with $ operators, got key {key!r}")


def validate_replacement(replacement: Any) -> None:
    """A replacement document: a mapping whose keys are not ``$`` operators."""
    validate_mapping("replacement", replacement)
    if replacement and not _is_raw(replacement):
        first = next(iter(replacement))
        if str(first).startswith("$"):
            raise ValueError(f"replacement can not include $ operators, got key {first!r}")


def validate_collation(collation: Any) -> Optional[Mapping[str, Any]]:
    """None, a ``Collation`` (anything with a ``document``) or a mapping -> the document."""
    if collation is None:
        return None
    document = getattr(collation, "document", None)
    if isinstance(document, Mapping):
        return dict(document)
    if isinstance(collation, Mapping):
        return dict(collation)
    raise TypeError(f"collation must be a dict, an instance of pymongo.collation.Collation, "
                    f"or None, not {type(collation).__name__}")


# ---------------------------------------------------------------- operations


class _Operation:
    """Equality and repr over the constructor's arguments."""

    __slots__ = ()

    def _args(self) -> tuple:
        raise TypeError(f"{type(self).__name__} is abstract")  # every subclass overrides

    def __eq__(self, other: Any) -> bool:
        if type(other) is type(self):
            return self._args() == other._args()
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        return not self == other

    __hash__ = None  # the arguments are mutable mappings

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(a) for a in self._args())})"


class InsertOne(_Operation):
    """Insert ``document``; an ``_id`` is added to it when it has none."""

    __slots__ = ("_doc",)

    def __init__(self, document: Any) -> None:
        self._doc = document

    def _args(self) -> tuple:
        return (self._doc,)

    def _add_to_bulk(self, bulk: Any) -> None:
        bulk.add_insert(self._doc)


class _Delete(_Operation):
    __slots__ = ("_filter", "_collation")
    _limit = 0

    def __init__(self, filter: Mapping[str, Any], collation: Any = None) -> None:
        self._filter = validate_filter(filter)
        self._collation = validate_collation(collation)

    def _args(self) -> tuple:
        return (self._filter,) if self._collation is None else (self._filter, self._collation)

    def _add_to_bulk(self, bulk: Any) -> None:
        bulk.add_delete(self._filter, self._limit, collation=self._collation)


class DeleteOne(_Delete):
    """Delete the first document matching ``filter``."""

    __slots__ = ()
    _limit = 1


class DeleteMany(_Delete):
    """Delete every document matching ``filter``."""

    __slots__ = ()
    _limit = 0


class ReplaceOne(_Operation):
    """Replace the first document matching ``filter`` with ``replacement``."""

    __slots__ = ("_filter", "_doc", "_upsert", "_collation")

    def __init__(self, filter: Mapping[str, Any], replacement: Any, upsert: bool = False,
                 collation: Any = None) -> None:
        self._filter = validate_filter(filter)
        self._doc = replacement
        self._upsert = validate_upsert(upsert)
        self._collation = validate_collation(collation)

    def _args(self) -> tuple:
        args = (self._filter, self._doc, self._upsert)
        return args if self._collation is None else args + (self._collation,)

    def _add_to_bulk(self, bulk: Any) -> None:
        bulk.add_replace(self._filter, self._doc, self._upsert, collation=self._collation)


class _Update(_Operation):
    __slots__ = ("_filter", "_doc", "_upsert", "_collation")
    _multi = False

    def __init__(self, filter: Mapping[str, Any], update: Mapping[str, Any],
                 upsert: bool = False, collation: Optional[Any] = None) -> None:
        self._filter = validate_filter(filter)
        self._doc = update
        self._upsert = validate_upsert(upsert)
        self._collation = validate_collation(collation)

    def _args(self) -> tuple:
        args = (self._filter, self._doc, self._upsert)
        return args if self._collation is None else args + (self._collation,)

    def _add_to_bulk(self, bulk: Any) -> None:
        bulk.add_update(self._filter, self._doc, self._multi, self._upsert,
                        collation=self._collation)


class UpdateOne(_Update):
    """Apply the ``$`` operators of ``update`` to the first document matching ``filter``."""

    __slots__ = ()
    _multi = False


class UpdateMany(_Update):
    """Apply the ``$`` operators of ``update`` to every document matching ``filter``."""

    __slots__ = ()
    _multi = True
