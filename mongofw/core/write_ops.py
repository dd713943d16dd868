"""Write commands: batching within the server's limits and merging their replies.

Each document is encoded once; batches travel as OP_MSG kind-1 document sequences (or
inline arrays for servers before wire version 6).  Replies merge into the bulk API result
shape (``nInserted``, ``nMatched``, ``writeErrors`` with indexes of the whole request).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import bson
from bson.codec_options import CodecOptions
from bson.son import SON
from mongofw.core.command_errors import raise_write_concern_error, raise_write_error
from mongofw.core.errors import BulkWriteError, InvalidOperation
from mongofw.core.message import COMMAND_OVERHEAD, check_document_size

INSERT, UPDATE, DELETE = "insert", "update", "delete"
_SEQUENCE_KEY = {INSERT: "documents", UPDATE: "updates", DELETE: "deletes"}


def new_bulk_result() -> Dict[str, Any]:
    return {"writeErrors": [], "writeConcernErrors": [], "nInserted": 0, "nUpserted": 0,
            "nMatched": 0, "nModified": 0, "nRemoved": 0, "upserted": []}


def merge_reply(result: Dict[str, Any], kind: str, offset: int, reply: Mapping[str, Any],
                index_map: Optional[Sequence[int]] = None) -> None:
    """Fold one batch reply into ``result``; ``index_map`` maps batch to request indexes."""
    def request_index(i: int) -> int:
        return index_map[offset + i] if index_map is not None else offset + i

    n = reply.get("n", 0)
    if kind == INSERT:
        result["nInserted"] += n
    elif kind == DELETE:
        result["nRemoved"] += n
    else:
        upserted = reply.get("upserted") or []
        result["nUpserted"] += len(upserted)
        result["nMatched"] += n - len(upserted)
        result["nModified"] += reply.get("nModified", 0)
        for doc in upserted:
            result["upserted"].append({"index": request_index(doc["index"]), "_id": doc["_id"]})
    for error in reply.get("writeErrors") or []:
        error = dict(error)
        error["index"] = request_index(error["index"])
        result["writeErrors"].append(error)
    if reply.get("writeConcernError"):
        result["writeConcernErrors"].append(reply["writeConcernError"])


def _batches(encoded: List[bytes], max_count: int, max_bytes: int
             ) -> List[Tuple[int, int]]:
    """``(start, end)`` slices: at most ``max_count`` documents of ``max_bytes`` in all."""
    out = []
    start = 0
    size = 0
    for i, doc in enumerate(encoded):
        if i > start and (i - start >= max_count or size + len(doc) > max_bytes):
            out.append((start, i))
            start, size = i, 0
        size += len(doc)
    if start < len(encoded):
        out.append((start, len(encoded)))
    return out


def execute_write(client: Any, db_name: str, coll_name: str, kind: str,
                  items: Sequence[Mapping[str, Any]], *, ordered: bool, write_concern: Any,
                  codec_options: CodecOptions, check_keys: bool = False,
                  bypass_document_validation: bool = False,
                  index_map: Optional[Sequence[int]] = None,
                  result: Optional[Dict[str, Any]] = None,
                  sock_info: Any = None) -> Dict[str, Any]:
    """Send ``items`` (documents / update / delete statements) in as few batches as fit.

    Returns the merged bulk result; raises nothing for write errors (the caller decides).
    """
    if result is None:
        result = new_bulk_result()
    if not items:
        raise InvalidOperation("no operations to execute")
    if sock_info is None:
        with client._socket_for_writes() as sock:
            return execute_write(client, db_name, coll_name, kind, items, ordered=ordered,
                                 write_concern=write_concern, codec_options=codec_options,
                                 check_keys=check_keys,
                                 bypass_document_validation=bypass_document_validation,
                                 index_map=index_map, result=result, sock_info=sock)
    acknowledged = write_concern.acknowledged
    encode = bson.BSON.encode
    encoded = [encode(doc, check_keys and kind == INSERT, codec_options) for doc in items]
    limit = sock_info.max_bson_size
    # Update and delete statements may exceed the document limit by the command overhead.
    statement_limit = limit if kind == INSERT else limit + COMMAND_OVERHEAD
    for doc in encoded:
        check_document_size(len(doc), statement_limit)
    max_bytes = sock_info.max_message_size - COMMAND_OVERHEAD
    for start, end in _batches(encoded, sock_info.max_write_batch_size, max_bytes):
        cmd = SON([(kind, coll_name), ("ordered", ordered)])
        if not write_concern.is_server_default:
            cmd["writeConcern"] = write_concern.document
        if bypass_document_validation and kind != DELETE:
            cmd["bypassDocumentValidation"] = True
        reply = sock_info.command(
            db_name, cmd, codec_options=codec_options, check=True,
            sequences=[(_SEQUENCE_KEY[kind], encoded[start:end], items[start:end])],
            unacknowledged=not acknowledged)
        if not acknowledged:
            continue
        merge_reply(result, kind, start, reply, index_map)
        if ordered and result["writeErrors"]:
            break
    return result


def raise_for_single_write(result: Mapping[str, Any]) -> None:
    """For ``insert_one`` and friends: the documented WriteError / WriteConcernError."""
    if result["writeErrors"]:
        raise_write_error(result["writeErrors"][0])
    if result["writeConcernErrors"]:
        raise_write_concern_error(result["writeConcernErrors"][-1], result)


def raise_for_bulk(result: Dict[str, Any]) -> None:
    """Raise ``BulkWriteError`` with the bulk result as ``details`` when anything failed."""
    if result["writeErrors"] or result["writeConcernErrors"]:
        result["writeErrors"].sort(key=lambda e: e["index"])
        raise BulkWriteError(result)
