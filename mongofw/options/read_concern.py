"""Read concerns (documented as ``pymongo.read_concern``)."""
from __future__ import annotations

from typing import Any, Dict, Optional


class ReadConcern:
    """The isolation level of reads: ``"local"``, ``"majority"``, ``"linearizable"``...

    Any string is accepted, since servers add levels; ``None`` (or ``""``) means the
    server default.  As PyMongo 3.4's: printed as ``ReadConcern(majority)``, compared
    by document, not hashable.
    """

    def __init__(self, level: Optional[str] = None) -> None:
        if level is not None and not isinstance(level, str):
            raise TypeError(f"level must be a string or None, not {type(level).__name__} "
                            f"{level!r}")
        self.__level = level

    @property
    def level(self) -> Optional[str]:
        """The read concern level."""
        return self.__level

    @property
    def ok_for_legacy(self) -> bool:
        """Whether servers before 3.2 (which ignore read concerns) can honour this one."""
        return self.__level is None or self.__level == "local"

    @property
    def document(self) -> Dict[str, Any]:
        """The read concern as sent to the server (``{}`` for the server default)."""
        return {"level": self.__level} if self.__level else {}

    @property
    def is_server_default(self) -> bool:
        """Whether no level is set, so the server's default applies."""
        return not self.__level

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, ReadConcern):
            return self.document == other.document
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ReadConcern({self.__level})" if self.__level else "ReadConcern()"


DEFAULT_READ_CONCERN = ReadConcern()
