"""Change streams and snapshot reads, as the proxy peer answers them from its change log.

An aggregation whose first stage is ``$changeStream`` opens a cursor of the proxy's own:
its getMores turn the log entries after the cursor's place into change events (the
shapes of the release the proxy plays), run the rest of the pipeline over them on the
server behind the proxy (a scratch collection holds the events), and move the place on.
Resume tokens carry the place, so ``resumeAfter`` / ``startAfter`` /
``startAtOperationTime`` resume exactly there.  A collection's stream ends with an
``invalidate`` event after the collection is dropped or renamed, a database's after it
is dropped.

A read with ``readConcern: {level: "snapshot"}`` (MongoDB 5.0) reads the collection as of
its ``atClusterTime`` (or now, which the reply then names): the later changes are undone
into a scratch database, where the read runs.
"""
from __future__ import annotations

import itertools
import time
from typing import Any, Dict, List, Mapping, Optional

from bson.int64 import Int64
from bson.son import SON
from tests.support import proxy_pipeline
from tests.support.proxy_changes import DOCUMENT_OPS, Change, seq_of, token
from tests.support.wire_peer import CLOSE

# Stages a change stream's pipeline may hold (the server refuses others, 40324 when
# the stage is unknown altogether).
_STAGES = frozenset({"$match", "$project", "$addFields", "$set", "$unset", "$replaceRoot",
                     "$replaceWith", "$redact"})
_KNOWN_ELSEWHERE = frozenset({"$group", "$sort", "$limit", "$skip", "$lookup", "$out",
                              "$merge", "$unwind", "$count", "$facet", "$sample"})
# Errors a 4.4+ server labels ResumableChangeStreamError on a change stream's getMore.
_RESUMABLE = frozenset({6, 7, 63, 89, 91, 133, 150, 189, 234, 262, 9001, 10107, 11600,
                        11602, 13435, 13436})
_SYSTEM_DBS = ("admin", "config", "local")


def _error(code: int, code_name: str, message: str, **extra: Any) -> Dict[str, Any]:
    return {"ok": 0.0, "code": code, "codeName": code_name, "errmsg": message, **extra}


class Stream:
    """One change stream cursor: what it watches, its pipeline and its place in the log."""

    def __init__(self, cursor_id: int, db: str, coll: Optional[str], cluster: bool,
                 options: Mapping[str, Any], pipeline: List[Any], position: int,
                 batch_size: Optional[int]) -> None:
        self.id, self.db, self.coll, self.cluster = cursor_id, db, coll, cluster
        self.options, self.pipeline = dict(options), pipeline
        self.position, self.batch_size = position, batch_size
        self.invalidated = False

    @property
    def ns(self) -> str:
        return f"{self.db}.{self.coll or '$cmd.aggregate'}"

    def watches(self, entry: Change) -> bool:
        if self.cluster:
            return entry.db not in _SYSTEM_DBS
        if entry.db != self.db:
            return False
        return self.coll is None or entry.coll in (None, self.coll)


