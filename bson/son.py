"""SON: an ordered ``dict`` subclass with order-sensitive equality between SONs.

It keeps PyMongo 3.4's SON protocol, which kept Python 2's: ``keys()``, ``values()`` and
``items()`` return lists, ``has_key``/``iteritems``/``iterkeys``/``itervalues`` exist, and
``popitem()`` takes the first item (the oldest key).
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Dict, Iterable, Iterator, Optional, Tuple, Union


class SON(dict):
    """SON data: a dict that keeps key order, as BSON documents do.

    Two SONs are equal only if they hold the same items in the same order; a SON and
    any other mapping compare as plain dicts (order ignored).  Use one where the server
    reads keys in order: a command document (its first key names the command) or a
    compound sort or index specification.

    :param data: the initial items: a mapping (its items in its order), an object with
        ``keys()`` and ``[]``, or an iterable of ``(key, value)`` pairs.  ``None`` (the
        default) starts empty.
    :param kwargs: more items, added after ``data`` in keyword order.

    Iterating over a SON walks the keys present when the loop starts, so the loop may add
    or delete keys.  ``keys()``, ``values()`` and ``items()`` return lists, as 3.4's did.
    """

    def __init__(self, data: Optional[Union[Mapping, Iterable[Tuple[Any, Any]]]] = None,
                 **kwargs: Any) -> None:
        super().__init__()
        if data is not None:
            self.update(data)
        if kwargs:
            self.update(kwargs)

    def __repr__(self) -> str:
        return f"SON([{', '.join(f'({k!r}, {v!r})' for k, v in self.items())}])"

    def copy(self) -> SON:
        """A shallow copy: a new SON holding the same values in the same order."""
        return SON(self)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """``self[key]``, after setting it to ``default`` (``None`` if not given) when
        ``key`` is absent; a new key goes last."""
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, other: Any = None, **kwargs: Any) -> None:  # type: ignore[override]
        """Set every item of ``other``, then of ``kwargs``, in their order.

        :param other: a mapping, an object with ``keys()`` and ``[]``, or an iterable of
            ``(key, value)`` pairs; ``None`` (the default) adds nothing.
        :param kwargs: more items, set after ``other``'s.

        Items are set one by one through ``self[key] = value``, so a subclass that
        overrides ``__setitem__`` sees each of them.
        """
        # dict.update bypasses a subclass __setitem__; go through it so subclasses of SON
        # that hook item assignment see every key.  As 3.4 did: a mapping's items, else an
        # object with keys() and [], else (key, value) pairs.
        if other is None:
            pass
        elif hasattr(other, "items"):
            for key, value in other.items():
                self[key] = value
        elif hasattr(other, "keys"):
            for key in other.keys():
                self[key] = other[key]
        else:
            for key, value in other:
                self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def __iter__(self) -> Iterator[Any]:
        # Over the keys present now, so a loop may add or delete keys (as with 3.4's SON,
        # which walked its own key list) without "dictionary changed size" errors.
        return iter(list(dict.keys(self)))

    def keys(self) -> list:  # type: ignore[override]
        """The keys, in order, as a new list."""
        return list(dict.keys(self))

    def values(self) -> list:  # type: ignore[override]
        """The values, in key order, as a new list."""
        return list(dict.values(self))

    def items(self) -> list:  # type: ignore[override]
        """The ``(key, value)`` pairs, in order, as a new list."""
        return list(dict.items(self))

    def has_key(self, key: Any) -> bool:
        """Whether ``key`` is present (the Python 2 spelling of ``key in son``)."""
        return key in self

    def iterkeys(self) -> Iterator[Any]:
        """An iterator over the keys, in order (kept from the Python 2 API)."""
        return iter(self)

    def itervalues(self) -> Iterator[Any]:
        """An iterator over the values, in key order (kept from the Python 2 API)."""
        return (self[key] for key in self)

    def iteritems(self) -> Iterator[Tuple[Any, Any]]:
        """An iterator over the ``(key, value)`` pairs, in order (kept from the Python 2
        API)."""
        return ((key, self[key]) for key in self)

    def popitem(self) -> Tuple[Any, Any]:
        """Remove the first item and return it as ``(key, value)``.

        :raises KeyError: when the SON is empty.
        """
        # The first item, as 3.4 did (dict.popitem takes the last).
        for key in dict.keys(self):
            value = self[key]
            del self[key]
            return key, value
        raise KeyError("container is empty")

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, SON):
            return len(self) == len(other) and self.items() == other.items()
        if isinstance(other, Mapping):
            return self.to_dict() == other
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        return SON, (self.items(),)

    def to_dict(self) -> Dict[Any, Any]:
        """A plain ``dict`` with the same items, SONs nested anywhere inside (in lists
        too) turned into dicts as well; the SON itself is left as it was."""

        def transform(value: Any) -> Any:
            if isinstance(value, list):
                return [transform(v) for v in value]
            if isinstance(value, Mapping):
                return {k: transform(v) for k, v in value.items()}
            return value

        return transform(dict(self))

    def __deepcopy__(self, memo: Dict[int, Any]) -> SON:
        out = SON()
        memo[id(self)] = out
        for key, value in self.items():
            out[copy.deepcopy(key, memo)] = copy.deepcopy(value, memo)
        return out
