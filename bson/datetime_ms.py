"""DatetimeMS: a BSON datetime (milliseconds since the epoch) outside ``datetime``'s range.

BSON datetimes are signed 64-bit millisecond counts, about 292 million years either
way, while :class:`datetime.datetime` stops at years 1 and 9999.  The decoder returns a
``datetime`` whenever the value fits (after any ``tzinfo`` conversion) and a
``DatetimeMS`` otherwise, so decoding never fails and re-encoding gives the same bytes.
``DatetimeMS`` values can also be built and encoded directly.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional, Tuple

from bson.tz_util import utc

_EPOCH_AWARE = datetime.datetime(1970, 1, 1, tzinfo=utc)
_INT64_MIN = -(2 ** 63)
_INT64_MAX = 2 ** 63 - 1


class DatetimeMS:
    """A BSON datetime held as an int of milliseconds since the Unix epoch (UTC).

    Raises TypeError if ``value`` is not an int, OverflowError outside signed 64 bits.
    """

    __slots__ = ("_value",)
    _type_marker = 9

    def __init__(self, value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"DatetimeMS value must be an int, not {type(value)!r}")
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise OverflowError(f"DatetimeMS value {value} does not fit in a signed 64-bit int")
        self._value = int(value)

    def __int__(self) -> int:
        return self._value

    def __repr__(self) -> str:
        return f"DatetimeMS({self._value})"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, DatetimeMS):
            return self._value == other._value
        return NotImplemented

    def __lt__(self, other: Any) -> bool:
        if isinstance(other, DatetimeMS):
            return self._value < other._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash((DatetimeMS, self._value))

    def __reduce__(self) -> Tuple[Any, ...]:
        return DatetimeMS, (self._value,)

    def as_datetime(self, tzinfo: Optional[datetime.tzinfo] = utc) -> datetime.datetime:
        """This instant as an aware datetime in ``tzinfo``; OverflowError if out of range."""
        return (_EPOCH_AWARE + datetime.timedelta(milliseconds=self._value)).astimezone(tzinfo)
