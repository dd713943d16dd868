"""Timezone helpers: a fixed-offset ``tzinfo`` and the ``utc`` instance the codec uses."""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Optional, Tuple, Union

ZERO = timedelta(0)


class FixedOffset(tzinfo):
    """A :class:`~datetime.tzinfo` with a fixed offset from UTC and no daylight saving.

    :param offset: minutes east of UTC (an ``int`` or ``float``; negative for west), or
        a :class:`~datetime.timedelta`.
    :param name: the zone's name, as :meth:`tzname` returns it (e.g. ``"UTC"``).

    Instances pickle and copy (``__getinitargs__`` feeds ``tzinfo.__reduce__``); two are
    equal when offset and name are.
    """

    def __init__(self, offset: Union[float, timedelta], name: str) -> None:
        if isinstance(offset, timedelta):
            self.__offset = offset
        else:
            self.__offset = timedelta(minutes=offset)
        self.__name = name

    def __getinitargs__(self) -> Tuple[timedelta, str]:
        return self.__offset, self.__name

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FixedOffset):
            return self.__getinitargs__() == other.__getinitargs__()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.__getinitargs__())

    def __repr__(self) -> str:
        return f"FixedOffset({self.__offset!r}, {self.__name!r})"

    def utcoffset(self, dt: Optional[datetime]) -> timedelta:
        """The fixed offset, as a ``timedelta``, whatever ``dt`` (a datetime or None)."""
        return self.__offset

    def tzname(self, dt: Optional[datetime]) -> str:
        """The name given at construction, whatever ``dt`` (a datetime or None)."""
        return self.__name

    def dst(self, dt: Optional[datetime]) -> timedelta:
        """Always a zero ``timedelta``: no daylight saving, whatever ``dt``."""
        return ZERO


utc = FixedOffset(0, "UTC")
"""Fixed offset timezone representing UTC."""
