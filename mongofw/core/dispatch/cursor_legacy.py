"""The pre-3.2 cursor path: OP_QUERY, OP_GET_MORE and OP_KILL_CURSORS (wire version < 4).

Servers before MongoDB 3.2 have no ``find``/``getMore``/``killCursors`` commands.  A
query goes out as an OP_QUERY on the collection with the old ``$query``/``$orderby``/...
wrapper, batches come back as OP_REPLY with the cursor id in the header, and the
"cursor not found" and "query failure" answers are header flags rather than error codes.

Command listeners still see ``find``/``getMore``/``killCursors``: as the command-monitoring
specification asks, each legacy message is published as the command it stands for, with a
reply shaped like that command's (``cursor.firstBatch``/``nextBatch``, ``cursorsUnknown``).
"""
from __future__ import annotations

import time
from typing import Any, List, Mapping, Optional, Tuple

from bson.int64 import Int64
from bson.son import SON
from mongofw.core.wire import message
from mongofw.core.wire.server_errors import check_command_response, failure_document
from mongofw.errors import CursorNotFound, ProtocolError

# The first wire version with find/getMore/killCursors commands (MongoDB 3.2).
FIND_COMMAND_WIRE_VERSION = 4

# find command option -> legacy query modifier.
_MODIFIERS = (
    ("sort", "$orderby"), ("hint", "$hint"), ("comment", "$comment"), ("maxScan", "$maxScan"),
    ("maxTimeMS", "$maxTimeMS"), ("max", "$max"), ("min", "$min"),
    ("returnKey", "$returnKey"), ("showRecordId", "$showDiskLoc"), ("snapshot", "$snapshot"),
    ("explain", "$explain"),
)

# find command boolean option -> OP_QUERY flag bit.
_FLAGS = (
    ("tailable", message.QUERY_TAILABLE), ("oplogReplay", 1 << 3),
    ("noCursorTimeout", message.QUERY_NO_TIMEOUT), ("awaitData", message.QUERY_AWAIT_DATA),
    ("allowPartialResults", message.QUERY_PARTIAL),
)


def query_for(find_cmd: Mapping[str, Any], read_preference_doc: Optional[Mapping[str, Any]]
              ) -> Tuple[SON, Optional[Mapping[str, Any]], int, int, int]:
    """Translate a ``find`` command into ``(query, projection, skip, n_to_return, flags)``."""
    spec = find_cmd.get("filter") or {}
    wrapped = SON()
    for option, modifier in _MODIFIERS:
        if option in find_cmd:
            wrapped[modifier] = find_cmd[option]
    if read_preference_doc is not None:
        wrapped["$readPreference"] = read_preference_doc
    if wrapped:
        query = SON([("$query", spec)])
        query.update(wrapped)
    else:
        query = SON(spec)
    flags = 0
    for option, bit in _FLAGS:
        if find_cmd.get(option):
            flags |= bit
    limit = int(find_cmd.get("limit", 0))
    batch_size = int(find_cmd.get("batchSize", 0))
    if find_cmd.get("singleBatch"):
        # A negative numberToReturn asks for one batch and a closed cursor.
        n_to_return = -limit
    elif limit and batch_size:
        n_to_return = min(limit, batch_size)
    else:
        n_to_return = limit or batch_size
    return query, find_cmd.get("projection"), int(find_cmd.get("skip", 0)), n_to_return, flags


def _read_reply(sock_info: Any, request_id: int, codec_options: Any,
                cursor_id: int = 0) -> Tuple[int, List[Any]]:
    opcode, body = sock_info.receive_message(None, request_id)
    if opcode != message.OP_REPLY:
        sock_info.close()
        raise ProtocolError(f"expected OP_REPLY to a legacy query, got opcode {opcode}")
    reply = message.Reply(body)
    if reply.flags & message.REPLY_CURSOR_NOT_FOUND:
        raise CursorNotFound(f"cursor id {cursor_id} not found", 43,
                             {"ok": 0, "errmsg": "cursor not found", "code": 43})
    docs = reply.unpack(codec_options)
    if reply.flags & message.REPLY_QUERY_FAILURE:
        failure = dict(docs[0]) if docs else {"$err": "query failure"}
        failure.setdefault("ok", 0)
        check_command_response(failure)
    return reply.cursor_id, docs