class Streams:
    """The change stream cursors of one proxy peer."""

    def __init__(self, peer: Any) -> None:
        self.peer = peer
        self.cursors: Dict[int, Stream] = {}
        self._ids = itertools.count(7_000_000_001)
        self._scratch: Optional[str] = None

    @staticmethod
    def is_change_stream(command: Mapping[str, Any]) -> bool:
        pipeline = command.get("pipeline") or []
        return bool(pipeline) and isinstance(pipeline[0], Mapping) and \
            "$changeStream" in pipeline[0]

    def owns(self, cursor_id: Any) -> bool:
        return int(cursor_id) in self.cursors

    def discard(self) -> None:
        if self._scratch:
            self.peer.backend.drop_database(self._scratch)

    # ------------------------------------------------------------ aggregate

    def open(self, command: Mapping[str, Any], db: str) -> Dict[str, Any]:
        peer = self.peer
        if not peer.replica_set:
            return _error(40573, "Location40573", "The $changeStream stage is only supported "
                          "on replica sets")
        pipeline = list(command["pipeline"])
        options = dict(pipeline[0]["$changeStream"])
        for stage in pipeline[1:]:
            name = next(iter(stage))
            if name not in _STAGES:
                if name in _KNOWN_ELSEWHERE:
                    return _error(40600, "Location40600", f"{name} is not permitted in a "
                                  f"$changeStream pipeline")
                return _error(40324, "Location40324", f"Unrecognized pipeline stage name: "
                              f"'{name[1:] if name.startswith('$') else name}'")
        cluster = bool(options.pop("allChangesForCluster", False))
        if cluster and db != "admin":
            return _error(72, "InvalidOptions",
                          "A $changeStream with 'allChangesForCluster:true' may only be "
                          "opened on the 'admin' database")
        coll = None if command["aggregate"] == 1 else command["aggregate"]
        position = self._start(options)
        if position is None:
            return self._fatal("cannot resume stream; the resume token was not found")
        batch_size = (command.get("cursor") or {}).get("batchSize")
        stream = Stream(next(self._ids), db, coll, cluster, options, pipeline[1:], position,
                        batch_size)
        self.cursors[stream.id] = stream
        return self._reply(stream, "firstBatch")

    def _start(self, options: Mapping[str, Any]) -> Optional[int]:
        changes = self.peer.changes
        for name in ("resumeAfter", "startAfter"):
            if name in options:
                seq = seq_of(options[name])
                return seq if seq is not None and seq <= changes.last_seq else None
        if "startAtOperationTime" in options:
            return changes.seq_before(options["startAtOperationTime"])
        return changes.last_seq

    # ------------------------------------------------------------ getMore

    def get_more(self, command: Mapping[str, Any]) -> Any:
        peer = self.peer
        stream = self.cursors.get(int(command["getMore"]))
        triggered = peer.fail_points.get_more_checked_out()
        if triggered is not None:
            if triggered.get("closeConnection"):
                return CLOSE
            if "errorCode" in triggered:
                return self._checked_out_error(triggered)
        if stream is None:
            return _error(43, "CursorNotFound", f"cursor id {command['getMore']} not found")
        deadline = time.monotonic() + min(command.get("maxTimeMS") or 1000, 1000) / 1000
        while True:
            with peer.lock:
                if any(stream.watches(e) for e in peer.changes.after(stream.position)) or \
                        time.monotonic() >= deadline:
                    if "batchSize" in command:
                        stream.batch_size = command["batchSize"]
                    return self._reply(stream, "nextBatch")
                seen = peer.changes.last_seq
            peer.changes.wait(seen, max(0.0, deadline - time.monotonic()))

    def _checked_out_error(self, data: Mapping[str, Any]) -> Dict[str, Any]:
        code = data["errorCode"]
        reply = _error(code, "", "Failing getMore via 'failGetMoreAfterCursorCheckout'")
        del reply["codeName"]
        labels = list(data.get("errorLabels") or [])
        if self.peer.version >= (4, 4, 0) and code in _RESUMABLE and "errorLabels" not in data:
            labels.append("ResumableChangeStreamError")
        if labels:
            reply["errorLabels"] = labels
        return reply

    def kill(self, command: Mapping[str, Any], db: str) -> Dict[str, Any]:
        ids = [int(i) for i in command.get("cursors") or []]
        ours = [i for i in ids if i in self.cursors]
        for cursor_id in ours:
            del self.cursors[cursor_id]
        reply: Dict[str, Any] = {"cursorsKilled": [Int64(i) for i in ours],
                                 "cursorsNotFound": [], "cursorsAlive": [],
                                 "cursorsUnknown": [], "ok": 1.0}
        rest = [Int64(i) for i in ids if i not in self.cursors and i not in ours]
        if rest:
            forwarded = SON(command)
            forwarded["cursors"] = rest
            backend_db = self.peer.cursor_dbs.get(int(rest[0]), db)
            answer = self.peer.backend.command(backend_db, self.peer.forwarded(forwarded))
            for key in ("cursorsKilled", "cursorsNotFound", "cursorsAlive", "cursorsUnknown"):
                reply[key] = reply[key] + list(answer.get(key) or [])
        return reply

    # ------------------------------------------------------------ batches

    def _reply(self, stream: Stream, batch_key: str) -> Dict[str, Any]:
        changes = self.peer.changes
        entries = [e for e in changes.after(stream.position) if stream.watches(e)]
        stream.invalidated = False
        events: List[Any] = []
        places: List[int] = []
        for entry in entries:
            if stream.invalidated:
                break
            try:
                shown = self._events(stream, entry)
            except _Refused as refused:
                return refused.reply
            for event in shown:
                events.append(event)
                places.append(entry.seq)
        if stream.pipeline and events:
            shown = self._through_pipeline(events, stream.pipeline)
            if isinstance(shown, dict):
                return shown  # the server's error
            kept = {_token_key(e["_id"]): p for e, p in zip(events, places)}
            for doc in shown:
                if "_id" not in doc or _token_key(doc["_id"]) not in kept:
                    return self._fatal(
                        "Encountered an event whose _id field, which contains the resume "
                        "token, was modified by the pipeline. Modifying the _id field of an "
                        "event makes it impossible to resume the stream from that point. "
                        "Only transformations that retain the unmodified _id field are "
                        "allowed.")
            places = [kept[_token_key(d["_id"])] for d in shown]
            events = shown
        limit = stream.batch_size
        truncated = bool(limit) and len(events) > limit
        if truncated:
            events, stream.position = events[:limit], places[limit - 1]
        else:
            stream.position = changes.last_seq
        cursor_id = 0 if stream.invalidated and not truncated else stream.id
        if not cursor_id:
            self.cursors.pop(stream.id, None)
        cursor: Dict[str, Any] = {batch_key: events, "id": Int64(cursor_id), "ns": stream.ns}
        if self.peer.version >= (4, 0, 7):
            last = changes.entries[stream.position - 1] if stream.position else None
            cursor["postBatchResumeToken"] = token(stream.position, last.ts if last else
                                                   self.peer.clock.now())
        return {"cursor": cursor, "ok": 1.0}

    def _fatal(self, message: str) -> Dict[str, Any]:
        """ChangeStreamFatalError, which a 4.2+ server labels NonResumableChangeStreamError."""
        reply = _error(280, "ChangeStreamFatalError", message)
        if self.peer.version >= (4, 2, 0):
            reply["errorLabels"] = ["NonResumableChangeStreamError"]
        return reply

    def _events(self, stream: Stream, entry: Change) -> List[Any]:
        event = SON([("_id", token(entry.seq, entry.ts)), ("operationType", entry.op)])
        version = self.peer.version
        if version >= (4, 0, 0):
            event["clusterTime"] = entry.ts
        if version >= (6, 0, 0):
            event["wallTime"] = entry.wall
        event["ns"] = SON([("db", entry.db)] + ([("coll", entry.coll)] if entry.coll else []))
        if entry.op in DOCUMENT_OPS:
            event["documentKey"] = SON([("_id", entry.document_id)])
            if entry.op in ("insert", "replace"):
                event["fullDocument"] = entry.post
            elif entry.op == "update":
                event["updateDescription"] = _update_description(entry.pre, entry.post,
                                                                 version)
                self._post_image(stream, entry, event)
        if entry.op == "rename":
            event["to"] = SON([("db", entry.to[0]), ("coll", entry.to[1])])
        if entry.txn is not None:
            event["lsid"], event["txnNumber"] = entry.txn[0], Int64(entry.txn[1])
        events = [event]
        ends = (stream.coll is not None and entry.op in ("drop", "rename")) or \
            (stream.coll is None and not stream.cluster and entry.op == "dropDatabase")
        if ends:
            stream.invalidated = True
            invalidate = SON([("_id", SON([("_data", token(entry.seq, entry.ts)["_data"][:-2]
                                                     + "05")])),
                              ("operationType", "invalidate")])
            if version >= (4, 0, 0):
                invalidate["clusterTime"] = entry.ts
            events.append(invalidate)
        return events

    def _post_image(self, stream: Stream, entry: Change, event: SON) -> None:
        """fullDocument of an update: looked up, or the post-image a collection with
        changeStreamPreAndPostImages keeps (MongoDB 6.0)."""
        mode = stream.options.get("fullDocument")
        if mode == "updateLookup":
            event["fullDocument"] = entry.post
        elif mode in ("whenAvailable", "required"):
            kept = self.peer.images.get((entry.db, entry.coll), False)
            if mode == "required" and not kept:
                raise _Refused(_error(
                    286, "ChangeStreamHistoryLost", "Change stream was configured to require "
                    "a post-image for all update, delete and replace events, but the "
                    "post-image was not found"))
            event["fullDocument"] = entry.post if kept else None

    def _through_pipeline(self, events: List[Any], pipeline: List[Any]) -> Any:
        """The events after the user's stages: evaluated here when they are simple
        (:mod:`tests.support.proxy_pipeline`), else by the server behind the proxy."""
        done = proxy_pipeline.run(pipeline, events)
        if done is not None:
            return done
        backend = self.peer.backend
        if self._scratch is None:
            self._scratch = self.peer.scratch_name("streams")
        coll = "events"
        backend.command(self._scratch, {"drop": coll})
        backend.checked(self._scratch, SON([("insert", coll), ("documents", events)]))
        reply = backend.command(self._scratch, SON([("aggregate", coll),
                                                    ("pipeline", pipeline), ("cursor", {})]))
        if reply.get("ok") != 1:
            return {k: reply[k] for k in ("ok", "code", "codeName", "errmsg") if k in reply}
        return list(reply["cursor"]["firstBatch"])

    # ------------------------------------------------------------ snapshot reads

    def snapshot_read(self, name: str, command: Mapping[str, Any], db: str) -> Dict[str, Any]:
        peer = self.peer
        if not peer.replica_set or peer.version < (5, 0, 0) or \
                name not in ("find", "aggregate", "distinct"):
            return _error(72, "InvalidOptions", f'Command {name} does not support '
                          f'{{ readConcern: {{ level: "snapshot" }} }}')
        at = command["readConcern"].get("atClusterTime") or peer.clock.tick()
        coll = command[name]
        backend = peer.backend
        current = backend.documents(db, coll) if coll in backend.collection_names(db) else []
        docs = peer.changes.as_of(db, coll, current, at)
        scratch = peer.scratch_name("snap")
        try:
            backend.checked(scratch, {"create": coll})
            if docs:
                backend.checked(scratch, SON([("insert", coll), ("documents", docs)]))
            # One batch: the scratch database goes away with this read.
            whole = SON(command)
            if name == "find":
                whole["batchSize"] = 1_000_000
            elif name == "aggregate":
                whole["cursor"] = {"batchSize": 1_000_000}
            reply = peer.forward(scratch, whole, rename_db=db)
            cursor = reply.get("cursor")
            if cursor is not None and cursor.get("id"):
                raise AssertionError("the proxy peer answers a snapshot read in one batch; "
                                     "this one needed more")
        finally:
            backend.drop_database(scratch)
        if reply.get("ok") == 1:
            if cursor is not None:
                cursor["atClusterTime"] = at
            else:
                reply["atClusterTime"] = at
        return reply


