"""The topology as an immutable value, and the SDAM state machine as pure functions.

:func:`updated_topology_description` folds one server's new description into the
topology (the server discovery and monitoring spec's table of topology type x server
type); :mod:`mongofw.core.topology.sdam_errors` does the same for an error an operation saw.
:class:`~mongofw.core.topology.topology.Topology` only locks, calls these and swaps the result.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import attrs

from mongofw.core.topology.read_preference_selection import run_selector
from mongofw.core.topology.server_description import (
    Address,
    ServerDescription,
    id_bytes,
    topology_version_key,
)
from mongofw.core.topology.server_selectors import Selection, apply_local_threshold
from mongofw.core.topology.server_type import DATA_BEARING, SERVER_TYPE
from mongofw.core.topology.settings import TopologySettings
from mongofw.core.topology.topology_type import TOPOLOGY_TYPE
from mongofw.core.wire.network import format_address
from mongofw.core.wire.wire_versions import (
    WIRE_VERSION_6_0,
    incompatible_server_message,
)
from mongofw.errors import ConfigurationError, NotMasterError
from mongofw.options.read_preferences import ReadPreference

_STALE_PRIMARY = "primary marked stale due to electionId/setVersion mismatch"
_NEWER_PRIMARY = "primary marked stale due to discovery of newer primary"


@attrs.frozen(eq=True, hash=False)
class TopologyDescription:
    """Every server's latest description plus what the replica set has shown so far.

    An immutable value: the client makes a new one each time a server's description
    changes (:func:`updated_topology_description`).  Applications read it from
    :class:`~pymongo.monitoring.TopologyDescriptionChangedEvent` or a
    ``server_selector``.

    :param topology_type: one of ``TOPOLOGY_TYPE`` (``Single``,
        ``ReplicaSetNoPrimary``, ``ReplicaSetWithPrimary``, ``Sharded``, ``Unknown``).
    :param server_descriptions: a mapping of ``(host, port)`` to that server's
        :class:`~pymongo.server_description.ServerDescription` (copied).
    :param replica_set_name: the replica set's name, once known or given, else None.
    :param max_set_version: the greatest ``setVersion`` a primary has reported, or
        None.
    :param max_election_id: the greatest ``electionId`` a primary has reported, or
        None.
    :param topology_settings: the client's topology settings (seeds, heartbeat
        frequency, latency window...); kept as ``settings``.
    """

    topology_type: int
    _server_descriptions: Mapping[Address, ServerDescription] = attrs.field(
        converter=lambda sds: dict(sds))
    replica_set_name: Optional[str] = None
    max_set_version: Optional[int] = None
    max_election_id: Any = None
    # Built as TopologyDescription(..., topology_settings), 3.13's documented name.
    settings: TopologySettings = attrs.field(factory=TopologySettings,
                                             alias="topology_settings")
    # What the properties below derive, computed once: a description never changes.
    _derived: Dict[str, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    @classmethod
    def from_settings(cls, settings: TopologySettings) -> TopologyDescription:
        """The starting description for ``settings``: every seed, each Unknown.

        :param settings: the client's topology settings; they give the seeds, the
            replica set name and the starting topology type.
        """
        return cls(settings.get_topology_type(),
                   {seed: ServerDescription(seed) for seed in settings.seeds},
                   settings.replica_set_name, None, None, settings)

    # ------------------------------------------------------------ reading

    def server_descriptions(self) -> Dict[Address, ServerDescription]:
        """A copy of the address -> ServerDescription mapping."""
        return dict(self._server_descriptions)

    @property
    def topology_type_name(self) -> str:
        """The topology type as a name: ``"Single"``, ``"Sharded"``,
        ``"ReplicaSetWithPrimary"``..."""
        return TOPOLOGY_TYPE._fields[self.topology_type]

    @property
    def heartbeat_frequency(self) -> float:
        """Seconds between two checks of each server (``heartbeatFrequencyMS`` /
        1000)."""
        return self.settings.heartbeat_frequency

    @property
    def known_servers(self) -> List[ServerDescription]:
        """The descriptions of the servers whose type is known, as a list."""
        known = self._derived.get("known")
        if known is None:
            known = self._derived["known"] = tuple(
                sd for sd in self._server_descriptions.values() if sd.is_server_type_known)
        return list(known)

    @property
    def has_known_servers(self) -> bool:
        """Whether any server's type is known."""
        return any(sd.is_server_type_known for sd in self._server_descriptions.values())

    def has_server(self, address: Address) -> bool:
        """Whether ``address`` is one of this topology's servers (known or not)."""
        return address in self._server_descriptions

    @property
    def readable_servers(self) -> List[ServerDescription]:
        """The servers that may answer a read (primaries, secondaries, mongoses, standalones)."""
        return [sd for sd in self._server_descriptions.values() if sd.is_readable]

    @property
    def common_wire_version(self) -> Optional[int]:
        """The lowest maxWireVersion of the known servers, or None if none is known."""
        derived = self._derived
        if "wire" not in derived:
            versions = [sd.max_wire_version for sd in self.known_servers]
            derived["wire"] = min(versions) if versions else None
        return derived["wire"]

    @property
    def logical_session_timeout_minutes(self) -> Optional[int]:
        """The smallest timeout of the data-bearing servers; None if any lacks one."""
        derived = self._derived
        if "timeout" not in derived:
            timeouts = [sd.logical_session_timeout_minutes for sd in self.known_servers
                        if sd.server_type in DATA_BEARING]
            derived["timeout"] = None if not timeouts or any(t is None for t in timeouts) \
                else min(timeouts)
        return derived["timeout"]

    @property
    def incompatible_error(self) -> Optional[str]:
        """Why some known server cannot be used with this driver, or None."""
        derived = self._derived
        if "incompatible" not in derived:
            derived["incompatible"] = None
            for sd in self.known_servers:
                message = incompatible_server_message(sd.address, sd.min_wire_version,
                                                      sd.max_wire_version)
                if message:
                    derived["incompatible"] = message
                    break
        return derived["incompatible"]

    def check_compatible(self) -> None:
        """Raise ``ConfigurationError`` if a known server's wire versions do not overlap ours."""
        message = self.incompatible_error
        if message:
            raise ConfigurationError(message)

    def has_readable_server(self, read_preference: Any = ReadPreference.PRIMARY) -> bool:
        """Whether some known server is suitable for ``read_preference`` (default primary)."""
        return bool(self.apply_selector(read_preference or ReadPreference.PRIMARY))

    def has_writable_server(self) -> bool:
        """Whether some known server can take writes (a primary, a standalone or a
        mongos)."""
        from mongofw.core.topology.server_selectors import writable_server_selector

        return bool(self.apply_selector(writable_server_selector))

    # ------------------------------------------------------------ selection

    def apply_selector(self, selector: Any, address: Optional[Address] = None,
                       custom_selector: Any = None,
                       deprioritized: Iterable[Any] = ()) -> List[ServerDescription]:
        """The servers ``selector`` accepts, narrowed to the latency window.

        ``address`` asks for that one server (if known). ``custom_selector`` is the
        application's ``server_selector`` (a list of descriptions in, a list out), applied
        before the window. Servers in ``deprioritized`` (addresses or descriptions, e.g. the server
        that just failed a retryable operation) are used only when nothing else qualifies.
        """
        common = self.common_wire_version
        needed = getattr(selector, "min_wire_version", 0)
        if common is not None and needed > common:
            raise ConfigurationError(
                f"{selector!r} requires every server to have wire version {needed} or more "
                f"(MongoDB 3.4 or newer), but some server has maximum wire version {common}")
        if address is not None:
            sd = self._server_descriptions.get(address)
            return [sd] if sd is not None and sd.is_server_type_known else []
        if self.topology_type == TOPOLOGY_TYPE.Single:
            return self.known_servers
        if self.topology_type == TOPOLOGY_TYPE.Unknown:
            return []
        candidates = self.known_servers
        avoid = {getattr(item, "address", item) for item in deprioritized}
        if avoid:
            preferred = [sd for sd in candidates if sd.address not in avoid]
            found = self._select(selector, preferred, custom_selector)
            if found:
                return found
        return self._select(selector, candidates, custom_selector)

    def _select(self, selector: Any, candidates: List[ServerDescription],
                custom: Any) -> List[ServerDescription]:
        selection = Selection(self.topology_type, tuple(candidates),
                              self.heartbeat_frequency, self.common_wire_version)
        result = run_selector(selector, selection)
        chosen = list(result.server_descriptions if isinstance(result, Selection) else result)
        if custom is not None and chosen:
            chosen = list(custom(chosen))
        return apply_local_threshold(chosen, self.settings.local_threshold_ms)

    # ------------------------------------------------------------ new descriptions

    def reset(self) -> TopologyDescription:
        """Every server Unknown (after close); a replica set loses its primary."""
        topology_type = self.topology_type
        if topology_type == TOPOLOGY_TYPE.ReplicaSetWithPrimary:
            topology_type = TOPOLOGY_TYPE.ReplicaSetNoPrimary
        return attrs.evolve(self, topology_type=topology_type, server_descriptions={
            address: ServerDescription(address) for address in self._server_descriptions})

    def reset_server(self, address: Address) -> TopologyDescription:
        """The description after ``address`` became Unknown."""
        return updated_topology_description(self, ServerDescription(address))

    def __repr__(self) -> str:
        servers = ", ".join(f"{format_address(a)}: {sd.server_type_name}"
                            for a, sd in self._server_descriptions.items())
        return (f"<TopologyDescription type: {self.topology_type_name}, "
                f"set: {self.replica_set_name!r}, servers: {{{servers}}}>")


