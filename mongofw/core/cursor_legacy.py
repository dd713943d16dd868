"""The pre-3.2 cursor path: OP_QUERY, OP_GET_MORE and OP_KILL_CURSORS (wire version < 4).

Servers before MongoDB 3.2 have no ``find``/``getMore``/``killCursors`` commands.  A
query goes out as an OP_QUERY on the collection with the old ``$query``/``$orderby``/...
wrapper, batches come back as OP_REPLY with the cursor id in the header, and the
"cursor not found" and "query failure" answers are header flags rather than error codes.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Tuple

from bson.son import SON
from mongofw.core import message
from mongofw.core.command_errors import check_command_response
from mongofw.core.errors import CursorNotFound, ProtocolError

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
    sock_info.send_message(data, size)
    return _read_reply(sock_info, rid, codec_options)


def get_more(sock_info: Any, namespace: str, batch_size: int, cursor_id: int,
             codec_options: Any) -> Tuple[int, List[Any]]:
    """Send an OP_GET_MORE; returns ``(cursor_id, next_batch)``."""
    rid, data = message.op_get_more(namespace, batch_size, cursor_id)
    sock_info.send_message(data, 0)
    return _read_reply(sock_info, rid, codec_options, cursor_id)


def kill_cursors(sock_info: Any, cursor_ids: List[int]) -> None:
    """Send an OP_KILL_CURSORS (the server sends no reply)."""
    _rid, data = message.op_kill_cursors(cursor_ids)
    sock_info.send_message(data, 0)
