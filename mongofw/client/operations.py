"""Write operation classes for ``Collection.bulk_write`` (documented as ``pymongo.operations``).

Each class checks its filter and ``upsert`` when built, as PyMongo 3.4 did; the document,
update or replacement is checked when the operation is added to a bulk (the engine in
:mod:`mongofw.client.bulk`, through ``_add_to_bulk``), so ``bulk_write`` raises for it.  ``IndexModel`` lives with the index
code in :mod:`mongofw.client.index_specs`.
"""
from __future__ import annotations

from collections import abc
from collections.abc import Mapping
from typing import Any, Optional

from mongofw.client.index_specs import hint_document

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
    """An update: a non-empty document of ``$`` operators, or (MongoDB 4.2+, PyMongo 3.9) a
    non-empty aggregation pipeline given as a list of stage documents."""
    if isinstance(update, list):
        if not update:
            raise ValueError("update must not be an empty pipeline (list of stages)")
        for stage in update:
            validate_mapping("each stage of an update pipeline", stage)
        return
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


def validate_array_filters(array_filters: Any) -> Optional[list]:
    """None, or a list of filter documents for an update's positional ``$[<name>]``."""
    if array_filters is None:
        return None
    if not isinstance(array_filters, list):
        raise TypeError(f"array_filters must be a list, not {type(array_filters).__name__}")
    for item in array_filters:
        validate_mapping("each item of array_filters", item)
    return array_filters


def _check_hint(hint: Any) -> Any:
    """``hint`` unchanged once it is known to be an index name or a (key, direction) list."""
    if hint is not None:
        hint_document(hint)
    return hint


def statement_extras(statement: Any, collation: Any, array_filters: Any, hint: Any) -> None:
    """Add a write statement's optional ``collation``, ``arrayFilters`` and ``hint``.

    ``hint`` is an index name or a (key, direction) list, as ``create_index`` takes it.
    """
    collation = validate_collation(collation)
    if collation is not None:
        statement["collation"] = collation
    array_filters = validate_array_filters(array_filters)
    if array_filters is not None:
        statement["arrayFilters"] = array_filters
    if hint is not None:
        statement["hint"] = hint_document(hint)


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


def _trim(args: tuple, optional: tuple) -> tuple:
    """The arguments for repr and equality: trailing options that were not given dropped."""
    while optional and optional[-1] is None:
        optional = optional[:-1]
    return args + optional


class _Delete(_Operation):
    __slots__ = ("_filter", "_collation", "_hint")
    _limit = 0

    def __init__(self, filter: Mapping[str, Any], collation: Any = None,
                 hint: Any = None) -> None:
        self._filter = validate_filter(filter)
        self._collation = validate_collation(collation)
        self._hint = _check_hint(hint)

    def _args(self) -> tuple:
        return _trim((self._filter,), (self._collation, self._hint))

    def _add_to_bulk(self, bulk: Any) -> None:
        bulk.add_delete(self._filter, self._limit, collation=self._collation, hint=self._hint)


class DeleteOne(_Delete):
    """Delete the first document matching ``filter``."""

    __slots__ = ()
    _limit = 1


class DeleteMany(_Delete):
    """Delete every document matching ``filter``."""

    __slots__ = ()
    _limit = 0


class ReplaceOne(_Operation):
    """Replace the first document matching ``filter`` with ``replacement``.

    For :meth:`~pymongo.collection.Collection.bulk_write`.

    :param filter: the query selecting the document (a mapping).
    :param replacement: the new document (no ``$`` operators; its ``_id``, if any, must
        match the old one's).
    :param upsert: when ``True``, insert ``replacement`` if nothing matches (default
        ``False``).
    :param collation: a :class:`~pymongo.collation.Collation` or collation document
        (MongoDB 3.4+; new in 3.5), or None.
    :param hint: the index to use, as a name or a list of ``(key, direction)`` pairs
        (MongoDB 4.2+; new in 3.11), or None.
    :raises TypeError: when ``filter`` is not a mapping, ``upsert`` not a ``bool`` or
        ``collation`` of another type.
    """

    __slots__ = ("_filter", "_doc", "_upsert", "_collation", "_hint")

    def __init__(self, filter: Mapping[str, Any], replacement: Any, upsert: bool = False,
                 collation: Any = None, hint: Any = None) -> None:
        self._filter = validate_filter(filter)
        self._doc = replacement
        self._upsert = validate_upsert(upsert)
        self._collation = validate_collation(collation)
        self._hint = _check_hint(hint)

    def _args(self) -> tuple:
        return _trim((self._filter, self._doc, self._upsert), (self._collation, self._hint))

    def _add_to_bulk(self, bulk: Any) -> None:
        bulk.add_replace(self._filter, self._doc, self._upsert, collation=self._collation,
                         hint=self._hint)


class _Update(_Operation):
    __slots__ = ("_filter", "_doc", "_upsert", "_collation", "_array_filters", "_hint")
    _multi = False

    def __init__(self, filter: Mapping[str, Any], update: Any, upsert: bool = False,
                 collation: Optional[Any] = None, array_filters: Optional[list] = None,
                 hint: Any = None) -> None:
        self._filter = validate_filter(filter)
        self._doc = update
        self._upsert = validate_upsert(upsert)
        self._collation = validate_collation(collation)
        self._array_filters = validate_array_filters(array_filters)
        self._hint = _check_hint(hint)

    def _args(self) -> tuple:
        return _trim((self._filter, self._doc, self._upsert),
                     (self._collation, self._array_filters, self._hint))

    def _add_to_bulk(self, bulk: Any) -> None:
        bulk.add_update(self._filter, self._doc, self._multi, self._upsert,
                        collation=self._collation, array_filters=self._array_filters,
                        hint=self._hint)


class UpdateOne(_Update):
    """Apply the ``$`` operators of ``update`` to the first document matching ``filter``."""

    __slots__ = ()
    _multi = False


class UpdateMany(_Update):
    """Apply the ``$`` operators of ``update`` to every document matching ``filter``."""

    __slots__ = ()
    _multi = True
