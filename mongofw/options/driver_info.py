"""``DriverInfo`` (documented as ``pymongo.driver_info``): a wrapping driver's name in the
handshake, so server logs show it beside ours."""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional


class DriverInfo(namedtuple("DriverInfo", ["name", "version", "platform"])):
    """``DriverInfo(name=None, version=None, platform=None)``: three strings (or None to
    leave ours alone) a library built on this driver adds to the handshake's ``client``
    document, joined to ours with ``|``.  ``TypeError`` for anything but str or None.
    New in PyMongo 3.7."""

    __slots__ = ()

    def __new__(cls, name: Optional[str] = None, version: Optional[str] = None,
                platform: Optional[str] = None) -> DriverInfo:
        self = super().__new__(cls, name, version, platform)
        for field, value in self._asdict().items():
            if value is not None and not isinstance(value, str):
                raise TypeError(f"Wrong type for DriverInfo {field} option, value must be an "
                                f"instance of str, not {type(value).__name__}")
        return self


def validate_driver_or_none(name: str, value: Any) -> Optional[DriverInfo]:
    """The ``driver=`` keyword: a DriverInfo or None."""
    if value is not None and not isinstance(value, DriverInfo):
        raise TypeError(f"{name} must be an instance of DriverInfo, "
                        f"not {type(value).__name__}")
    return value
