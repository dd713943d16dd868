"""The kinds of topology SDAM distinguishes, as small integers in a named tuple."""
from __future__ import annotations

from typing import NamedTuple


class _TopologyType(NamedTuple):
    Single: int
    ReplicaSetNoPrimary: int
    ReplicaSetWithPrimary: int
    Sharded: int
    Unknown: int


TOPOLOGY_TYPE = _TopologyType(*range(5))
"""``TOPOLOGY_TYPE.Sharded`` etc.; ``TOPOLOGY_TYPE._fields[n]`` names type ``n``."""
