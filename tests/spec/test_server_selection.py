"""Server selection: suitable servers, the latency window, RTT averaging, in-window choice.

``server-selection/server_selection`` builds a TopologyDescription from each file and
checks what :meth:`TopologyDescription.apply_selector` returns: once with an unlimited
latency window (``suitable_servers``) and once with the default 15 ms
(``in_latency_window``). The max-staleness runner reuses :func:`build_topology` and
:func:`run_selection_case`.
"""
from __future__ import annotations

import datetime
import random
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

import pytest

from mongofw.core.topology.rtt import MovingAverage
from mongofw.core.topology.server_description import (
    ServerDescription,
    parse_address,
)
from mongofw.core.topology.server_selectors import choose_in_window, writable_server_selector
from mongofw.core.topology.settings import TopologySettings
from mongofw.core.topology.topology_description import TOPOLOGY_TYPE, TopologyDescription
from mongofw.core.wire.network import format_address
from mongofw.errors import ConfigurationError
from mongofw.options.read_preferences import make_read_preference, read_pref_mode_from_name
from tests.spec.loader import json_files, params, spec_path
from tests.spec.test_sdam import load_extended

AREA = "server-selection"

# A handshake reply that makes a server of each type the spec files name.
_REPLIES: Dict[str, Dict[str, Any]] = {
    "Standalone": {"ok": 1, "isWritablePrimary": True},
    "Mongos": {"ok": 1, "isWritablePrimary": True, "msg": "isdbgrid"},
    "RSPrimary": {"ok": 1, "isWritablePrimary": True, "setName": "rs"},
    "RSSecondary": {"ok": 1, "secondary": True, "setName": "rs"},
    "RSArbiter": {"ok": 1, "arbiterOnly": True, "setName": "rs"},
    "RSOther": {"ok": 1, "hidden": True, "setName": "rs"},
    "RSGhost": {"ok": 1, "isreplicaset": True},
}
# Servers in these files run a current MongoDB unless they say otherwise.
_DEFAULT_WIRE_VERSION = 21
_UNLIMITED_WINDOW_MS = 1e12


def _ms_to_datetime(millis: Any) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(int(millis) / 1000, datetime.timezone.utc)


def server_from_spec(doc: Dict[str, Any]) -> ServerDescription:
    """The ServerDescription a spec file's server entry describes."""
    address = parse_address(doc["address"])
    kind = doc["type"]
    rtt = doc["avg_rtt_ms"] / 1000 if doc.get("avg_rtt_ms") is not None else None
    last_update = doc["lastUpdateTime"] / 1000 if "lastUpdateTime" in doc else None
    if kind in ("Unknown", "PossiblePrimary"):
        return ServerDescription(address, None, rtt, last_update_time=last_update)
    reply = dict(_REPLIES[kind])
    reply["minWireVersion"] = 0
    reply["maxWireVersion"] = doc.get("maxWireVersion", _DEFAULT_WIRE_VERSION)
    if doc.get("tags"):
        reply["tags"] = doc["tags"]
    if "lastWrite" in doc:
        reply["lastWrite"] = {"lastWriteDate": _ms_to_datetime(doc["lastWrite"]["lastWriteDate"])}
    return ServerDescription(address, reply, rtt, last_update_time=last_update)


def build_topology(doc: Dict[str, Any], local_threshold_ms: float = 15) -> TopologyDescription:
    """The TopologyDescription of a file's ``topology_description`` (and heartbeat)."""
    spec = doc["topology_description"]
    servers = [server_from_spec(s) for s in spec["servers"]]
    topology_type = getattr(TOPOLOGY_TYPE, spec["type"])
    seeds = [sd.address for sd in servers] or [("localhost", 27017)]
    heartbeat = doc.get("heartbeatFrequencyMS", 10_000) / 1000
    settings = TopologySettings(seeds=seeds, local_threshold_ms=local_threshold_ms,
                                heartbeat_frequency=heartbeat,
                                direct_connection=topology_type == TOPOLOGY_TYPE.Single)
    set_name = "rs" if spec["type"].startswith("ReplicaSet") else None
    return TopologyDescription(topology_type, {sd.address: sd for sd in servers}, set_name,
                               None, None, settings)


