"""Server discovery and monitoring: the topology state machine fed scripted replies.

Each file of ``server-discovery-and-monitoring/{single,rs,sharded,errors,monitoring}``
is one case: its phases feed ``hello`` replies to
:func:`~mongofw.core.topology.topology_description.updated_topology_description` and
application errors to :func:`~mongofw.core.topology.sdam_errors.handle_application_error`,
simulating each server's pool generation the way the Topology keeps it, then compare
the outcome. ``monitoring/`` files compare the events a Topology would publish.
"""
from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl

import pytest

from mongofw.core.topology.sdam_errors import ApplicationError, handle_application_error
from mongofw.core.topology.server_description import ServerDescription, id_bytes, parse_address
from mongofw.core.topology.settings import TopologySettings
from mongofw.core.topology.topology_description import (
    TOPOLOGY_TYPE,
    TopologyDescription,
    updated_topology_description,
)
from mongofw.errors import AutoReconnect
from tests.spec.loader import case_id, json_files, params, spec_path

AREA = "server-discovery-and-monitoring"
FOLDERS = ("single", "rs", "sharded", "errors")


def _object_hook(obj: Dict[str, Any]) -> Any:
    """The Extended JSON values these files use, for when bson.json_util is not there."""
    if len(obj) == 1:
        if "$oid" in obj:
            try:
                from bson.objectid import ObjectId
            except ImportError:
                return bytes.fromhex(obj["$oid"])
            return ObjectId(obj["$oid"])
        if "$numberLong" in obj:
            return int(obj["$numberLong"])
        if "$date" in obj:
            millis = obj["$date"]
            millis = int(millis["$numberLong"]) if isinstance(millis, dict) else int(millis)
            return datetime.datetime.fromtimestamp(millis / 1000, datetime.timezone.utc)
    return obj


def load_extended(path: Path) -> Any:
    """A spec file with its Extended JSON values as BSON types."""
    return json.loads(path.read_text(encoding="utf-8"), object_hook=_object_hook)


def _cases(*folders: str) -> List[Any]:
    base = spec_path(AREA)
    items = []
    for folder in folders:
        for path in json_files(AREA, folder):
            doc = load_extended(path)
            items.append((case_id(path, doc["description"], base), doc))
    return params(items)


def settings_from_uri(uri: str) -> TopologySettings:
    """The seeds and SDAM options of a spec file's ``mongodb://`` URI."""
    assert uri.startswith("mongodb://"), uri
    rest = uri[len("mongodb://"):]
    hosts, _, query = rest.partition("?")
    hosts = hosts.rstrip("/")
    options = {k.lower(): v for k, v in parse_qsl(query)}
    direct = options.get("directconnection")
    kwargs: Dict[str, Any] = {
        "seeds": [parse_address(h) for h in hosts.split(",")],
        "replica_set_name": options.get("replicaset"),
        "direct_connection": None if direct is None else direct == "true",
    }
    if "heartbeatfrequencyms" in options:
        kwargs["heartbeat_frequency"] = int(options["heartbeatfrequencyms"]) / 1000
    return TopologySettings(**kwargs)


class Simulation:
    """The Topology's bookkeeping, minus threads: the description and pool generations."""

    def __init__(self, uri: str) -> None:
        self.description = TopologyDescription.from_settings(settings_from_uri(uri))
        self.generations: Dict[Tuple[str, Optional[int]], int] = {
            address: 0 for address in self.description.server_descriptions()}

    def apply(self, sd: ServerDescription) -> None:
        self.description = updated_topology_description(self.description, sd)
        self._sync_pools()

    def _sync_pools(self) -> None:
        wanted = self.description.server_descriptions()
        self.generations = {a: self.generations.get(a, 0) for a in wanted}

    def respond(self, host: str, reply: Dict[str, Any]) -> None:
        address = parse_address(host)
        if not reply:  # an empty reply stands for a failed check
            self.apply(ServerDescription(address, error=AutoReconnect(f"{host}: check failed")))
        else:
            self.apply(ServerDescription(address, reply, round_trip_time=0.0))

    def application_error(self, spec: Dict[str, Any]) -> None:
        address = parse_address(spec["address"])
        error = ApplicationError(
            address, spec["type"], spec["when"] == "afterHandshakeCompletes",
            spec.get("maxWireVersion"), spec.get("generation"), spec.get("response"))
        outcome = handle_application_error(self.description, error,
                                           self.generations.get(address, 0))
        self.description = outcome.description
        if outcome.clear_pool:
            self.generations[address] += 1
        self._sync_pools()


