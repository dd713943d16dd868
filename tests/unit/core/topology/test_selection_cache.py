"""Topology's selection cache: a repeated selection with an unchanged description reuses
the previous result; a new description, another selector or a custom server_selector
selects afresh."""
from __future__ import annotations

import pytest

from mongofw.core.topology import topology_description
from mongofw.core.topology.server_description import ServerDescription
from mongofw.core.topology.server_selectors import writable_server_selector
from mongofw.core.topology.settings import TopologySettings
from mongofw.core.topology.topology import Topology
from mongofw.options.read_preferences import ReadPreference

HOSTS = ["a:1", "b:1", "c:1"]


def _hello(host, primary):
    doc = {"ok": 1, "setName": "rs", "hosts": HOSTS, "maxWireVersion": 13,
           "me": f"{host}:1", "primary": "a:1"}
    if primary:
        doc["ismaster"] = True
    else:
        doc["secondary"] = True
    return doc


@pytest.fixture
def make_topology():
    made = []

    def make(server_selector=None):
        settings = TopologySettings(seeds=HOSTS, replica_set_name="rs",
                                    server_selector=server_selector)
        topology = Topology(settings)
        # Marked open without starting monitors: the test feeds the descriptions.
        topology._opened = True
        made.append(topology)
        return topology

    yield make
    for topology in made:
        topology._opened = False
        topology.close()


def _report(topology, host, rtt, primary=False):
    topology.on_change(ServerDescription((host, 1), _hello(host, primary), rtt))


def _hosts(servers):
    return sorted(server.address[0] for server in servers)


@pytest.fixture
def counted(monkeypatch):
    """How many times a description really ran selection."""
    calls = []
    real = topology_description.TopologyDescription.apply_selector

    def apply_selector(self, *args, **kwargs):
        calls.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(topology_description.TopologyDescription, "apply_selector",
                        apply_selector)
    return calls


def _replica_set(make_topology):
    topology = make_topology()
    _report(topology, "a", 0.001, primary=True)
    _report(topology, "b", 0.002)
    _report(topology, "c", 0.003)
    return topology


def test_a_repeated_selection_is_served_from_the_cache(make_topology, counted):
    topology = _replica_set(make_topology)
    first = topology.select_servers(writable_server_selector, 0)
    assert _hosts(first) == ["a"]
    assert topology.select_servers(writable_server_selector, 0) is first
    assert counted == [writable_server_selector]


def test_a_new_description_invalidates_the_cache(make_topology, counted):
    topology = _replica_set(make_topology)
    secondary = ReadPreference.SECONDARY
    assert _hosts(topology.select_servers(secondary, 0)) == ["b", "c"]
    # b becomes the primary: a new description, so a fresh selection.
    _report(topology, "a", 0.001)
    _report(topology, "b", 0.002, primary=True)
    assert _hosts(topology.select_servers(secondary, 0)) == ["a", "c"]
    assert _hosts(topology.select_servers(writable_server_selector, 0)) == ["b"]
    assert len(counted) == 2 + 1


def test_different_read_preferences_are_not_conflated(make_topology, counted):
    topology = _replica_set(make_topology)
    primary = topology.select_servers(ReadPreference.PRIMARY, 0)
    secondary = topology.select_servers(ReadPreference.SECONDARY, 0)
    nearest = topology.select_servers(ReadPreference.NEAREST, 0)
    assert (_hosts(primary), _hosts(secondary), _hosts(nearest)) == \
        (["a"], ["b", "c"], ["a", "b", "c"])
    assert _hosts(topology.select_servers(ReadPreference.SECONDARY, 0)) == ["b", "c"]
    assert len(counted) == 3


def test_the_latency_window_follows_round_trip_times(make_topology, counted):
    topology = _replica_set(make_topology)
    nearest = ReadPreference.NEAREST
    assert _hosts(topology.select_servers(nearest, 0)) == ["a", "b", "c"]
    # c slows down beyond the 15 ms window: it leaves the (re-run) selection.
    _report(topology, "c", 0.100)
    assert _hosts(topology.select_servers(nearest, 0)) == ["a", "b"]
    assert _hosts(topology.select_servers(nearest, 0)) == ["a", "b"]
    assert len(counted) == 2


def test_a_custom_server_selector_is_asked_every_time(make_topology, counted):
    asked = []

    def custom(descriptions):
        asked.append(len(descriptions))
        return descriptions

    topology = _replica_set(lambda: make_topology(custom))
    for _ in range(3):
        assert _hosts(topology.select_servers(ReadPreference.SECONDARY, 0)) == ["b", "c"]
    assert asked == [2, 2, 2]
    assert len(counted) == 3


def test_a_selection_by_address_is_not_cached(make_topology, counted):
    topology = _replica_set(make_topology)
    for _ in range(2):
        [server] = topology.select_servers(ReadPreference.NEAREST, 0, address=("b", 1))
        assert server.address == ("b", 1)
    assert len(counted) == 2


def test_select_server_takes_a_cached_single_server_directly(make_topology, counted):
    topology = _replica_set(make_topology)
    first = topology.select_server(writable_server_selector, 0)
    assert first.address == ("a", 1)
    assert topology.select_server(writable_server_selector, 0) is first
    assert len(counted) == 1


def test_select_server_still_chooses_within_a_cached_window_of_several(make_topology, counted):
    topology = _replica_set(make_topology)
    chosen = {topology.select_server(ReadPreference.SECONDARY, 0).address for _ in range(60)}
    assert chosen == {("b", 1), ("c", 1)}
    assert len(counted) == 1