def _is_stale_response(current: Optional[ServerDescription], new: ServerDescription) -> bool:
    """An older topologyVersion from the same server process than the one we hold."""
    if current is None:
        return False
    old_key = topology_version_key(current.topology_version)
    new_key = topology_version_key(new.topology_version)
    if old_key is None or new_key is None or old_key[0] != new_key[0]:
        return False
    return new_key[1] < old_key[1]


def _null_low(value: Optional[Any]) -> Tuple[int, Any]:
    # The spec orders a missing setVersion / electionId below any present one.
    return (0, b"") if value is None else (1, value)


class _State:
    """The working copy one update edits before it becomes a new description."""

    def __init__(self, td: TopologyDescription) -> None:
        self.td = td
        self.type = td.topology_type
        self.servers = td.server_descriptions()
        self.set_name = td.replica_set_name
        self.max_set_version = td.max_set_version
        self.max_election_id = td.max_election_id

    def result(self) -> TopologyDescription:
        return TopologyDescription(self.type, self.servers, self.set_name,
                                   self.max_set_version, self.max_election_id, self.td.settings)

    def remove(self, address: Address) -> None:
        self.servers.pop(address, None)

    def add_hosts(self, hosts: Iterable[Address]) -> None:
        for host in sorted(hosts, key=lambda a: (a[0], a[1] or 0)):
            if host not in self.servers:
                self.servers[host] = ServerDescription(host)

    def check_if_has_primary(self) -> None:
        has_primary = any(sd.server_type == SERVER_TYPE.RSPrimary
                          for sd in self.servers.values())
        self.type = (TOPOLOGY_TYPE.ReplicaSetWithPrimary if has_primary
                     else TOPOLOGY_TYPE.ReplicaSetNoPrimary)

    # -------------------------------------------------------- the spec's helpers

    def update_rs_from_primary(self, sd: ServerDescription) -> None:
        if self.set_name is None:
            self.set_name = sd.set_name
        elif self.set_name != sd.set_name:
            self.remove(sd.address)
            self.check_if_has_primary()
            return
        if not self._accept_primary(sd):
            self.servers[sd.address] = ServerDescription(
                sd.address, error=NotMasterError(_STALE_PRIMARY))
            self.check_if_has_primary()
            return
        for address, other in list(self.servers.items()):
            if address != sd.address and other.server_type == SERVER_TYPE.RSPrimary:
                self.servers[address] = ServerDescription(
                    address, error=NotMasterError(_NEWER_PRIMARY))
        self.add_hosts(sd.all_hosts)
        for address in [a for a in self.servers if a not in sd.all_hosts]:
            self.remove(address)
        self.check_if_has_primary()

    def _accept_primary(self, sd: ServerDescription) -> bool:
        """Apply the electionId / setVersion rules; False if ``sd`` is a stale primary."""
        election_id = id_bytes(sd.election_id)
        max_election_id = id_bytes(self.max_election_id)
        if sd.max_wire_version >= WIRE_VERSION_6_0:
            # 6.0+: electionId first, then setVersion (DRIVERS-2412).
            new = (_null_low(election_id), _null_low(sd.set_version))
            held = (_null_low(max_election_id), _null_low(self.max_set_version))
            if new < held:
                return False
            self.max_election_id = sd.election_id
            self.max_set_version = sd.set_version
            return True
        # Before 6.0: setVersion first, and only a primary with both values can be stale.
        if sd.set_version is not None and election_id is not None:
            if self.max_set_version is not None and max_election_id is not None and (
                    self.max_set_version > sd.set_version
                    or (self.max_set_version == sd.set_version
                        and max_election_id > election_id)):
                return False
            self.max_election_id = sd.election_id
        if sd.set_version is not None and (self.max_set_version is None
                                           or sd.set_version > self.max_set_version):
            self.max_set_version = sd.set_version
        return True

    def update_rs_without_primary(self, sd: ServerDescription) -> None:
        if self.set_name is None:
            self.set_name = sd.set_name
        elif self.set_name != sd.set_name:
            self.remove(sd.address)
            return
        self.add_hosts(sd.all_hosts)
        if sd.me is not None and sd.address != sd.me:
            self.remove(sd.address)

    def update_rs_with_primary_from_member(self, sd: ServerDescription) -> None:
        if self.set_name != sd.set_name or (sd.me is not None and sd.address != sd.me):
            self.remove(sd.address)
        self.check_if_has_primary()