def _exchange(sock_info: Any, request_id: int, data: bytes, max_doc_size: int,
              codec_options: Any, cursor_id: int, event_command: Mapping[str, Any],
              namespace: str, batch_field: str) -> Tuple[int, List[Any]]:
    """Send one legacy cursor message and read its OP_REPLY, publishing command events."""
    publisher = sock_info.publisher
    if publisher is None or not publisher.enabled_for_commands:
        sock_info.send_message(data, max_doc_size)
        return _read_reply(sock_info, request_id, codec_options, cursor_id)
    name = next(iter(event_command))
    db_name = namespace.split(".", 1)[0]
    publisher.publish_command_start(event_command, db_name, request_id, sock_info.address)
    start = time.perf_counter()
    try:
        sock_info.send_message(data, max_doc_size)
        new_id, docs = _read_reply(sock_info, request_id, codec_options, cursor_id)
    except Exception as exc:
        publisher.publish_command_failure(time.perf_counter() - start, failure_document(exc),
                                          name, request_id, sock_info.address)
        raise
    duration = time.perf_counter() - start
    reply = {"cursor": {"id": Int64(new_id), "ns": namespace, batch_field: docs}, "ok": 1}
    publisher.publish_command_success(duration, reply, name, request_id, sock_info.address)
    return new_id, docs


def _as_find_command(namespace: str, find_cmd: Mapping[str, Any]) -> Mapping[str, Any]:
    if "find" in find_cmd:
        return find_cmd
    command = SON([("find", namespace.split(".", 1)[1])])
    command.update(find_cmd)
    return command


def run_query(sock_info: Any, namespace: str, find_cmd: Mapping[str, Any], slave_ok: bool,
              read_preference: Any, codec_options: Any) -> Tuple[int, List[Any]]:
    """Send the OP_QUERY for ``find_cmd``; returns ``(cursor_id, first_batch)``."""
    pref_doc = None
    if sock_info.is_mongos and getattr(read_preference, "mode", 0) != 0:
        pref_doc = read_preference.document
    query, projection, skip, n_to_return, flags = query_for(find_cmd, pref_doc)
    if slave_ok:
        flags |= message.QUERY_SLAVE_OK
    rid, data, size = message.op_query(flags, namespace, skip, n_to_return, query,
                                       projection, codec_options)
    return _exchange(sock_info, rid, data, size, codec_options, 0,
                     _as_find_command(namespace, find_cmd), namespace, "firstBatch")


def get_more(sock_info: Any, namespace: str, batch_size: int, cursor_id: int,
             codec_options: Any) -> Tuple[int, List[Any]]:
    """Send an OP_GET_MORE; returns ``(cursor_id, next_batch)``."""
    rid, data = message.op_get_more(namespace, batch_size, cursor_id)
    command = SON([("getMore", Int64(cursor_id)), ("collection", namespace.split(".", 1)[1])])
    if batch_size:
        command["batchSize"] = batch_size
    return _exchange(sock_info, rid, data, 0, codec_options, cursor_id, command, namespace,
                     "nextBatch")


def kill_cursors(sock_info: Any, cursor_ids: List[int], namespace: str = "admin.$cmd") -> None:
    """Send an OP_KILL_CURSORS (the server sends no reply).

    The events report the kill as a ``killCursors`` on ``namespace`` whose reply lists the
    ids as unknown: OP_KILL_CURSORS has no answer to say otherwise.
    """
    rid, data = message.op_kill_cursors(cursor_ids)
    publisher = sock_info.publisher
    if publisher is None or not publisher.enabled_for_commands:
        sock_info.send_message(data, 0)
        return
    db_name, coll_name = namespace.split(".", 1)
    ids = [Int64(cursor_id) for cursor_id in cursor_ids]
    publisher.publish_command_start(SON([("killCursors", coll_name), ("cursors", ids)]),
                                    db_name, rid, sock_info.address)
    start = time.perf_counter()
    try:
        sock_info.send_message(data, 0)
    except Exception as exc:
        publisher.publish_command_failure(time.perf_counter() - start, failure_document(exc),
                                          "killCursors", rid, sock_info.address)
        raise
    publisher.publish_command_success(time.perf_counter() - start,
                                      {"cursorsUnknown": ids, "ok": 1}, "killCursors", rid,
                                      sock_info.address)
