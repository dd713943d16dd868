"""A wire-level proxy peer: a replica-set primary of a chosen MongoDB release, in front of
the bundled FerretDB.

FerretDB 1.24 is a standalone without transactions, change streams or fail points (see
:mod:`tests.support.server_gaps`).  The specifications' tests need all three, against a
server that answers exactly as they describe.  The proxy plays that server:

- the handshake of a replica-set primary (``setName``, ``logicalSessionTimeoutMinutes``,
  the ``maxWireVersion`` of the release a test file's ``runOn`` asks for), ``$clusterTime``
  and ``operationTime`` in every reply, from a clock of its own;
- ``configureFailPoint`` (``failCommand``, ``onPrimaryTransactionalWrite``,
  ``failGetMoreAfterCursorCheckout``: :mod:`tests.support.proxy_fail_points`);
- retryable writes, statement by statement (:mod:`tests.support.proxy_writes`);
- transactions (:mod:`tests.support.proxy_transactions`), change streams
  (:mod:`tests.support.proxy_streams`) and snapshot reads, from its own log of changes
  (:mod:`tests.support.proxy_changes`);
- the error labels a 4.0+ server adds (``TransientTransactionError``; from 4.4
  ``RetryableWriteError`` and ``ResumableChangeStreamError``).

As ``role="mongos"`` it plays a mongos of a sharded cluster instead (``msg: "isdbgrid"``);
:meth:`ProxyPeer.add_router` starts another mongos of the same cluster, which shares the
backend, the clock and the transactions but has fail points of its own (``failCommand``
then also fails the handshake, ``isMaster`` / ``hello``).  A transaction belongs to the
mongos that started it: its other commands sent elsewhere fail with NoSuchTransaction;
a commit or abort sent elsewhere recovers the transaction's outcome by the
``recoveryToken`` every reply of a transaction carries (a commit of a transaction nobody
committed then aborts it: NoSuchTransaction).  Errors that ``failCommand`` injects on a
mongos leave the transaction open.

Everything else goes to FerretDB, without the fields FerretDB does not take (``lsid``,
``txnNumber``, ``readConcern`` ...).  A command the proxy fails on with an exception of
its own is answered with an InternalError and kept in ``problems``: a runner fails the
case on it, so a gap in the proxy never passes for a driver bug or for a pass.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bson.binary import Binary
from bson.int64 import Int64
from bson.objectid import ObjectId
from bson.son import SON
from tests.support.proxy_backend import RAW, Backend, host_port
from tests.support.proxy_changes import ChangeLog, Clock
from tests.support.proxy_fail_points import FailPoints
from tests.support.proxy_streams import Streams
from tests.support.proxy_transactions import Transactions
from tests.support.proxy_writes import Writes
from tests.support.wire_peer import CLOSE, WirePeer, hello_reply

Version = Tuple[int, int, int]
HANDSHAKES = frozenset({"isMaster", "ismaster", "hello"})
WRITES = frozenset({"insert", "update", "delete", "findAndModify"})
# What the proxy takes out before a command goes to FerretDB: it keeps sessions,
# transactions and concerns itself, and FerretDB refuses some of these fields.
_NOT_FORWARDED = frozenset({"lsid", "txnNumber", "autocommit", "startTransaction",
                            "$clusterTime", "readConcern", "writeConcern", "$readPreference",
                            "recoveryToken", "apiVersion", "apiStrict",
                            "apiDeprecationErrors", "$db"})
# The server's RetriableError category (retryable writes and reads, transient errors).
RETRYABLE_CODES = frozenset({6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435,
                             13436})
# Transient inside a transaction whatever the command: WriteConflict, LockTimeout,
# PreparedTransactionInProgress, the snapshot errors (SnapshotTooOld, SnapshotUnavailable,
# StaleChunkHistory) and those that need retargeting (StaleShardVersion, StaleEpoch,
# StaleConfig).
_ALWAYS_TRANSIENT = frozenset({112, 24, 267, 239, 246, 249, 63, 150, 13388})
_TRANSIENT_CODES = _ALWAYS_TRANSIENT | {251}
NO_SUCH_TRANSACTION = 251
# Command names a server also takes in another spelling (fail points see the first).
_ALIASES = {"mapreduce": "mapReduce", "findandmodify": "findAndModify",
            "buildinfo": "buildInfo", "ismaster": "isMaster"}
# The code names of the errors the files inject (a server's reply carries its codeName).
CODE_NAMES = {6: "HostUnreachable", 7: "HostNotFound", 24: "LockTimeout", 43: "CursorNotFound",
              50: "MaxTimeMSExpired", 63: "StaleShardVersion", 64: "WriteConcernFailed",
              79: "UnknownReplWriteConcern", 89: "NetworkTimeout", 91: "ShutdownInProgress",
              100: "UnsatisfiableWriteConcern", 112: "WriteConflict", 133:
              "FailedToSatisfyReadPreference", 150: "StaleEpoch", 189: "PrimarySteppedDown",
              216: "ElectionInProgress", 234: "RetryChangeStream", 251: "NoSuchTransaction",
              262: "ExceededTimeLimit", 9001: "SocketException", 10107: "NotWritablePrimary",
              11600: "InterruptedAtShutdown", 11601: "Interrupted",
              11602: "InterruptedDueToReplStateChange", 13435: "NotPrimaryNoSecondaryOk",
              239: "SnapshotTooOld", 246: "SnapshotUnavailable",
              13436: "NotPrimaryOrSecondary"}
# Names of the proxy's own databases (scratch copies); never shown to a client.
PRIVATE_PREFIX = "px"
# What the mongoses of one cluster share (the first one's).
_SHARED = ("backend", "clock", "changes", "writes", "transactions", "streams", "lock",
           "problems", "cursor_dbs", "images")


class ProxyPeer(WirePeer):
    """The proxy for one test case: ``ProxyPeer(server_uri, (4, 4, 0), 9)``."""

    CODEC_OPTIONS = RAW

    def __init__(self, server_uri: str, version: Version, wire: int,
                 role: str = "primary", cluster: Optional[ProxyPeer] = None) -> None:
        super().__init__(self._handle)
        self.server_uri, self.version, self.wire, self.role = server_uri, version, wire, role
        self.fail_points = FailPoints()
        self._connection = threading.local()
        # The mongoses of a cluster, in the first one (which owns what they share).
        self.routers: List[ProxyPeer] = [self] if cluster is None else []
        self._owner = self if cluster is None else cluster
        if cluster is not None:
            for name in _SHARED:
                setattr(self, name, getattr(cluster, name))
            return
        self.backend = Backend(host_port(server_uri))
        self.clock = Clock()
        self.changes = ChangeLog(self.clock)
        self.writes = Writes(self)
        self.transactions = Transactions(self)
        self.streams = Streams(self)
        self.lock = threading.RLock()
        self.problems: List[str] = []
        # Cursors the proxy opened on a scratch database: id -> that database.
        self.cursor_dbs: Dict[int, str] = {}
        # Collections whose changeStreamPreAndPostImages is on (collMod / create, 6.0).
        self.images: Dict[Tuple[str, str], bool] = {}
        self._serial = 0

    def add_router(self) -> ProxyPeer:
        """Start one more mongos of this (mongos) peer's cluster."""
        assert self.mongos and self._owner is self, "only the first mongos adds routers"
        router = ProxyPeer(self.server_uri, self.version, self.wire, "mongos", cluster=self)
        router.__enter__()
        self.routers.append(router)
        return router

    @property
    def mongos(self) -> bool:
        return self.role == "mongos"

    # ------------------------------------------------------------ lifecycle

    def stop(self) -> None:
        import socket

        # Wake the threads blocked in accept() / recv() now rather than at their timeouts.
        for router in self.routers[1:]:
            router.stop()
        for sock in [self._listener, *self._conns]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        super().stop()
        if self._owner is not self:
            return  # a second mongos: the first one owns what they share
        try:
            self.transactions.discard_all()
            self.streams.discard()
        finally:
            self.backend.close()

    @property
    def replica_set(self) -> bool:
        """Sessions, transactions and an oplog: a replica-set primary or a mongos."""
        return self.role in ("primary", "mongos")

    def scratch_name(self, kind: str) -> str:
        owner = self._owner
        with self.lock:
            owner._serial += 1
            return f"{PRIVATE_PREFIX}{kind}{owner.port}_{owner._serial}"

    def hello(self) -> Dict[str, Any]:
        address = f"127.0.0.1:{self.port}"
        if self.mongos:
            return self._decorate(hello_reply("mongos", max_wire_version=self.wire,
                                              logicalSessionTimeoutMinutes=30))
        if not self.replica_set:
            return hello_reply(max_wire_version=self.wire, logicalSessionTimeoutMinutes=30)
        reply = hello_reply("primary", set_name="rs", hosts=[address],
                            max_wire_version=self.wire, logicalSessionTimeoutMinutes=30,
                            primary=address, me=address, setVersion=1,
                            electionId=ObjectId("7fffffff0000000000000001"))
        if self.version >= (4, 4, 0):
            reply["isWritablePrimary"] = True
        return self._decorate(reply)

    # ------------------------------------------------------------ one command

    def _handle(self, name: str, command: Mapping[str, Any]) -> Any:
        if name in HANDSHAKES:
            client = command.get("client") or {}
            self._connection.app_name = (client.get("application") or {}).get("name")
            if self.mongos and (self.fail_points.fail_command(
                    _ALIASES.get(name, name), self._connection.app_name) or {}).get(
                    "closeConnection"):
                return CLOSE
            return self.hello()
        try:
            reply = self._answer(name, command)
        except Exception as exc:  # noqa: BLE001 - reported through problems, not hidden
            self.problems.append(f"{name}: {exc!r}")
            reply = {"ok": 0.0, "code": 1, "codeName": "InternalError",
                     "errmsg": f"the proxy peer failed: {exc!r}"}
        if reply is CLOSE:
            return CLOSE
        if self.mongos and "autocommit" in command:
            reply = dict(reply)
            reply["recoveryToken"] = {"recoveryShardId": "shard0"}
        return self._decorate(reply)

    def _answer(self, name: str, command: Mapping[str, Any]) -> Any:
        if name == "configureFailPoint":
            return self.fail_points.configure(command)
        if name in ("endSessions", "killAllSessions", "refreshSessions"):
            return {"ok": 1.0}
        if name in ("buildInfo", "buildinfo"):
            return self._build_info()
        triggered = self.fail_points.fail_command(_ALIASES.get(name, name),
                                                  getattr(self._connection, "app_name", None))
        concern_error = None
        if triggered is not None:
            if triggered.get("blockConnection"):
                time.sleep(triggered.get("blockTimeMS", 0) / 1000)
            if triggered.get("closeConnection"):
                return CLOSE
            if "errorCode" in triggered:
                return self._injected_error(name, command, triggered)
            concern_error = triggered.get("writeConcernError")
        reply = self._execute(name, command)
        if reply is CLOSE:
            return CLOSE
        reply = dict(reply)
        if concern_error is None and reply.get("ok") == 1:
            concern_error = self._unmet_write_concern(name, command)
        if concern_error is not None:
            reply["writeConcernError"] = dict(concern_error)
            if triggered is not None and "errorLabels" in triggered:
                reply["errorLabels"] = list(triggered["errorLabels"])
                return reply
        self._add_labels(name, command, reply)
        return reply

    def _unmet_write_concern(self, name: str, command: Mapping[str, Any]
                             ) -> Optional[Dict[str, Any]]:
        """The writeConcernError of a one-member replica set: no w above 1, no tags."""
        w = (command.get("writeConcern") or {}).get("w")
        if not self.replica_set or "autocommit" in command and name not in (
                "commitTransaction", "abortTransaction"):
            return None
        if isinstance(w, int) and not isinstance(w, bool) and w > 1:
            return {"code": 100, "codeName": "UnsatisfiableWriteConcern",
                    "errmsg": "Not enough data-bearing nodes"}
        if isinstance(w, str) and w != "majority":
            return {"code": 79, "codeName": "UnknownReplWriteConcern",
                    "errmsg": f"No write concern mode named '{w}' found in replica set "
                              f"configuration"}
        return None

    def _injected_error(self, name: str, command: Mapping[str, Any],
                        data: Mapping[str, Any]) -> Dict[str, Any]:
        code = data["errorCode"]
        reply: Dict[str, Any] = {"ok": 0.0, "code": code,
                                 "errmsg": f"Failing command {name} via 'failCommand' "
                                           f"failpoint"}
        if code in CODE_NAMES:
            reply["codeName"] = CODE_NAMES[code]
        if "errorLabels" in data:
            reply["errorLabels"] = list(data["errorLabels"])
        else:
            self._add_labels(name, command, reply)
        if not self.mongos:  # a mongos fails the command before its shards see it
            with self.lock:
                self.transactions.on_error(name, command)
        return reply

    def _execute(self, name: str, command: Mapping[str, Any]) -> Any:
        db = command.get("$db", "admin")
        if name == "getMore" and self.streams.owns(command["getMore"]):
            return self.streams.get_more(command)  # waits for changes without the lock
        with self.lock:
            return self._execute_locked(name, command, db)

    def _execute_locked(self, name: str, command: Mapping[str, Any], db: str) -> Any:
        lsid = command.get("lsid")
        txn_number = command.get("txnNumber")
        if (txn_number is not None or "autocommit" in command) and not self.replica_set:
            return error(20, "IllegalOperation", "Transaction numbers are only allowed on "
                         "a replica set member or mongos")
        router = self.port if self.mongos else None
        if name in ("commitTransaction", "abortTransaction"):
            return self.transactions.finish(name, command, lsid, txn_number, router)
        if "autocommit" in command:
            return self.transactions.run(name, command, db, lsid, txn_number, router)
        if (command.get("readConcern") or {}).get("level") == "snapshot":
            return self.streams.snapshot_read(name, command, db)
        if name in WRITES:
            retry_key = (bytes(lsid["id"]), int(txn_number)) \
                if lsid is not None and txn_number is not None else None
            return self.writes.run(name, command, db, db, retry_key, None)
        if name == "aggregate" and self.streams.is_change_stream(command):
            return self.streams.open(command, db)
        if name == "killCursors":
            return self.streams.kill(command, db)
        if name == "getMore":
            return self.forward(self.cursor_dbs.get(int(command["getMore"]), db), command,
                                rename_db=db)
        if name in ("drop", "dropDatabase", "renameCollection"):
            return self._collection_event(name, command, db)
        if name in ("collMod", "create") and "changeStreamPreAndPostImages" in command:
            # FerretDB has neither the option nor collMod: the proxy keeps the flag.
            command = dict(command)
            option = command.pop("changeStreamPreAndPostImages")
            self.images[(db, command[name])] = bool(option.get("enabled"))
            if name == "collMod" and set(command) <= {"collMod", "$db", "lsid",
                                                      "$clusterTime", "writeConcern"}:
                return {"ok": 1.0}
        reply = self.forward(db, command)
        if name == "listDatabases" and reply.get("ok") == 1:
            reply["databases"] = [d for d in reply.get("databases", [])
                                  if not d["name"].startswith(PRIVATE_PREFIX)]
        return reply

    # ------------------------------------------------------------ forwarding

    def forwarded(self, command: Mapping[str, Any]) -> SON:
        """``command`` without what FerretDB must not see."""
        out = SON((k, v) for k, v in command.items() if k not in _NOT_FORWARDED)
        if "getMore" in out:
            out.pop("maxTimeMS", None)  # a getMore's await time: for tailable cursors only
        return out

    def forward(self, backend_db: str, command: Mapping[str, Any],
                rename_db: Optional[str] = None) -> Dict[str, Any]:
        """Run ``command`` on ``backend_db``; a cursor's namespace names ``rename_db``
        instead (a scratch database stays the proxy's secret)."""
        reply = self.backend.command(backend_db, self.forwarded(command))
        cursor = reply.get("cursor")
        if isinstance(cursor, Mapping) and rename_db and rename_db != backend_db:
            cursor = dict(cursor)
            ns = str(cursor.get("ns", ""))
            cursor["ns"] = rename_db + ns[len(backend_db):] if ns.startswith(backend_db) else ns
            if cursor.get("id"):
                self.cursor_dbs[int(cursor["id"])] = backend_db
            reply["cursor"] = cursor
        return reply

    def _collection_event(self, name: str, command: Mapping[str, Any], db: str) -> Any:
        if name == "dropDatabase":
            names = self.backend.collection_names(db)
            reply = self.forward(db, command)
            if reply.get("ok") == 1:
                for coll in names:
                    self.changes.collection(db, coll, "drop")
                self.changes.collection(db, None, "dropDatabase")
            return reply
        if name == "drop":
            existed = command["drop"] in self.backend.collection_names(db)
            reply = self.forward(db, command)
            if reply.get("ok") == 1 and existed:
                self.changes.collection(db, command["drop"], "drop")
            return reply
        source_db, _, source = command["renameCollection"].partition(".")
        target_db, _, target = command["to"].partition(".")
        dropped = command.get("dropTarget") and target in self.backend.collection_names(
            target_db)
        reply = self.forward(db, command)
        if reply.get("ok") == 1:
            if dropped:
                self.changes.collection(target_db, target, "drop")
            self.changes.collection(source_db, source, "rename", to=(target_db, target))
        return reply

    # ------------------------------------------------------------ replies

    def _build_info(self) -> Dict[str, Any]:
        text = ".".join(str(p) for p in self.version)
        return {"version": text, "versionArray": [*self.version, 0], "maxBsonObjectSize":
                16 * 1024 * 1024, "ok": 1.0}

    def _decorate(self, reply: Mapping[str, Any]) -> Dict[str, Any]:
        reply = dict(reply)
        if self.replica_set:
            now = self.clock.tick()
            reply["$clusterTime"] = SON([("clusterTime", now), ("signature", SON([
                ("hash", Binary(b"\x00" * 20, 0)), ("keyId", Int64(0))]))])
            if self.version >= (3, 6, 0) and "ismaster" not in reply:
                reply["operationTime"] = now
        return reply

    def _add_labels(self, name: str, command: Mapping[str, Any],
                    reply: Dict[str, Any]) -> None:
        code = reply.get("code") if reply.get("ok") != 1 else None
        concern = reply.get("writeConcernError")
        labels = list(reply.get("errorLabels") or [])
        for label in server_labels(name, command, code,
                                   concern.get("code") if concern else None, self.version):
            if label not in labels:
                labels.append(label)
        if labels:
            reply["errorLabels"] = labels


def error(code: int, code_name: str, message: str, **extra: Any) -> Dict[str, Any]:
    return {"ok": 0.0, "code": code, "codeName": code_name, "errmsg": message, **extra}


def server_labels(name: str, command: Mapping[str, Any], code: Optional[int],
                  concern_code: Optional[int], version: Version) -> List[str]:
    """The labels a server of ``version`` gives an error reply (none before 4.0)."""
    labels: List[str] = []
    if version < (4, 0, 0):
        return labels
    in_transaction = "txnNumber" in command and "autocommit" in command
    finishing = name in ("commitTransaction", "abortTransaction")
    if code is not None and in_transaction:
        if finishing:
            transient = code in _ALWAYS_TRANSIENT or \
                (code == NO_SUCH_TRANSACTION and concern_code is None)
        else:
            transient = code in _TRANSIENT_CODES or code in RETRYABLE_CODES
        if transient:
            labels.append("TransientTransactionError")
    if version >= (4, 4, 0):
        retryable_write = "txnNumber" in command and "autocommit" not in command
        if retryable_write or (in_transaction and finishing):
            if code in RETRYABLE_CODES or concern_code in RETRYABLE_CODES:
                labels.append("RetryableWriteError")
    return labels
