"""The BSON int64 type as a Python ``int`` subclass."""
from __future__ import annotations

from typing import Tuple


class Int64(int):
    """Representation of the BSON int64 type.

    Every integral number is an ``int`` in Python 3; small ones are encoded as BSON int32.
    An ``Int64`` is always encoded as BSON int64, and BSON int64 values decode to ``Int64``.
    """

    __slots__ = ()
    _type_marker = 18

    def __getnewargs__(self) -> Tuple[int]:
        return (int(self),)

    def __repr__(self) -> str:
        return f"Int64({int(self)!r})"
