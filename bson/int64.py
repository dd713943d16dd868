"""The BSON int64 type as a Python ``int`` subclass."""
from __future__ import annotations

from typing import Tuple


class Int64(int):
    """Representation of the BSON int64 type.

    Every integral number is an ``int`` in Python 3; small ones are encoded as BSON int32.
    An ``Int64`` is always encoded as BSON int64, and BSON int64 values decode to ``Int64``.
    """

    # No __slots__ and no __repr__ of its own: 3.4's Int64 printed as the int it is and
    # took arbitrary attributes.
    _type_marker = 18

    def __getnewargs__(self) -> Tuple[int]:
        return (int(self),)