def _oid(value: Any) -> Optional[bytes]:
    return id_bytes(value)


def _topology_version(value: Any) -> Any:
    if not value:
        return None
    return _oid(value["processId"]), int(value["counter"])


def check_outcome(sim: Simulation, outcome: Dict[str, Any]) -> None:
    td = sim.description
    servers = td.server_descriptions()
    expected_servers = {parse_address(h): exp for h, exp in outcome["servers"].items()}
    assert set(servers) == set(expected_servers)
    for address, expected in expected_servers.items():
        sd = servers[address]
        # The spec lets drivers without the PossiblePrimary type treat it as Unknown.
        expected_type = {"PossiblePrimary": "Unknown"}.get(expected["type"], expected["type"])
        assert sd.server_type_name == expected_type, address
        if "setName" in expected:
            assert sd.set_name == expected["setName"], address
        if "setVersion" in expected:
            assert sd.set_version == expected["setVersion"], address
        if "electionId" in expected:
            assert _oid(sd.election_id) == _oid(expected["electionId"]), address
        if "topologyVersion" in expected:
            assert _topology_version(sd.topology_version) == \
                _topology_version(expected["topologyVersion"]), address
        if "pool" in expected:
            assert sim.generations[address] == expected["pool"]["generation"], address
        if "error" in expected:
            assert str(sd.error) == expected["error"], address
    assert td.topology_type_name == outcome["topologyType"]
    assert td.replica_set_name == outcome["setName"]
    if "logicalSessionTimeoutMinutes" in outcome:
        assert td.logical_session_timeout_minutes == outcome["logicalSessionTimeoutMinutes"]
    if "maxSetVersion" in outcome:
        assert td.max_set_version == outcome["maxSetVersion"]
    if "maxElectionId" in outcome:
        assert _oid(td.max_election_id) == _oid(outcome["maxElectionId"])
    if "compatible" in outcome:
        assert (td.incompatible_error is None) == outcome["compatible"]


@pytest.mark.parametrize("doc", _cases(*FOLDERS))
def test_sdam(doc: Dict[str, Any]) -> None:
    _run(doc)


def test_single_seed_without_set_name_is_direct() -> None:
    """The 3.4 rule the spec files express with directConnection: one seed is Single."""
    td = TopologyDescription.from_settings(settings_from_uri("mongodb://a"))
    assert td.topology_type == TOPOLOGY_TYPE.Single


def _run(doc: Dict[str, Any]) -> None:
    sim = Simulation(doc["uri"])
    for phase in doc["phases"]:
        for host, reply in phase.get("responses", []):
            sim.respond(host, reply)
        for error in phase.get("applicationErrors", []):
            sim.application_error(error)
        check_outcome(sim, phase["outcome"])


# ---------------------------------------------------------------- monitoring/


class _Recorder:
    """Topology and server listener that keeps every event in order."""

    def __init__(self) -> None:
        from mongofw.monitoring.events import ServerListener, TopologyListener

        events: List[Tuple[str, Any]] = []
        self.events = events

        class Listener(ServerListener, TopologyListener):
            def opened(self, event: Any) -> None:
                kind = "server" if hasattr(event, "server_address") else "topology"
                events.append((f"{kind}_opening_event", event))

            def description_changed(self, event: Any) -> None:
                kind = "server" if hasattr(event, "server_address") else "topology"
                events.append((f"{kind}_description_changed_event", event))

            def closed(self, event: Any) -> None:
                kind = "server" if hasattr(event, "server_address") else "topology"
                events.append((f"{kind}_closed_event", event))

        self.listener = Listener()


