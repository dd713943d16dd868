"""Write commands as the proxy peer runs them: one statement at a time.

A MongoDB replica set executes a write command statement by statement, and the
retryable writes specification leans on that: each statement of a retryable write
(``lsid`` + ``txnNumber``) runs at most once, however often the command is sent, and the
``onPrimaryTransactionalWrite`` fail point fires per statement.  So the proxy sends the
server behind it one single-statement command per statement, remembers what each
statement of a retryable write returned, and answers a retry from that memory.

Each statement also leaves its changes in the change log (the documents before and after,
found with a query before and after the statement): change streams, transactions' write
conflicts and snapshot reads are built from them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, MutableMapping, Optional, Tuple

from bson.son import SON
from tests.support.proxy_changes import _key
from tests.support.wire_peer import CLOSE

# Statement-level results of retryable writes: (lsid, txnNumber) -> statement -> result.
Executed = Dict[Tuple[bytes, int], Dict[int, Dict[str, Any]]]
_KEYS = {"insert": "documents", "update": "updates", "delete": "deletes"}


class StatementFailed(Exception):
    """A statement the proxy refuses before running it (a write conflict in a transaction)."""

    def __init__(self, reply: Mapping[str, Any]) -> None:
        super().__init__(reply.get("errmsg"))
        self.reply = dict(reply)


def is_replacement(update: Any) -> bool:
    return isinstance(update, Mapping) and not any(str(k).startswith("$") for k in update)


class Writes:
    """Runs insert / update / delete / findAndModify for one proxy peer."""

    def __init__(self, peer: Any) -> None:
        self.peer = peer
        self.executed: Executed = {}

    # ------------------------------------------------------------ entry point

    def run(self, name: str, command: Mapping[str, Any], db: str, backend_db: str,
            retry_key: Optional[Tuple[bytes, int]], context: Any) -> Any:
        """The reply to write command ``name``; ``backend_db`` is where the data lives
        (the database itself, or a transaction's scratch copy); ``context`` is the
        transaction (None outside one)."""
        done = self.executed.setdefault(retry_key, {}) if retry_key else {}
        if name == "findAndModify":
            return self._find_and_modify(command, db, backend_db, retry_key, done, context)
        statements = command.get(_KEYS[name]) or []
        ordered = command.get("ordered", True)
        results: List[Tuple[int, Dict[str, Any]]] = []
        errors: List[Dict[str, Any]] = []
        for index, statement in enumerate(statements):
            if index in done:
                results.append((index, done[index]))
                continue
            result, error, close = self._statement(name, command, statement, db, backend_db,
                                                   retry_key, context)
            if result is not None and retry_key:
                done[index] = result  # before a close: the statement did run
            if close:
                return CLOSE
            if error is not None:
                error["index"] = index
                errors.append(error)
                if ordered:
                    break
                continue
            results.append((index, result))
        return _reply(name, results, errors)

    # ------------------------------------------------------------ one statement

    def _fail_point(self, retry_key: Any) -> Optional[Dict[str, Any]]:
        if retry_key is None:
            return None  # the fail point fires on retryable writes only
        return self.peer.fail_points.transactional_write()

    def _statement(self, name: str, command: Mapping[str, Any], statement: Any, db: str,
                   backend_db: str, retry_key: Any, context: Any) -> Any:
        coll = command[name]
        triggered = self._fail_point(retry_key)
        closing = triggered is not None and triggered.get("closeConnection", True)
        if triggered is not None and "failBeforeCommitExceptionCode" in triggered:
            return None, {"code": triggered["failBeforeCommitExceptionCode"],
                          "errmsg": "failBeforeCommitExceptionCode"}, closing
        before = self._before(name, coll, statement, backend_db)
        if context is not None:
            keys = [d["_id"] for d in before]
            if name == "insert" and isinstance(statement, Mapping) and "_id" in statement:
                keys.append(statement["_id"])
            context.claim(db, coll, keys)
        single = SON([(name, coll), (_KEYS[name], [statement]), ("ordered", True)])
        for option in ("bypassDocumentValidation", "let", "comment"):
            if option in command:
                single[option] = command[option]
        reply = self.peer.backend.command(backend_db, single)
        if reply.get("ok") != 1:
            return None, {"code": reply.get("code", 8), "codeName": reply.get("codeName"),
                          "errmsg": reply.get("errmsg", "")}, closing
        errors = reply.get("writeErrors") or []
        if errors:
            return None, dict(errors[0]), closing
        result = {"n": reply.get("n", 0)}
        if name == "update":
            result["nModified"] = reply.get("nModified", 0)
            upserted = reply.get("upserted") or []
            if upserted:
                result["upserted"] = upserted[0]["_id"]
        if context is None:  # a transaction's changes are logged when it commits
            self._record(name, coll, statement, before, result, db, backend_db)
        return result, None, closing

    def _before(self, name: str, coll: str, statement: Any, backend_db: str) -> List[Any]:
        """The documents the statement is about to change."""
        if name == "insert":
            return []
        query = statement.get("q", {})
        single = not statement.get("multi") if name == "update" else statement.get("limit") == 1
        return self.peer.backend.documents(backend_db, coll, query, limit=1 if single else 0)

    def _record(self, name: str, coll: str, statement: Any, before: List[Any],
                result: Mapping[str, Any], db: str, backend_db: str) -> None:
        changes = self.peer.changes
        if name == "insert":
            changes.document(db, coll, None, dict(statement), "insert")
            return
        if name == "delete":
            for doc in before[: result["n"]]:
                changes.document(db, coll, doc, None, "delete")
            return
        kind = "replace" if is_replacement(statement.get("u")) else "update"
        ids = [d["_id"] for d in before]
        if "upserted" in result:
            ids.append(result["upserted"])
        after = {_key(d["_id"]): d for d in self._by_ids(backend_db, coll, ids)}
        for doc in before:
            post = after.get(_key(doc["_id"]))
            if post is not None and post != doc:
                changes.document(db, coll, doc, post, kind)
        if "upserted" in result:
            post = after.get(_key(result["upserted"]))
            if post is not None:
                changes.document(db, coll, None, post, "insert")

    def _by_ids(self, backend_db: str, coll: str, ids: List[Any]) -> List[Any]:
        if not ids:
            return []
        return self.peer.backend.documents(backend_db, coll, {"_id": {"$in": ids}})

    # ------------------------------------------------------------ findAndModify

    def _find_and_modify(self, command: Mapping[str, Any], db: str, backend_db: str,
                         retry_key: Any, done: MutableMapping[int, Any], context: Any) -> Any:
        if 0 in done:
            return dict(done[0])
        coll = command["findAndModify"]
        triggered = self._fail_point(retry_key)
        if triggered is not None and "failBeforeCommitExceptionCode" in triggered:
            return CLOSE if triggered.get("closeConnection", True) else {
                "ok": 0.0, "code": triggered["failBeforeCommitExceptionCode"],
                "errmsg": "failBeforeCommitExceptionCode"}
        before = self.peer.backend.documents(backend_db, coll, command.get("query") or {},
                                             sort=command.get("sort"), limit=1)
        if context is not None:
            context.claim(db, coll, [d["_id"] for d in before])
        reply = self.peer.backend.command(backend_db, self.peer.forwarded(command))
        if reply.get("ok") == 1 and context is None:
            last = reply.get("lastErrorObject") or {}
            if command.get("remove"):
                for doc in before[: last.get("n", 0)]:
                    self.peer.changes.document(db, coll, doc, None, "delete")
            else:
                kind = "replace" if is_replacement(command.get("update")) else "update"
                ids = [d["_id"] for d in before]
                if "upserted" in last:
                    ids.append(last["upserted"])
                for post in self._by_ids(backend_db, coll, ids):
                    pre = next((d for d in before if d["_id"] == post["_id"]), None)
                    if pre != post:
                        self.peer.changes.document(db, coll, pre, post,
                                                   kind if pre else "insert")
        if reply.get("ok") == 1 and retry_key:
            done[0] = reply
        if triggered is not None and triggered.get("closeConnection", True):
            return CLOSE
        return reply


def _reply(name: str, results: List[Tuple[int, Mapping[str, Any]]],
           errors: List[Dict[str, Any]]) -> Dict[str, Any]:
    reply: Dict[str, Any] = {"n": sum(r["n"] for _, r in results)}
    if name == "update":
        reply["nModified"] = sum(r.get("nModified", 0) for _, r in results)
        upserted = [{"index": i, "_id": r["upserted"]} for i, r in results if "upserted" in r]
        if upserted:
            reply["upserted"] = upserted
    if errors:
        reply["writeErrors"] = errors
    reply["ok"] = 1.0
    return reply
