"""Transactions as the proxy peer runs them: a scratch copy per transaction.

A transaction (``lsid`` + ``txnNumber``, opened by ``startTransaction``) works on scratch
databases of its own: the first time it touches a collection the proxy copies that
collection's documents there, and every command of the transaction runs on the copy.
So a transaction reads its own writes and nobody else's (the copy is its snapshot), and
nobody else reads its writes until it commits.  ``commitTransaction`` applies the
difference between the copy and the documents copied (inserts, replacements, deletes)
to the real collections, replays the transaction's ``create`` / ``createIndexes``, and
logs the changes (with the transaction's ``lsid`` and ``txnNumber``);
``abortTransaction`` drops the copies.

As a server does: two open transactions writing the same document conflict
(WriteConflict, and the later one is aborted), any error inside a transaction aborts it,
and commands a transaction may not run are refused with OperationNotSupportedInTransaction.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from bson.son import SON
from tests.support.proxy_changes import _key
from tests.support.proxy_writes import StatementFailed
from tests.support.wire_peer import CLOSE

# What a transaction may run (MongoDB 4.4 also lets it create collections and indexes).
_ALLOWED = frozenset({"find", "getMore", "killCursors", "aggregate", "distinct", "insert",
                      "update", "delete", "findAndModify"})
_ALLOWED_44 = frozenset({"create", "createIndexes"})
_READS = frozenset({"find", "aggregate", "distinct"})
_WRITES = frozenset({"insert", "update", "delete", "findAndModify"})


def _error(code: int, code_name: str, message: str) -> Dict[str, Any]:
    return {"ok": 0.0, "code": code, "codeName": code_name, "errmsg": message}


def no_such_transaction(number: Any) -> Dict[str, Any]:
    return _error(251, "NoSuchTransaction", f"Transaction with {{ txnNumber: {number} }} has "
                  f"been aborted.")


class Transaction:
    """One transaction's scratch databases, what it copied, and what it wrote."""

    def __init__(self, owner: Transactions, lsid: Any, number: int,
                 router: Optional[int] = None) -> None:
        self.owner, self.lsid, self.number = owner, lsid, number
        self.router = router  # the mongos (its port) that started it; None: not sharded
        self.state = "in progress"
        self.scratch: Dict[str, str] = {}                 # real db -> scratch db
        self.copied: Dict[Tuple[str, str], Dict[bytes, Any]] = {}
        self.keys: Set[Tuple[str, str, bytes]] = set()    # documents written
        self.ddl: List[Tuple[str, Mapping[str, Any]]] = []

    @property
    def peer(self) -> Any:
        return self.owner.peer

    def scratch_db(self, db: str) -> str:
        if db not in self.scratch:
            self.scratch[db] = self.peer.scratch_name("txn")
        return self.scratch[db]

    def touch(self, db: str, coll: str) -> None:
        """Copy ``db.coll`` into the scratch database on first use (its snapshot)."""
        if (db, coll) in self.copied:
            return
        backend = self.peer.backend
        docs = backend.documents(db, coll) if coll in backend.collection_names(db) else None
        self.copied[(db, coll)] = {_key(d["_id"]): d for d in docs or []}
        if docs is None:
            return
        target = self.scratch_db(db)
        backend.checked(target, {"create": coll})
        if docs:
            backend.checked(target, SON([("insert", coll), ("documents", docs)]))

    def claim(self, db: str, coll: str, ids: List[Any]) -> None:
        """Record documents this transaction writes; another open transaction that
        wrote one of them makes this write a WriteConflict."""
        keys = {(db, coll, _key(i)) for i in ids}
        for other in self.owner.open():
            if other is not self and other.keys & keys:
                raise StatementFailed(_error(
                    112, "WriteConflict", "WriteConflict error: this operation conflicted "
                    "with another operation. Please retry your operation or multi-document "
                    "transaction."))
        self.keys |= keys

    def drop(self) -> None:
        for scratch in self.scratch.values():
            self.peer.backend.drop_database(scratch)
        self.scratch.clear()

    def abort(self) -> None:
        if self.state == "in progress":
            self.drop()
        self.state = "aborted"

    def commit(self) -> None:
        backend, changes = self.peer.backend, self.peer.changes
        for db, command in self.ddl:
            backend.command(db, command)  # a collection that exists by now stays as it is
        txn = (self.lsid, self.number)
        for (db, coll), before in self.copied.items():
            if db not in self.scratch:
                continue
            after = {_key(d["_id"]): d for d in backend.documents(self.scratch[db], coll)}
            for key, doc in after.items():
                old = before.get(key)
                if old is None:
                    backend.checked(db, SON([("insert", coll), ("documents", [doc])]))
                    changes.document(db, coll, None, doc, "insert", txn)
                elif old != doc:
                    statement = {"q": {"_id": doc["_id"]}, "u": doc}
                    backend.checked(db, SON([("update", coll), ("updates", [statement])]))
                    changes.document(db, coll, old, doc, "update", txn)
            for key, old in before.items():
                if key not in after:
                    statement = {"q": {"_id": old["_id"]}, "limit": 1}
                    backend.checked(db, SON([("delete", coll), ("deletes", [statement])]))
                    changes.document(db, coll, old, None, "delete", txn)
        self.drop()
        self.state = "committed"


