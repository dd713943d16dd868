"""Where a spec case runs: on the test server itself, or on the proxy peer in front of it.

A case runs on the test server when the server satisfies its requirements (``runOn`` /
``runOnRequirements``: versions and topologies) and the case needs nothing the server
lacks.  FerretDB 1.24 (MongoDB 7.0, standalone) has no fail points, transactions,
change streams or snapshot reads (:data:`tests.support.server_gaps.GAPS`): a case that
needs one runs on the proxy peer (:mod:`tests.support.proxy_peer`), which plays the
newest release from 3.6 to 7.0 that satisfies the requirements, as a replica-set primary
(or, when only a standalone will do, as a standalone).  A runner that asks for it
(``choose(..., sharded=True)``) also gets the proxy as the mongoses of a sharded cluster
(one, or two when a case says ``useMultipleMongoses``).  Load balancers are not played:
cases that need them are in the skip list.
"""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from tests.support.server_gaps import GAPS, against_ferretdb

Version = Tuple[int, int, int]
# Releases the proxy plays, newest first: (version, maxWireVersion).
RELEASES: List[Tuple[Version, int]] = [
    ((7, 0, 0), 21), ((6, 0, 0), 17), ((5, 0, 0), 13), ((4, 4, 0), 9), ((4, 2, 0), 8),
    ((4, 0, 0), 7), ((3, 6, 0), 6)]
# Topology names as the files spell them -> the proxy's role.
_ROLES = (("replicaset", "primary"), ("single", "standalone"))
_SHARDED = (("sharded", "mongos"),)
# How Target.__str__ names each role.
_ROLE_NAMES = {"primary": "replica-set primary", "standalone": "standalone",
               "mongos": "mongos"}


def version_tuple(text: str) -> Version:
    parts = [int(p) for p in str(text).split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


def satisfies(entry: Mapping[str, Any], version: Version, topology: str) -> bool:
    """One ``runOn`` entry (legacy ``topology`` or unified ``topologies``)."""
    low, high = entry.get("minServerVersion"), entry.get("maxServerVersion")
    if low and version < version_tuple(low):
        return False
    if high and version > version_tuple(high):
        return False
    if entry.get("serverless") == "require":
        return False
    topologies = entry.get("topologies", entry.get("topology"))
    return topology in (topologies or [topology])


def satisfies_all(requirements: Sequence[Sequence[Mapping[str, Any]]], version: Version,
                  topology: str) -> bool:
    """Each list of entries (the file's, the test's) has one entry satisfied."""
    return all(not entries or any(satisfies(e, version, topology) for e in entries)
               for entries in requirements)


class Target:
    """The test server (``version is None``) or the proxy playing ``version`` as ``role``."""

    def __init__(self, version: Optional[Version] = None, wire: int = 0,
                 role: str = "primary") -> None:
        self.version, self.wire, self.role = version, wire, role

    @property
    def on_proxy(self) -> bool:
        return self.version is not None

    @property
    def label(self) -> str:
        """What the end-of-run summary counts passes by."""
        if not self.on_proxy:
            return "FerretDB" if against_ferretdb() else "the test server"
        return "the proxy peer"

    def __str__(self) -> str:
        if not self.on_proxy:
            return self.label
        shown = ".".join(str(p) for p in self.version[:2])
        return f"the proxy peer as a MongoDB {shown} {_ROLE_NAMES[self.role]}"


def choose(requirements: Sequence[Sequence[Mapping[str, Any]]], needs: Sequence[str],
           facts: Mapping[str, Any], sharded: bool = False) -> Optional[Target]:
    """The test server when it satisfies ``requirements`` and has every feature in
    ``needs`` (names of :data:`GAPS`), else the proxy as the newest release that
    satisfies them (as mongoses only when ``sharded``, and when nothing else will do);
    None when neither does."""
    for feature in needs:
        if feature not in GAPS:
            raise KeyError(f"unknown server feature {feature!r}; add it to GAPS")
    server_lacks = against_ferretdb() and bool(needs)
    if not server_lacks and satisfies_all(requirements, facts["version"], facts["topology"]):
        return Target()
    for topology, role in _ROLES + (_SHARDED if sharded else ()):
        for version, wire in RELEASES:
            if satisfies_all(requirements, version, topology):
                return Target(version, wire, role)
    return None


@contextlib.contextmanager
def proxy_for(target: Target, server_uri: str, routers: int = 1) -> Iterator[Any]:
    """The proxy peer for ``target`` (None for the test server), stopped afterwards;
    as mongoses, ``routers`` of them (the first one is yielded)."""
    if not target.on_proxy:
        yield None
        return
    from tests.support.proxy_peer import ProxyPeer

    with ProxyPeer(server_uri, target.version, target.wire, target.role) as proxy:
        if target.role == "mongos":
            for _ in range(routers - 1):
                proxy.add_router()
        yield proxy


def client_uri(target: Target, proxy: Any, server_uri: str) -> str:
    if proxy is None:
        return server_uri
    suffix = "?replicaSet=rs" if target.role == "primary" else ""
    hosts = ",".join(f"127.0.0.1:{router.port}" for router in proxy.routers)
    return f"mongodb://{hosts}/{suffix}"


_FACTS: Dict[str, Any] = {}


def server_facts(server_uri: str) -> Dict[str, Any]:
    """Version and topology of the test server, asked once per run."""
    _cache = _FACTS
    if server_uri not in _cache:
        from pymongo import MongoClient

        with MongoClient(server_uri, serverSelectionTimeoutMS=10000) as client:
            version = client.server_info()["version"]
            hello = client.admin.command("ismaster")
        topology = "sharded" if hello.get("msg") == "isdbgrid" else \
            "replicaset" if hello.get("setName") else "single"
        _cache[server_uri] = {"version": version_tuple(version), "topology": topology}
    return _cache[server_uri]


def configure_fail_point(proxy: Any, setup_client: Any, command: Mapping[str, Any]) -> None:
    """Turn a fail point on: in the proxy, or on the test server (a real mongod)."""
    from bson.son import SON

    ordered = SON([("configureFailPoint", command["configureFailPoint"])])
    ordered.update((k, v) for k, v in command.items() if k != "configureFailPoint")
    if proxy is not None:
        for router in proxy.routers:  # every mongos of a sharded cluster
            reply = router.fail_points.configure(ordered)
            assert reply["ok"] == 1, f"the proxy peer refused {dict(command)}: {reply}"
    else:
        setup_client.admin.command(ordered)


def disable_fail_points(proxy: Any, setup_client: Any, names: Sequence[str]) -> None:
    if proxy is not None:
        for router in proxy.routers:
            router.fail_points.clear()
        return
    for name in names:
        setup_client.admin.command({"configureFailPoint": name, "mode": "off"})


def fast_rediscovery(monkeypatch: Any) -> None:
    """Let a monitor check a server again 10 ms (not 500 ms) after an operation's error
    asked it to, as the retryable reads tests' README suggests: a retry after a network
    error waits for that check."""
    from mongofw.core.topology import monitor

    monkeypatch.setattr(monitor, "MIN_HEARTBEAT_INTERVAL", 0.01)
