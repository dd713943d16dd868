"""The BSON timestamp type used by the MongoDB oplog."""
from __future__ import annotations

import calendar
import datetime
from typing import Any, Tuple, Union

from bson.tz_util import utc

UPPERBOUND = 4294967296


class Timestamp:
    """MongoDB internal timestamp: ``time`` seconds since the epoch and an ``inc`` counter.

    Only for use with the oplog; store regular times as :class:`~datetime.datetime`.
    Raises TypeError if ``time`` is not an int or datetime, or ``inc`` is not an int;
    ValueError if either is outside ``[0, 2**32)``.
    """

    # __dict__ too: 3.4's Timestamp took arbitrary attributes.
    __slots__ = ("__time", "__inc", "__dict__")
    _type_marker = 17

    def __init__(self, time: Union[int, datetime.datetime], inc: int) -> None:
        if isinstance(time, datetime.datetime):
            if time.utcoffset() is not None:
                time = time - time.utcoffset()
            time = int(calendar.timegm(time.timetuple()))
        if not isinstance(time, int):
            raise TypeError(f"time must be an instance of int or datetime, not {type(time)!r}")
        if not isinstance(inc, int):
            raise TypeError(f"inc must be an instance of int, not {type(inc)!r}")
        if not 0 <= time < UPPERBOUND:
            raise ValueError(f"time must be contained in [0, 2**32), not {time}")
        if not 0 <= inc < UPPERBOUND:
            raise ValueError(f"inc must be contained in [0, 2**32), not {inc}")
        # Kept as given (an Int64 or a bool stays one), as 3.4 did.
        self.__time = time
        self.__inc = inc

    @property
    def time(self) -> int:
        """Get the time portion of this Timestamp."""
        return self.__time

    @property
    def inc(self) -> int:
        """Get the inc portion of this Timestamp."""
        return self.__inc

    def __reduce__(self) -> Tuple[Any, ...]:
        return Timestamp, (self.__time, self.__inc)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Timestamp):
            return (self.__time, self.__inc) == (other.time, other.inc)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.__time, self.__inc))

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: Any) -> bool:
        if isinstance(other, Timestamp):
            return (self.__time, self.__inc) < (other.time, other.inc)
        return NotImplemented

    def __le__(self, other: Any) -> bool:
        if isinstance(other, Timestamp):
            return (self.__time, self.__inc) <= (other.time, other.inc)
        return NotImplemented

    def __gt__(self, other: Any) -> bool:
        if isinstance(other, Timestamp):
            return (self.__time, self.__inc) > (other.time, other.inc)
        return NotImplemented

    def __ge__(self, other: Any) -> bool:
        if isinstance(other, Timestamp):
            return (self.__time, self.__inc) >= (other.time, other.inc)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Timestamp({self.__time}, {self.__inc})"

    def as_datetime(self) -> datetime.datetime:
        """Return an aware datetime (UTC) for the time portion of this Timestamp."""
        return datetime.datetime.fromtimestamp(self.__time, utc)
