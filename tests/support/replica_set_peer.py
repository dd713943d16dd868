"""A scripted one-member replica set that supports sessions, over the wire peer.

It answers as the primary of set ``rs`` (what FerretDB, a standalone, cannot show),
records every command, and replies from ``script[name]`` (replies, callables or CLOSE,
consumed in order) before falling back to a plain success.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List

from bson.timestamp import Timestamp
from pymongo import MongoClient
from tests.support.wire_peer import WirePeer, hello_reply

HANDSHAKES = ("isMaster", "ismaster", "hello")
CLUSTER_TIME = {"clusterTime": Timestamp(1700000000, 5), "signature": {"keyId": 0}}


class ReplicaSetPeer:
    """A one-member replica set; ``script[name]`` replies (or CLOSE) consumed in order."""

    def __init__(self, max_wire_version: int = 21) -> None:
        self.max_wire_version = max_wire_version
        self.script: Dict[str, List[Any]] = {}
        self.peer = WirePeer(self._handle)
        self.hosts = [f"127.0.0.1:{self.peer.port}"]

    def _handle(self, name: str, command: Any) -> Any:
        if name in HANDSHAKES:
            return hello_reply("primary", set_name="rs", hosts=self.hosts,
                               max_wire_version=self.max_wire_version,
                               logicalSessionTimeoutMinutes=30)
        queued = self.script.get(name)
        if queued:
            reply = queued.pop(0)
            return reply(command) if callable(reply) else reply
        return default_reply(name, command)

    def sent(self, name: str) -> List[Dict[str, Any]]:
        return self.peer.commands(name)

    def client(self, **kwargs: Any) -> MongoClient:
        kwargs.setdefault("serverSelectionTimeoutMS", 3000)
        return MongoClient(f"mongodb://{self.hosts[0]}/?replicaSet=rs", **kwargs)

    def __enter__(self) -> ReplicaSetPeer:
        self.peer.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.peer.__exit__(*exc)


def default_reply(name: str, command: Any) -> Any:
    reply: Dict[str, Any] = {"ok": 1.0, "$clusterTime": CLUSTER_TIME,
                             "operationTime": Timestamp(1700000000, 5)}
    if name in ("insert", "update", "delete"):
        reply["n"] = 1
    if name in ("find", "aggregate"):
        reply["cursor"] = {"id": 0, "ns": "db.c", "firstBatch": [{"_id": 1}]}
    if name == "findAndModify":
        reply["value"] = {"_id": 1}
    return reply


def error_reply(code: int, labels: List[str] = ()) -> Callable[[Any], Any]:
    return lambda command: {"ok": 0.0, "code": code, "errmsg": f"error {code}",
                            "errorLabels": list(labels)}
