"""Index specifiers: key lists, key documents, generated names, hints and ``IndexModel``.

Index keys arrive as a field name or a list of ``(key, direction)`` pairs; the name the
server knows an index by is generated from them (``"mike_-1_eliot_1"``) unless given.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bson.son import SON
from mongofw.options.collation import validate_collation_or_none


def _refuse_mapping(value: Any) -> None:
    # A dict's order was not guaranteed when this API was designed: demand pairs.
    if isinstance(value, Mapping):
        raise TypeError(f"passing a dict to sort/create_index/hint is not allowed - use a "
                        f"list of tuples instead. did you mean {list(value.items())!r}?")


def index_list(key_or_list: Any, direction: Any = None) -> List[Tuple[str, Any]]:
    """``(key, direction)`` pairs from a single key (ascending unless ``direction``) or a list.

    ``TypeError`` for anything but a string or a list/tuple of pairs; ``ValueError`` for
    an empty list.
    """
    if direction is not None:
        if not isinstance(key_or_list, str):
            raise TypeError(f"key must be an instance of str when a direction is given, "
                            f"not {type(key_or_list).__name__}")
        return [(key_or_list, direction)]
    if isinstance(key_or_list, str):
        return [(key_or_list, 1)]
    _refuse_mapping(key_or_list)
    if not isinstance(key_or_list, (list, tuple)):
        raise TypeError(f"if no direction is specified, key_or_list must be an instance of "
                        f"list (of (key, direction) pairs), not {type(key_or_list).__name__}")
    if not key_or_list:
        raise ValueError("key_or_list must not be the empty list")
    pairs = []
    for item in key_or_list:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            raise TypeError(f"each item of key_or_list must be a (key, direction) pair, "
                            f"not {item!r}")
        pairs.append((item[0], item[1]))
    return pairs


def index_document(pairs: Sequence[Tuple[str, Any]], what: str = "index") -> SON:
    """The ordered ``{key: direction}`` document of ``pairs`` (keys checked to be strings)."""
    _refuse_mapping(pairs)
    if not isinstance(pairs, (list, tuple)):
        raise TypeError(f"must use a list of (key, direction) pairs for the {what}, "
                        f"not {type(pairs).__name__}")
    if not pairs:
        raise ValueError(f"{what} key_or_list must not be the empty list")
    document = SON()
    for key, value in pairs:
        if not isinstance(key, str):
            raise TypeError(f"first item in each key pair must be an instance of str, "
                            f"not {type(key).__name__} {key!r}")
        if not isinstance(value, (str, int, Mapping)) or isinstance(value, bool):
            raise TypeError(f"second item in each key pair must be 1, -1, '2d', "
                            f"'geoHaystack', or another valid MongoDB index specifier, "
                            f"not {value!r}")
        document[key] = value
    return document


def gen_index_name(pairs: Sequence[Tuple[str, Any]]) -> str:
    """The default index name: ``key_direction`` joined with underscores."""
    return "_".join(f"{key}_{direction}" for key, direction in pairs)


class IndexModel:
    """One index for ``create_indexes``: keys plus options (``name`` generated if absent)."""

    __slots__ = ("__document",)

    def __init__(self, keys: Any, **kwargs: Any) -> None:
        # 3.4's document: a dict of the options in the order given, then a generated
        # name (when none was given), the key document and the collation.
        pairs = index_list(keys)
        if "name" not in kwargs:
            kwargs["name"] = gen_index_name(pairs)
        elif not isinstance(kwargs["name"], str):
            # Refused here rather than by the server (3.4 sent it and got OperationFailure).
            raise TypeError(f"name must be an instance of str, not "
                            f"{type(kwargs['name']).__name__}")
        kwargs["key"] = index_document(pairs)
        collation = validate_collation_or_none(kwargs.pop("collation", None))
        if collation is not None:
            kwargs["collation"] = collation
        self.__document = kwargs

    @property
    def document(self) -> Dict[str, Any]:
        """An index document suitable for the ``createIndexes`` command."""
        return self.__document

    def __repr__(self) -> str:
        return f"IndexModel({dict(self.__document)!r})"


def hint_document(index: Any) -> Optional[Any]:
    """A hint as the server takes it: an index name, a key document, or None."""
    if index is None or isinstance(index, str):
        return index
    return index_document(index_list(index), "hint")
