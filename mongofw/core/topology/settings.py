"""TopologySettings: what a client tells its topology, fixed at construction."""
from __future__ import annotations

from typing import Any, Iterable, Optional, Tuple

import attrs

from mongofw.core.topology.server_description import Address, parse_address
from mongofw.core.topology.topology_type import TOPOLOGY_TYPE
from mongofw.errors import ConfigurationError

# The spec's minHeartbeatFrequencyMS: no server is checked more often than this.
MIN_HEARTBEAT_FREQUENCY = 0.5


def _seeds(value: Iterable[Any]) -> Tuple[Address, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ConfigurationError(f"seeds must be a list of (host, port) pairs or "
                                 f"'host:port' strings, not {value!r}")
    seeds = []
    for seed in value:
        if isinstance(seed, str):
            address = parse_address(seed)
        elif isinstance(seed, tuple) and len(seed) == 2 and isinstance(seed[0], str):
            # Host names compare case-insensitively; Unix socket paths do not.
            host, port = seed
            address = (host if port is None else host.lower(), port)
        else:
            raise ConfigurationError(f"a seed must be a (host, port) pair or a 'host:port' "
                                     f"string, not {seed!r}")
        if address not in seeds:
            seeds.append(address)
    if not seeds:
        raise ConfigurationError("at least one seed address is required")
    return tuple(seeds)


def _non_negative(name: str):
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigurationError(f"{name} must be a non-negative number, not {value!r}")
    return check


def _heartbeat(instance: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            value < MIN_HEARTBEAT_FREQUENCY:
        raise ConfigurationError(f"heartbeat_frequency must be at least "
                                 f"{MIN_HEARTBEAT_FREQUENCY} seconds (heartbeatFrequencyMS "
                                 f">= 500), not {value!r}")


def _set_name(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigurationError(f"replicaSet must be a non-empty string, not {value!r}")


def _direct(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise ConfigurationError(f"directConnection must be True, False or None, "
                                 f"not {value!r}")


@attrs.frozen
class TopologySettings:
    """Seeds and the SDAM / selection options of one client (times in seconds).

    ``direct_connection=None`` keeps the 3.4 rule: one seed without ``replica_set_name``
    is a direct connection (topology type Single); several seeds, or a set name, start
    discovery. ``True`` / ``False`` force either (the later ``directConnection`` option).
    """

    seeds: Tuple[Address, ...] = attrs.field(default=(("localhost", 27017),),
                                             converter=_seeds)
    replica_set_name: Optional[str] = attrs.field(default=None, validator=_set_name)
    local_threshold_ms: float = attrs.field(default=15, validator=_non_negative(
        "localThresholdMS"))
    server_selection_timeout: float = attrs.field(default=30, validator=_non_negative(
        "serverSelectionTimeoutMS"))
    heartbeat_frequency: float = attrs.field(default=10, validator=_heartbeat)
    direct_connection: Optional[bool] = attrs.field(default=None, validator=_direct)
    # The application's server_selector (3.8): server descriptions in, the acceptable
    # ones out; it runs after the read preference, before the latency window.
    server_selector: Any = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.direct_connection and len(self.seeds) > 1:
            raise ConfigurationError(f"directConnection=True cannot be used with multiple "
                                     f"seeds, got {len(self.seeds)}")

    @property
    def direct(self) -> bool:
        """Whether the client talks to its one seed only, without discovery."""
        if self.direct_connection is not None:
            return self.direct_connection
        return len(self.seeds) == 1 and not self.replica_set_name

    def get_topology_type(self) -> int:
        """The topology type a fresh description starts with."""
        if self.direct:
            return TOPOLOGY_TYPE.Single
        if self.replica_set_name is not None:
            return TOPOLOGY_TYPE.ReplicaSetNoPrimary
        return TOPOLOGY_TYPE.Unknown