class PublishingSimulation(Simulation):
    """The events a Topology publishes around each update, in the spec's order.

    Opening: topology opened, the initial description (from an empty Unknown one),
    one server opened per seed. Each update: the server's description changed (if it
    is not equal to the old one), servers opened / closed for hosts the update added
    or removed, then the topology description changed (if not equal).
    """

    def __init__(self, uri: str) -> None:
        from mongofw.monitoring.publisher import EventPublisher

        self.recorder = _Recorder()
        self.publisher = EventPublisher([self.recorder.listener])
        self.topology_id = "42"
        super().__init__(uri)
        empty = TopologyDescription(TOPOLOGY_TYPE.Unknown, {}, None, None, None,
                                    self.description.settings)
        self.publisher.publish_topology_opened(self.topology_id)
        self.publisher.publish_topology_description_changed(empty, self.description,
                                                            self.topology_id)
        for address in self.description.server_descriptions():
            self.publisher.publish_server_opened(address, self.topology_id)

    def apply(self, sd: ServerDescription) -> None:
        old_td = self.description
        old_sd = old_td.server_descriptions().get(sd.address)
        super().apply(sd)
        new_td = self.description
        if old_sd is None:
            return  # a reply from a server already removed: nothing happened.
        if old_sd != sd:
            self.publisher.publish_server_description_changed(old_sd, sd, sd.address,
                                                              self.topology_id)
        before, after = old_td.server_descriptions(), new_td.server_descriptions()
        for address in after:
            if address not in before:
                self.publisher.publish_server_opened(address, self.topology_id)
        for address in before:
            if address not in after:
                self.publisher.publish_server_closed(address, self.topology_id)
        if old_td != new_td:
            self.publisher.publish_topology_description_changed(old_td, new_td,
                                                                self.topology_id)


def _sd_summary(sd: ServerDescription) -> Dict[str, Any]:
    from mongofw.core.wire.network import format_address

    return {"address": format_address(sd.address),
            "arbiters": sorted(format_address(a) for a in sd.arbiters),
            "hosts": sorted(format_address(a) for a in sd.hosts),
            "passives": sorted(format_address(a) for a in sd.passives),
            "type": sd.server_type_name}


def _expected_sd(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {"address": doc["address"], "arbiters": sorted(doc["arbiters"]),
            "hosts": sorted(doc["hosts"]), "passives": sorted(doc["passives"]),
            "type": {"PossiblePrimary": "Unknown"}.get(doc["type"], doc["type"])}


def _td_summary(td: TopologyDescription) -> Dict[str, Any]:
    servers = sorted((_sd_summary(sd) for sd in td.server_descriptions().values()),
                     key=lambda s: s["address"])
    return {"topologyType": td.topology_type_name, "servers": servers}


def _expected_td(doc: Dict[str, Any]) -> Dict[str, Any]:
    servers = sorted((_expected_sd(s) for s in doc["servers"]), key=lambda s: s["address"])
    return {"topologyType": doc["topologyType"], "servers": servers}


def _event_summary(kind: str, event: Any) -> Dict[str, Any]:
    from mongofw.core.wire.network import format_address

    if kind.startswith("server_"):
        out: Dict[str, Any] = {"address": format_address(event.server_address)}
        if kind == "server_description_changed_event":
            out["previousDescription"] = _sd_summary(event.previous_description)
            out["newDescription"] = _sd_summary(event.new_description)
        return {kind: out}
    if kind == "topology_description_changed_event":
        return {kind: {"previousDescription": _td_summary(event.previous_description),
                       "newDescription": _td_summary(event.new_description)}}
    return {kind: {}}


def _expected_event(event: Dict[str, Any]) -> Dict[str, Any]:
    (kind, body), = event.items()
    out: Dict[str, Any] = {}
    if "address" in body:
        out["address"] = body["address"]
    if kind == "server_description_changed_event":
        out["previousDescription"] = _expected_sd(body["previousDescription"])
        out["newDescription"] = _expected_sd(body["newDescription"])
    elif kind == "topology_description_changed_event":
        out["previousDescription"] = _expected_td(body["previousDescription"])
        out["newDescription"] = _expected_td(body["newDescription"])
    return {kind: out}


@pytest.mark.parametrize("doc", _cases("monitoring"))
def test_sdam_monitoring(doc: Dict[str, Any]) -> None:
    sim = PublishingSimulation(doc["uri"])
    for phase in doc["phases"]:
        for host, reply in phase.get("responses", []):
            sim.respond(host, reply)
        actual = [_event_summary(kind, event) for kind, event in sim.recorder.events]
        assert actual == [_expected_event(e) for e in phase["outcome"]["events"]]
        sim.recorder.events.clear()
