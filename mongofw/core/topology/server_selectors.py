"""Server selectors: functions from a :class:`Selection` to the servers they accept.

A selector takes a Selection (the known servers of a topology, plus what the rules
need: topology type, primary, heartbeat interval) and returns a narrower Selection.
Read preferences are selectors too; the latency window and the final random choice
come after (:func:`apply_local_threshold`, :func:`choose_in_window`).
"""
from __future__ import annotations

import random
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, Tuple

import attrs

from mongofw.core.topology.server_description import ServerDescription
from mongofw.core.topology.server_type import SERVER_TYPE

# TOPOLOGY_TYPE numbers of the two replica set types (see topology_description).
_REPLICA_SET_TYPES = frozenset({1, 2})


@attrs.frozen
class Selection:
    """Candidate servers for one selection and the topology facts selectors need."""

    topology_type: int
    server_descriptions: Tuple[ServerDescription, ...]
    heartbeat_frequency: float = 10.0
    common_wire_version: Optional[int] = None

    @property
    def is_replica_set(self) -> bool:
        return self.topology_type in _REPLICA_SET_TYPES

    @property
    def primary(self) -> Optional[ServerDescription]:
        for sd in self.server_descriptions:
            if sd.server_type == SERVER_TYPE.RSPrimary:
                return sd
        return None

    @property
    def secondaries(self) -> List[ServerDescription]:
        return [sd for sd in self.server_descriptions
                if sd.server_type == SERVER_TYPE.RSSecondary]

    @property
    def primary_selection(self) -> Selection:
        primary = self.primary
        return self.with_server_descriptions([primary] if primary is not None else [])

    def with_server_descriptions(self, sds: Iterable[ServerDescription]) -> Selection:
        return attrs.evolve(self, server_descriptions=tuple(sds))

    def __bool__(self) -> bool:
        return bool(self.server_descriptions)

    def __len__(self) -> int:
        return len(self.server_descriptions)


Selector = Callable[[Selection], Selection]


def _keep(selection: Selection, accept: Callable[[ServerDescription], bool]) -> Selection:
    return selection.with_server_descriptions(sd for sd in selection.server_descriptions
                                              if accept(sd))


def any_server_selector(selection: Selection) -> Selection:
    """Every known server."""
    return selection


def readable_server_selector(selection: Selection) -> Selection:
    """Servers that accept reads: primaries, secondaries, standalones, mongoses."""
    return _keep(selection, lambda sd: sd.is_readable)


def writable_server_selector(selection: Selection) -> Selection:
    """Servers that accept writes: the primary, standalones, mongoses."""
    return _keep(selection, lambda sd: sd.is_writable)


def secondary_server_selector(selection: Selection) -> Selection:
    return _keep(selection, lambda sd: sd.server_type == SERVER_TYPE.RSSecondary)


def arbiter_server_selector(selection: Selection) -> Selection:
    return _keep(selection, lambda sd: sd.server_type == SERVER_TYPE.RSArbiter)


def writable_preferred_server_selector(selection: Selection) -> Selection:
    """The writable servers, or the readable ones when none is writable."""
    return writable_server_selector(selection) or readable_server_selector(selection)


def apply_single_tag_set(tag_set: Mapping[str, Any], selection: Selection) -> Selection:
    """Servers whose tags include every pair of ``tag_set`` (``{}`` matches all)."""
    def matches(sd: ServerDescription) -> bool:
        tags = sd.tags
        return all(key in tags and tags[key] == value for key, value in tag_set.items())

    return _keep(selection, matches)


def apply_tag_sets(tag_sets: Sequence[Mapping[str, Any]], selection: Selection) -> Selection:
    """The servers matching the first tag set that matches any (tag sets are in order)."""
    for tag_set in tag_sets:
        found = apply_single_tag_set(tag_set, selection)
        if found:
            return found
    return selection.with_server_descriptions([])


def secondary_with_tags_server_selector(tag_sets: Sequence[Mapping[str, Any]],
                                        selection: Selection) -> Selection:
    return apply_tag_sets(tag_sets, secondary_server_selector(selection))


def member_with_tags_server_selector(tag_sets: Sequence[Mapping[str, Any]],
                                     selection: Selection) -> Selection:
    """Primary or secondaries matching the tag sets (mode nearest)."""
    members = _keep(selection, lambda sd: sd.server_type in (SERVER_TYPE.RSPrimary,
                                                             SERVER_TYPE.RSSecondary))
    return apply_tag_sets(tag_sets, members)


def apply_local_threshold(sds: Sequence[ServerDescription],
                          local_threshold_ms: float) -> List[ServerDescription]:
    """Servers within ``local_threshold_ms`` of the fastest one (the latency window)."""
    if not sds:
        return []
    # A server checked once has an RTT; one without (e.g. built by hand) counts as 0.
    def rtt(sd: ServerDescription) -> float:
        return sd.round_trip_time or 0.0

    fastest = min(rtt(sd) for sd in sds)
    limit = fastest + local_threshold_ms / 1000.0
    return [sd for sd in sds if rtt(sd) <= limit]


def choose_in_window(candidates: Sequence[Any], operation_count: Callable[[Any], int],
                     rng: Any = random) -> Any:
    """Pick one server from the latency window: of two random ones, the less busy.

    The server selection spec's "power of two choices": sampling two candidates and
    taking the one with fewer operations in progress spreads load away from a slow
    server without any global state. ``operation_count(candidate)`` gives that number.
    """
    if not candidates:
        raise ValueError("cannot choose a server from an empty latency window")
    if len(candidates) == 1:
        return candidates[0]
    first, second = rng.sample(list(candidates), 2)
    return second if operation_count(second) < operation_count(first) else first