class _Refused(Exception):
    """A getMore the server answers with an error."""

    def __init__(self, reply: Dict[str, Any]) -> None:
        super().__init__(reply["errmsg"])
        self.reply = reply


def _token_key(value: Any) -> Any:
    """A resume token compared by its text (it comes back from the pipeline as a dict)."""
    return value.get("_data") if isinstance(value, Mapping) else repr(value)


def _update_description(pre: Mapping[str, Any], post: Mapping[str, Any],
                        version: Any) -> SON:
    updated: SON = SON()
    removed: List[str] = []
    _diff(pre or {}, post or {}, "", updated, removed)
    description = SON([("updatedFields", updated), ("removedFields", removed)])
    if version >= (5, 0, 0):
        description["truncatedArrays"] = []
    return description


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _diff(pre: Mapping[str, Any], post: Mapping[str, Any], prefix: str, updated: SON,
          removed: List[str]) -> None:
    for key, value in post.items():
        path = prefix + key
        if key not in pre:
            updated[path] = value
        elif isinstance(value, Mapping) and isinstance(pre[key], Mapping) and value and \
                not _same(pre[key], value):
            _diff(pre[key], value, path + ".", updated, removed)
        elif not _same(pre[key], value):
            updated[path] = value
    removed.extend(prefix + key for key in pre if key not in post)
