"""The scripted wire peer playing an old MongoDB release, for the spec runners.

A file whose ``runOn`` only old servers satisfy (``maxServerVersion`` 3.x/4.0/4.2) expects
what the driver does against such a server.  :func:`release_for` picks the newest
release the peer can play that satisfies it.  :class:`OldServer` answers as that release
does, holding no data, to the commands the CRUD v2 files send: a server refuses an
option it does not know yet (``hint``, ``allowDiskUse``), and replies are shaped as that
release shaped them.  Anything it does not model closes the connection and is recorded.
"""
from __future__ import annotations

import struct
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import bson
from tests.support.wire_peer import CLOSE, HEADER, OP_QUERY, OP_REPLY, WirePeer, hello_reply

Version = Tuple[int, int, int]


def version_tuple(text: str) -> Version:
    """``"4.1.11"`` -> ``(4, 1, 11)``; ``"3.2"`` -> ``(3, 2, 0)``."""
    parts = [int(p) for p in text.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


# Releases the wire peer plays, newest first: (version, maxWireVersion).
RELEASES: List[Tuple[Version, int]] = [
    ((4, 4, 0), 9), ((4, 2, 0), 8), ((4, 0, 0), 7), ((3, 6, 0), 6), ((3, 4, 0), 5),
    ((3, 2, 0), 4), ((3, 0, 0), 3)]


def satisfies(entry: Mapping[str, Any], version: Version, topology: str) -> bool:
    low, high = entry.get("minServerVersion"), entry.get("maxServerVersion")
    if low and version < version_tuple(low):
        return False
    if high and version > version_tuple(high):
        return False
    return topology in entry.get("topology", [topology])


class Target:
    """Where a case runs: the test server, or the peer as ``version`` in ``role``."""

    def __init__(self, version: Optional[Version] = None, wire: int = 0,
                 role: str = "standalone") -> None:
        self.version, self.wire, self.role = version, wire, role

    @property
    def on_peer(self) -> bool:
        return self.version is not None

    def __str__(self) -> str:
        if not self.on_peer:
            return "the test server"
        shown = ".".join(str(p) for p in self.version[:2])
        role = "" if self.role == "standalone" else " replica-set primary"
        return f"the wire peer as MongoDB {shown}{role}"


def release_for(run_on: Sequence[Mapping[str, Any]]) -> Optional[Target]:
    """The newest release the peer plays that satisfies one ``runOn`` entry (standalone
    if the entry allows it, else a replica-set primary), or None."""
    for version, wire in RELEASES:
        for entry in run_on:
            for topology, role in (("single", "standalone"), ("replicaset", "primary")):
                if satisfies(entry, version, topology):
                    return Target(version, wire, role)
    return None


# ---------------------------------------------------------------- the answers of a release


def _idl_unknown(path: str) -> Dict[str, Any]:
    # MongoDB 3.6+ parses write commands through IDL; an unknown field fails with 40415.
    return {"ok": 0.0, "errmsg": f"BSON field '{path}' is an unknown field.", "code": 40415,
            "codeName": "Location40415"}


_READ_CONCERN_LEVELS = ("local", "majority", "linearizable", "available", "snapshot")
_WRITES = ("insert", "update", "delete", "findAndModify")


class OldServer:
    """The answers of one MongoDB release, holding no data, to the commands of these files.

    Only what the files send is modelled.  Anything else closes the connection and is kept
    in ``unmodelled``, which fails the case: a made-up answer could hide a wrong command.
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        self.accepted_writes: List[str] = []
        self.unmodelled: List[Dict[str, Any]] = []
        self.address = ""

    def hello(self) -> Dict[str, Any]:
        if self.target.role == "primary":
            return hello_reply("primary", set_name="rs", hosts=[self.address],
                               max_wire_version=self.target.wire)
        return hello_reply(max_wire_version=self.target.wire)

    def answer(self, name: str, command: Mapping[str, Any]) -> Any:
        if name in ("isMaster", "ismaster", "hello"):
            return self.hello()
        reply = self._answer(name, command)
        if reply is None:
            self.unmodelled.append(dict(command))
            return CLOSE
        if reply is not EMPTY_BATCH and reply.get("ok") == 1.0 and (
                name in _WRITES or (name == "aggregate" and writing_stage(command["pipeline"]))):
            self.accepted_writes.append(name)
        return reply

    def _answer(self, name: str, command: Mapping[str, Any]) -> Any:
        version = self.target.version
        if name == "legacy_query":
            return EMPTY_BATCH  # a pre-3.2 query on a collection: nothing there
        if name == "find" and version >= (3, 2, 0):
            # The find command (3.2+) refused fields it did not know until 4.4 took
            # allowDiskUse.
            if "allowDiskUse" in command and version < (4, 4, 0):
                return {"ok": 0.0, "errmsg": f"Failed to parse: {_shell(command)}. "
                        f"Unrecognized field 'allowDiskUse'.", "code": 9,
                        "codeName": "FailedToParse"}
            return _cursor(command, "find")
        if name in ("update", "delete"):
            statements = command["updates" if name == "update" else "deletes"]
            knows_hint = (4, 2, 0) if name == "update" else (4, 4, 0)
            if any("hint" in s for s in statements) and version < knows_hint:
                if version < (3, 6, 0):
                    return None  # 3.4 refused it too, before IDL: its words are not modelled
                key = "updates" if name == "update" else "deletes"
                return _idl_unknown(f"{name}.{key}.hint")
            reply = {"ok": 1.0, "n": 0}
            if name == "update":
                reply["nModified"] = 0
            return reply
        if name == "findAndModify":
            # 4.2 refused unknown findAndModify fields (51177); 4.4 took hint; older
            # releases ignored what they did not know.
            if "hint" in command and (4, 2, 0) <= version < (4, 4, 0):
                return {"ok": 0.0, "errmsg": "BSON field 'hint' is an unknown field.",
                        "code": 51177, "codeName": "Location51177"}
            return {"ok": 1.0, "value": None,
                    "lastErrorObject": {"n": 0, "updatedExisting": False}}
        if name == "aggregate" and version >= (4, 2, 0):
            return self._aggregate(command)
        return None

    @staticmethod
    def _aggregate(command: Mapping[str, Any]) -> Dict[str, Any]:
        level = (command.get("readConcern") or {}).get("level")
        if level is not None and level not in _READ_CONCERN_LEVELS:
            return {"ok": 0.0, "errmsg": "readConcern.level must be either 'local', "
                    "'majority', 'linearizable', 'available', or 'snapshot'", "code": 9,
                    "codeName": "FailedToParse"}
        stage = writing_stage(command["pipeline"])
        if stage and level == "linearizable":
            return {"ok": 0.0, "errmsg": f"{stage} cannot be used with a 'linearizable' read "
                    f"concern level", "code": 72, "codeName": "InvalidOptions"}
        # $out/$merge return no documents; without data any other pipeline has none either.
        return _cursor(command, "aggregate")


def writing_stage(pipeline: Sequence[Any]) -> Optional[str]:
    last = pipeline[-1] if pipeline else {}
    return next((stage for stage in ("$out", "$merge") if stage in last), None)


def _cursor(command: Mapping[str, Any], name: str) -> Dict[str, Any]:
    return {"ok": 1.0, "cursor": {"id": bson.int64.Int64(0), "firstBatch": [],
                                  "ns": f"{command.get('$db', 'db')}.{command[name]}"}}


def _shell(command: Mapping[str, Any]) -> str:
    """A command as the server's messages print it, ``{ find: "c", ... }``."""
    body = ", ".join(f"{key}: {value!r}" for key, value in command.items())
    return "{ " + body + " }"


# An OP_REPLY carrying no documents: a pre-3.2 server's answer to a query on no data.
EMPTY_BATCH = object()


class LegacyQueryPeer(WirePeer):
    """The wire peer, also taking pre-3.2 queries on a collection (OP_QUERY, not ``$cmd``)."""

    @staticmethod
    def _parse(opcode: int, body: bytes) -> Tuple[Dict[str, Any], bool]:
        if opcode == OP_QUERY:
            end = body.index(b"\x00", 4)
            namespace = body[4:end].decode()
            if not namespace.endswith(".$cmd"):
                spec = bson.decode_all(body[end + 9:])[0]
                return {"legacy_query": namespace, "spec": spec}, False
        return WirePeer._parse(opcode, body)

    @staticmethod
    def _reply(opcode: int, request_id: int, reply: Any) -> bytes:
        if reply is EMPTY_BATCH:
            body = struct.pack("<iqii", 0, 0, 0, 0)
            return HEADER.pack(16 + len(body), 1, request_id, OP_REPLY) + body
        return WirePeer._reply(opcode, request_id, reply)
