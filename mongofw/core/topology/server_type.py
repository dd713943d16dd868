"""The kinds of server SDAM distinguishes, as small integers in a named tuple."""
from __future__ import annotations

from typing import NamedTuple


class _ServerType(NamedTuple):
    Unknown: int
    Mongos: int
    RSPrimary: int
    RSSecondary: int
    RSArbiter: int
    RSOther: int
    RSGhost: int
    Standalone: int


SERVER_TYPE = _ServerType(*range(8))
"""``SERVER_TYPE.RSPrimary`` etc.; ``SERVER_TYPE._fields[n]`` is the name of type ``n``."""

# Servers that hold data: the ones whose logicalSessionTimeoutMinutes count.
DATA_BEARING = frozenset({SERVER_TYPE.RSPrimary, SERVER_TYPE.RSSecondary, SERVER_TYPE.Mongos,
                          SERVER_TYPE.Standalone})


def server_type_name(server_type: int) -> str:
    """The spec's name of a server type number ("RSPrimary")."""
    try:
        return SERVER_TYPE._fields[server_type]
    except (IndexError, TypeError):
        raise ValueError(f"unknown server type {server_type!r}; expected one of "
                         f"0..{len(SERVER_TYPE) - 1}") from None
