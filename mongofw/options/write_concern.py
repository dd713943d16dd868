"""Write concerns (documented as ``pymongo.write_concern``)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Union

import attrs

from mongofw.errors import ConfigurationError


def _check_w(w: Any) -> None:
    if w is None or isinstance(w, str):
        return
    if isinstance(w, bool) or not isinstance(w, int):
        raise TypeError(f"w must be an integer or a string, not {type(w).__name__} {w!r}")
    if w < 0:
        raise ValueError(f"w must be a non-negative integer or a string, not {w}")


def _check_wtimeout(wtimeout: Any) -> None:
    if wtimeout is None:
        return
    if isinstance(wtimeout, bool) or not isinstance(wtimeout, int):
        raise TypeError(f"wtimeout must be an integer (milliseconds), not "
                        f"{type(wtimeout).__name__} {wtimeout!r}")
    if wtimeout < 0:
        raise ValueError(f"wtimeout must be a non-negative integer (milliseconds), "
                         f"not {wtimeout}")


def _check_flag(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name} must be True, False or None, not {value!r}")


@attrs.frozen(repr=False)
class WriteConcern:
    """How many servers must acknowledge a write, and how durably, before it returns.

    ``w`` is a non-negative integer or a string (``"majority"`` or a tag-set name);
    ``wtimeout`` is in milliseconds; ``j`` waits for the journal; ``fsync`` for a flush.
    ``j`` and ``fsync`` exclude each other, and ``w=0`` (unacknowledged) excludes both
    being True.  Instances are immutable; ``document`` returns a fresh dict.
    """

    w: Optional[Union[int, str]] = None
    wtimeout: Optional[int] = None
    j: Optional[bool] = None
    fsync: Optional[bool] = None

    def __attrs_post_init__(self) -> None:
        _check_w(self.w)
        _check_wtimeout(self.wtimeout)
        _check_flag("j", self.j)
        _check_flag("fsync", self.fsync)
        if self.j and self.fsync:
            raise ConfigurationError("Can't set both j and fsync at the same time")
        if self.w == 0 and (self.j or self.fsync):
            name = "j" if self.j else "fsync"
            raise ConfigurationError(f"w=0 (unacknowledged) cannot be combined with {name}=True")

    @property
    def document(self) -> Dict[str, Any]:
        """The write concern as sent to the server (``{}`` for the server default)."""
        doc: Dict[str, Any] = {}
        for key, value in (("w", self.w), ("wtimeout", self.wtimeout), ("j", self.j),
                           ("fsync", self.fsync)):
            if value is not None:
                doc[key] = value
        return doc

    @property
    def acknowledged(self) -> bool:
        """Whether writes wait for the server's reply (every ``w`` except 0)."""
        return self.w != 0

    @property
    def is_server_default(self) -> bool:
        """Whether nothing is set, so the server's default write concern applies."""
        return not self.document

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self.document.items())
        return f"WriteConcern({fields})"


DEFAULT_WRITE_CONCERN = WriteConcern()