def updated_topology_description(topology_description: TopologyDescription,
                                 server_description: ServerDescription) -> TopologyDescription:
    """The topology after ``server_description`` replaced that server's previous one.

    :param topology_description: the current :class:`TopologyDescription`.
    :param server_description: a server's new
        :class:`~pymongo.server_description.ServerDescription`.
    :returns: a new TopologyDescription (or ``topology_description`` itself when
        nothing changes), following the server discovery and monitoring
        specification: servers may be added or removed and the type may change.

    Pure: the inputs are not modified. A description of a server the topology no
    longer holds, or with an older topologyVersion than the one held, changes nothing.
    """
    td, sd = topology_description, server_description
    address = sd.address
    current = td.server_descriptions().get(address)
    if current is None or _is_stale_response(current, sd):
        return td
    state = _State(td)
    state.servers[address] = sd
    kind, topology_type = sd.server_type, td.topology_type
    if topology_type == TOPOLOGY_TYPE.Single:
        # A direct connection keeps its one server, but not a member of another set.
        if td.replica_set_name is not None and sd.is_server_type_known and \
                sd.set_name != td.replica_set_name:
            state.servers[address] = ServerDescription(address, error=ConfigurationError(
                f"server {format_address(address)} is not a member of replica set "
                f"{td.replica_set_name!r} (it reports setName {sd.set_name!r})"))
        return state.result()
    if topology_type == TOPOLOGY_TYPE.Unknown:
        if kind == SERVER_TYPE.Standalone:
            if len(td.settings.seeds) == 1:
                state.type = TOPOLOGY_TYPE.Single
            else:
                state.remove(address)
        elif kind == SERVER_TYPE.Mongos:
            state.type = TOPOLOGY_TYPE.Sharded
        elif kind == SERVER_TYPE.RSPrimary:
            state.update_rs_from_primary(sd)
        elif kind in (SERVER_TYPE.RSSecondary, SERVER_TYPE.RSArbiter, SERVER_TYPE.RSOther):
            state.type = TOPOLOGY_TYPE.ReplicaSetNoPrimary
            state.update_rs_without_primary(sd)
    elif topology_type == TOPOLOGY_TYPE.Sharded:
        if kind not in (SERVER_TYPE.Unknown, SERVER_TYPE.Mongos):
            state.remove(address)
    elif topology_type == TOPOLOGY_TYPE.ReplicaSetNoPrimary:
        if kind in (SERVER_TYPE.Standalone, SERVER_TYPE.Mongos):
            state.remove(address)
        elif kind == SERVER_TYPE.RSPrimary:
            state.update_rs_from_primary(sd)
        elif kind in (SERVER_TYPE.RSSecondary, SERVER_TYPE.RSArbiter, SERVER_TYPE.RSOther):
            state.update_rs_without_primary(sd)
    else:  # ReplicaSetWithPrimary
        if kind in (SERVER_TYPE.Standalone, SERVER_TYPE.Mongos):
            state.remove(address)
            state.check_if_has_primary()
        elif kind == SERVER_TYPE.RSPrimary:
            state.update_rs_from_primary(sd)
        elif kind in (SERVER_TYPE.RSSecondary, SERVER_TYPE.RSArbiter, SERVER_TYPE.RSOther):
            state.update_rs_with_primary_from_member(sd)
        else:  # Unknown or RSGhost: the primary may be gone.
            state.check_if_has_primary()
    return state.result()