class Transactions:
    """The transactions of one proxy peer, one per logical session (called under the
    peer's lock)."""

    def __init__(self, peer: Any) -> None:
        self.peer = peer
        self.by_session: Dict[bytes, Transaction] = {}

    def open(self) -> List[Transaction]:
        return [t for t in self.by_session.values() if t.state == "in progress"]

    def discard_all(self) -> None:
        for transaction in self.open():
            transaction.abort()

    def on_error(self, name: str, command: Mapping[str, Any]) -> None:
        """A command of a transaction failed: the server aborts the transaction."""
        if "autocommit" not in command or name in ("commitTransaction", "abortTransaction"):
            return
        current = self.by_session.get(bytes(command["lsid"]["id"]))
        if current is not None and current.number == command.get("txnNumber"):
            current.abort()

    # ------------------------------------------------------------ commands in a transaction

    def run(self, name: str, command: Mapping[str, Any], db: str, lsid: Any,
            number: Any, router: Optional[int] = None) -> Any:
        """One command of a transaction; ``router``: the mongos it came through."""
        session = bytes(lsid["id"])
        current = self.by_session.get(session)
        if command.get("startTransaction"):
            if current is not None and current.number >= number:
                return _error(225, "TransactionTooOld", f"txnNumber {number} is less than "
                              f"or equal to the last one used, {current.number}")
            if current is not None:
                current.abort()
            current = self.by_session[session] = Transaction(self, lsid, number, router)
        elif current is None or current.number != number or current.state != "in progress" \
                or current.router != router:
            return no_such_transaction(number)  # (or it runs on another mongos)
        allowed = _ALLOWED | (_ALLOWED_44 if self.peer.version >= (4, 4, 0) else frozenset())
        if name not in allowed:
            current.abort()
            return _error(263, "OperationNotSupportedInTransaction",
                          f"Cannot run '{name}' in a multi-document transaction.")
        try:
            reply = self._in_transaction(current, name, command, db)
        except StatementFailed as failed:
            current.abort()
            return failed.reply
        if reply is CLOSE:
            return CLOSE
        if reply.get("ok") != 1 or reply.get("writeErrors"):
            current.abort()
        return reply

    def _in_transaction(self, current: Transaction, name: str, command: Mapping[str, Any],
                        db: str) -> Any:
        peer = self.peer
        if name in ("getMore", "killCursors"):
            cursor = command.get("getMore") or (command.get("cursors") or [0])[0]
            return peer.forward(peer.cursor_dbs.get(int(cursor), db), command, rename_db=db)
        coll = command[name]
        if name == "create":
            current.scratch_db(db)
            current.copied.setdefault((db, coll), {})
            current.ddl.append((db, peer.forwarded(command)))
            return peer.forward(current.scratch_db(db), command, rename_db=db)
        current.touch(db, coll)
        if name == "createIndexes":
            current.ddl.append((db, peer.forwarded(command)))
        if name in _WRITES:
            return peer.writes.run(name, command, db, current.scratch_db(db), None, current)
        return peer.forward(current.scratch_db(db), command, rename_db=db)

    # ------------------------------------------------------------ commit and abort

    def finish(self, name: str, command: Mapping[str, Any], lsid: Any, number: Any,
               router: Optional[int] = None) -> Any:
        current = self.by_session.get(bytes(lsid["id"])) if lsid else None
        if current is None or current.number != number:
            return no_such_transaction(number)
        if current.router != router:
            # Another mongos: it learns the outcome from the recoveryToken, and a commit
            # nobody decided yet is aborted.
            if "recoveryToken" not in command:
                return no_such_transaction(number)
            if name == "commitTransaction" and current.state == "in progress":
                current.abort()
                return no_such_transaction(number)
        if name == "commitTransaction":
            if current.state == "aborted":
                return no_such_transaction(number)
            if current.state == "in progress":
                current.commit()
            return {"ok": 1.0}
        if current.state == "committed":
            return _error(256, "TransactionCommitted", f"Transaction with {{ txnNumber: "
                          f"{number} }} has been committed.")
        if current.state == "aborted":
            return no_such_transaction(number)
        current.abort()
        return {"ok": 1.0}


def session_of(command: Mapping[str, Any]) -> Optional[bytes]:
    lsid = command.get("lsid")
    return bytes(lsid["id"]) if lsid else None
