"""The proxy peer's oplog: every change it made, in order, with its cluster time.

Each write statement the proxy runs leaves the documents before and after it here, and
each drop / rename / dropDatabase a collection-level entry.  From this log the proxy
answers change streams (:mod:`tests.support.proxy_streams`) and snapshot reads: the data
as of a cluster time is today's data with the later changes undone, put in a scratch
database where the read then runs.
"""
from __future__ import annotations

import datetime
import threading
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bson.son import SON
from bson.timestamp import Timestamp


class Clock:
    """The cluster time: one tick per write and per reply, never going back."""

    def __init__(self) -> None:
        import time

        self._seconds = int(time.time())
        self._increment = 0
        self._lock = threading.Lock()

    def tick(self) -> Timestamp:
        with self._lock:
            self._increment += 1
            return Timestamp(self._seconds, self._increment)

    def now(self) -> Timestamp:
        with self._lock:
            return Timestamp(self._seconds, self._increment)


class Change:
    """One oplog entry: a document change (``pre`` / ``post``) or a collection event."""

    __slots__ = ("seq", "ts", "wall", "db", "coll", "op", "pre", "post", "to", "txn")

    def __init__(self, seq: int, ts: Timestamp, db: str, coll: Optional[str], op: str,
                 pre: Any = None, post: Any = None, to: Any = None, txn: Any = None) -> None:
        self.seq, self.ts, self.db, self.coll, self.op = seq, ts, db, coll, op
        self.wall = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        self.pre, self.post, self.to, self.txn = pre, post, to, txn

    @property
    def document_id(self) -> Any:
        return (self.post if self.post is not None else self.pre)["_id"]


class ChangeLog:
    """The ordered changes of one proxy peer (appended under the peer's lock)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.entries: List[Change] = []
        self.grew = threading.Condition()

    @property
    def last_seq(self) -> int:
        return len(self.entries)

    def _append(self, db: str, coll: Optional[str], op: str, **fields: Any) -> Change:
        entry = Change(len(self.entries) + 1, self.clock.tick(), db, coll, op, **fields)
        with self.grew:
            self.entries.append(entry)
            self.grew.notify_all()
        return entry

    def document(self, db: str, coll: str, pre: Any, post: Any, op: str,
                 txn: Optional[Tuple[Any, Any]] = None) -> Change:
        """A document inserted (pre None), deleted (post None), updated or replaced."""
        return self._append(db, coll, op, pre=pre, post=post, txn=txn)

    def collection(self, db: str, coll: Optional[str], op: str, to: Any = None) -> Change:
        """drop / rename (``to``: (db, coll)) / dropDatabase (coll None)."""
        return self._append(db, coll, op, to=to)

    def after(self, seq: int) -> List[Change]:
        return self.entries[seq:]

    def seq_before(self, ts: Timestamp) -> int:
        """The last entry older than ``ts`` (startAtOperationTime is inclusive)."""
        seq = 0
        for entry in self.entries:
            if entry.ts >= ts:
                break
            seq = entry.seq
        return seq

    def wait(self, seq: int, seconds: float) -> None:
        """Block until an entry after ``seq`` exists, or ``seconds`` passed."""
        with self.grew:
            self.grew.wait_for(lambda: len(self.entries) > seq, timeout=seconds)

    # ------------------------------------------------------------ snapshot reads

    def as_of(self, db: str, coll: str, current: List[Any], ts: Timestamp) -> List[Any]:
        """The documents of ``db.coll`` at cluster time ``ts``: later changes undone."""
        docs: Dict[bytes, Any] = {_key(d["_id"]): d for d in current}
        order = [_key(d["_id"]) for d in current]
        for entry in reversed(self.entries):
            if entry.ts <= ts:
                break
            if entry.db != db or entry.coll != coll or entry.op not in DOCUMENT_OPS:
                continue
            key = _key(entry.document_id)
            if entry.pre is None:
                docs.pop(key, None)
            else:
                if key not in docs:
                    order.append(key)
                docs[key] = entry.pre
        return [docs[k] for k in order if k in docs]


DOCUMENT_OPS = ("insert", "update", "replace", "delete")


def token(seq: int, ts: Timestamp) -> SON:
    """A resume token: hex text as a server's, carrying the entry's place in the log."""
    return SON([("_data", f"82{ts.time:08X}{ts.inc:08X}2B{seq:08X}04")])


def seq_of(resume_token: Mapping[str, Any]) -> Optional[int]:
    data = resume_token.get("_data") if isinstance(resume_token, Mapping) else None
    if not isinstance(data, str) or len(data) != 30 or not data.startswith("82"):
        return None
    try:
        return int(data[20:28], 16)
    except ValueError:
        return None


def _key(value: Any) -> bytes:
    import bson

    return bson.BSON.encode({"v": value})


