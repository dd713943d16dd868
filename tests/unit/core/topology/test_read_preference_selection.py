"""What each read preference mode accepts during server selection (no server)."""
from __future__ import annotations

import pytest

from mongofw.core.topology.read_preference_selection import select_by_read_preference
from mongofw.core.topology.server_description import ServerDescription
from mongofw.core.topology.server_selectors import Selection
from mongofw.core.topology.topology_type import TOPOLOGY_TYPE
from mongofw.errors import ConfigurationError
from mongofw.options.read_preferences import (
    Nearest,
    Primary,
    PrimaryPreferred,
    Secondary,
    SecondaryPreferred,
)


def _sd(host, kind, tags=None):
    replies = {"P": {"isWritablePrimary": True}, "S": {"secondary": True},
               "A": {"arbiterOnly": True}}
    reply = {"ok": 1, "setName": "rs", "maxWireVersion": 21, "tags": tags or {}, **replies[kind]}
    return ServerDescription((host, 27017), reply, 0.001)


P, S1, S2, ARB = _sd("p", "P"), _sd("s1", "S", {"dc": "ny"}), _sd("s2", "S", {"dc": "sf"}), \
    _sd("x", "A")


def _select(pref, *sds, topology_type=TOPOLOGY_TYPE.ReplicaSetWithPrimary):
    return [sd.address[0] for sd in select_by_read_preference(pref, Selection(topology_type, sds)).server_descriptions]


@pytest.mark.parametrize("pref, with_primary, without_primary", [
    (Primary(), ["p"], []),
    (PrimaryPreferred(), ["p"], ["s1", "s2"]),
    (Secondary(), ["s1", "s2"], ["s1", "s2"]),
    (SecondaryPreferred(), ["s1", "s2"], ["s1", "s2"]),
    (Nearest(), ["p", "s1", "s2"], ["s1", "s2"]),
    (Secondary([{"dc": "la"}, {"dc": "sf"}]), ["s2"], ["s2"]),
    (SecondaryPreferred([{"dc": "la"}]), ["p"], []),
    (Nearest([{"dc": "ny"}]), ["s1"], ["s1"]),
])
def test_what_each_mode_selects(pref, with_primary, without_primary):
    assert _select(pref, P, S1, S2, ARB) == with_primary
    assert _select(pref, S1, S2, ARB, topology_type=TOPOLOGY_TYPE.ReplicaSetNoPrimary) == \
        without_primary


def test_outside_a_replica_set_every_readable_server_qualifies():
    mongos = ServerDescription(("m", 1), {"ok": 1, "msg": "isdbgrid"}, 0.001)
    assert _select(Secondary([{"dc": "x"}]), mongos, topology_type=TOPOLOGY_TYPE.Sharded) == ["m"]


def test_max_staleness_smaller_than_heartbeat_allows_is_rejected():
    selection = Selection(TOPOLOGY_TYPE.ReplicaSetNoPrimary, (), heartbeat_frequency=100)
    with pytest.raises(ConfigurationError, match="at least 110 .* not 100"):
        select_by_read_preference(Secondary(max_staleness=100), selection)