def selector_from_spec(doc: Dict[str, Any]) -> Any:
    """The read preference (or, for writes, the writable selector) of a file."""
    if doc.get("operation", "read") == "write":
        return writable_server_selector
    spec = doc.get("read_preference") or {}
    name = spec.get("mode", "Primary")
    mode = read_pref_mode_from_name(name[0].lower() + name[1:])
    return make_read_preference(mode, spec.get("tag_sets"), spec.get("maxStalenessSeconds", -1))


def _addresses(sds: List[Any]) -> List[str]:
    return sorted(format_address(getattr(sd, "address", None) or parse_address(sd["address"]))
                  for sd in sds)


def run_selection_case(doc: Dict[str, Any]) -> None:
    """Check ``suitable_servers`` / ``in_latency_window``, or that ``error`` is raised."""
    deprioritized = [parse_address(s["address"]) for s in doc.get("deprioritized_servers", [])]
    if doc.get("error"):
        with pytest.raises((ConfigurationError, ValueError)):
            selector = selector_from_spec(doc)
            build_topology(doc).apply_selector(selector, deprioritized=deprioritized)
        return
    selector = selector_from_spec(doc)
    suitable = build_topology(doc, _UNLIMITED_WINDOW_MS).apply_selector(
        selector, deprioritized=deprioritized)
    in_window = build_topology(doc).apply_selector(selector, deprioritized=deprioritized)
    assert _addresses(suitable) == _addresses(doc["suitable_servers"])
    assert _addresses(in_window) == _addresses(doc["in_latency_window"])


def _file_params(*parts: str) -> List[Any]:
    base = spec_path(AREA, parts[0]) if parts else spec_path(AREA)
    items = []
    for path in json_files(AREA, *parts):
        doc = load_extended(path)
        rel = Path(path).relative_to(base).as_posix()
        items.append((f"{rel}::{doc.get('description', Path(path).stem)}", doc))
    return params(items)


@pytest.mark.parametrize("doc", _file_params("server_selection"))
def test_server_selection(doc: Dict[str, Any]) -> None:
    run_selection_case(doc)


@pytest.mark.parametrize("doc", _file_params("rtt"))
def test_rtt(doc: Dict[str, Any]) -> None:
    average = MovingAverage()
    if doc["avg_rtt_ms"] != "NULL":
        average.add_sample(doc["avg_rtt_ms"])
    average.add_sample(doc["new_rtt_ms"])
    assert average.get() == pytest.approx(doc["new_avg_rtt"])


@pytest.mark.parametrize("doc", _file_params("in_window"))
def test_in_window(doc: Dict[str, Any]) -> None:
    """Selection among the window's servers over many seeded iterations, per frequency."""
    td = build_topology(doc)
    selector = make_read_preference(read_pref_mode_from_name("nearest"), None)
    window = td.apply_selector(selector)
    counts = {parse_address(m["address"]): m["operation_count"]
              for m in doc["mocked_topology_state"]}
    rng = random.Random(20240613)  # seeded: the frequencies are reproducible run to run
    iterations = doc["iterations"]
    chosen: Counter = Counter(
        choose_in_window(window, lambda sd: counts[sd.address], rng).address
        for _ in range(iterations))
    outcome = doc["outcome"]
    for host, expected in outcome["expected_frequencies"].items():
        frequency = chosen[parse_address(host)] / iterations
        assert abs(frequency - expected) <= outcome["tolerance"], (host, frequency, expected)


def test_choose_in_window_single_candidate_needs_no_randomness() -> None:
    sd = ServerDescription(("a", 27017))
    assert choose_in_window([sd], lambda _: 99, rng=None) is sd
