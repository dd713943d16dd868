"""SON: an ordered ``dict`` subclass with order-sensitive equality between SONs."""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Dict, Iterable, Iterator, Optional, Tuple, Union


class SON(dict):
    """SON data: a dict that keeps key order, as BSON documents do.

    Two SONs are equal only if they hold the same items in the same order; a SON and
    any other mapping compare as plain dicts (order ignored).
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
        return SON(self)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, other: Any = None, **kwargs: Any) -> None:  # type: ignore[override]
        # dict.update bypasses a subclass __setitem__; go through it so subclasses of SON
        # that hook item assignment see every key.
        if other is not None:
            items = other.items() if hasattr(other, "items") else other
            for key, value in items:
                self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def __iter__(self) -> Iterator[Any]:
        return dict.__iter__(self)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, SON):
            return len(self) == len(other) and list(self.items()) == list(other.items())
        if isinstance(other, Mapping):
            return self.to_dict() == other
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        return SON, (list(self.items()),)

    def to_dict(self) -> Dict[Any, Any]:
        """Convert a SON document to a normal Python dictionary instance, recursively."""

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
