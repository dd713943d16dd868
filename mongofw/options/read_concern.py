"""Read concerns (documented as ``pymongo.read_concern``)."""
from __future__ import annotations

from typing import Any, Dict, Optional

import attrs


def _check_level(instance: Any, attribute: Any, level: Any) -> None:
    if level is not None and not isinstance(level, str):
        raise TypeError(f"level must be a string or None, not {type(level).__name__} "
                        f"{level!r}")


@attrs.frozen
class ReadConcern:
    """The isolation level of reads: ``"local"``, ``"majority"``, ``"linearizable"``...

    Any string is accepted, since servers add levels; ``None`` means the server default.
    """

    level: Optional[str] = attrs.field(default=None, validator=_check_level)

    @property
    def ok_for_legacy(self) -> bool:
        """Whether servers before 3.2 (which ignore read concerns) can honour this one."""
        return self.level is None or self.level == "local"

    @property
    def document(self) -> Dict[str, Any]:
        """The read concern as sent to the server (``{}`` for the server default)."""
        return {} if self.level is None else {"level": self.level}

    @property
    def is_server_default(self) -> bool:
        """Whether no level is set, so the server's default applies."""
        return self.level is None


DEFAULT_READ_CONCERN = ReadConcern()
