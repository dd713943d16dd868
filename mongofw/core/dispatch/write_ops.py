"""Write commands: batching within the server's limits and merging their replies.

Each statement is encoded once, before anything is sent, so a ``DocumentTooLarge`` leaves
the collection untouched.  Batches travel as OP_MSG kind-1 document sequences (or inline
arrays for servers before wire version 6).  Replies merge into the bulk API result shape
(``nInserted``, ``nMatched``, ``writeErrors`` with indexes of the whole request and the
failing ``op``), the shape ``BulkWriteError.details`` documents.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import bson
from bson.codec_options import CodecOptions
from bson.son import SON
from mongofw.core.wire.message import COMMAND_OVERHEAD, check_document_size
from mongofw.core.wire.server_errors import raise_write_concern_error, raise_write_error
from mongofw.errors import BulkWriteError, ConfigurationError

INSERT, UPDATE, DELETE = "insert", "update", "delete"
_SEQUENCE_KEY = {INSERT: "documents", UPDATE: "updates", DELETE: "deletes"}
# First wire version whose update/delete statements may carry a collation (MongoDB 3.4).
COLLATION_WIRE_VERSION = 5


def new_bulk_result() -> Dict[str, Any]:
    """An empty bulk API result, the shape ``BulkWriteError.details`` documents."""
    return {"writeErrors": [], "writeConcernErrors": [], "nInserted": 0, "nUpserted": 0,
            "nMatched": 0, "nModified": 0, "nRemoved": 0, "upserted": []}


def merge_reply(result: Dict[str, Any], kind: str, offset: int, reply: Mapping[str, Any],
                index_map: Optional[Sequence[int]] = None,
                ops: Optional[Sequence[Any]] = None) -> None:
    """Fold one batch reply into ``result``.

    ``offset`` is the batch's first position in the run, ``index_map`` maps run positions
    to request indexes, and ``ops`` (the run's statements) supplies each error's ``op``.
    """
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
        if result.get("nModified") is not None and "nModified" in reply:
            result["nModified"] += reply["nModified"]
        else:
            # A server that does not count modifications makes the total unknowable.
            result["nModified"] = None
        for doc in upserted:
            result["upserted"].append({"index": request_index(doc["index"]), "_id": doc["_id"]})
    for error in reply.get("writeErrors") or []:
        error = dict(error)
        position = error["index"]
        error["index"] = request_index(position)
        if ops is not None:
            error["op"] = ops[offset + position]
        result["writeErrors"].append(error)
    if reply.get("writeConcernError"):
        result["writeConcernErrors"].append(reply["writeConcernError"])


def split_batches(sizes: Sequence[int], max_count: int, max_bytes: int
                  ) -> List[Tuple[int, int]]:
    """``(start, end)`` slices of at most ``max_count`` statements of ``max_bytes`` in all
    (a statement larger than ``max_bytes`` alone in its slice)."""
    if len(sizes) <= max_count and sum(sizes) <= max_bytes:
        return [(0, len(sizes))] if sizes else []
    out = []
    start = 0
    total = 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= max_count or total + size > max_bytes):
            out.append((start, i))
            start, total = i, 0
        total += size
    if start < len(sizes):
        out.append((start, len(sizes)))
    return out


def encode_statements(kind: str, items: Sequence[Mapping[str, Any]], codec_options: CodecOptions,
                      check_keys: bool, max_bson_size: int) -> List[bytes]:
    """Encode every statement once; ``DocumentTooLarge`` names the first that cannot fit."""
    encode = bson._dict_to_bson  # bytes, straight from the (compiled) codec
    check = check_keys and kind == INSERT
    encoded = [encode(doc, check, codec_options) for doc in items]
    # Update and delete statements may exceed the document limit by the command overhead.
    limit = max_bson_size if kind == INSERT else max_bson_size + COMMAND_OVERHEAD
    if encoded and max(map(len, encoded)) > limit:
        for doc in encoded:
            check_document_size(len(doc), limit)
    return encoded


# Statement options and what they need: (wire version, server version, the name in messages).
ARRAY_FILTERS_NEEDS = (6, "3.6", "arrayFilters")
_OPTION_NEEDS = {
    "collation": (COLLATION_WIRE_VERSION, "3.4", "a collation"),
    "arrayFilters": ARRAY_FILTERS_NEEDS,
    # Servers from 3.4 parse a hint; those before 4.2 (updates) / 4.4 (deletes) refuse it
    # themselves, which the CRUD specification leaves to them.
    "hint": (COLLATION_WIRE_VERSION, "3.4", "hint on update and delete statements"),
}
# findAndModify: the driver refuses a hint before MongoDB 4.2 (the server before 4.4).
FIND_AND_MODIFY_HINT_NEEDS = (8, "4.2", "hint on find and modify commands")
_UNACKNOWLEDGED_NAMES = {"collation": "Collation", "arrayFilters": "arrayFilters",
                         "hint": "hint"}


def statement_options(statement: Mapping[str, Any]) -> List[str]:
    """The options of one statement that need a check: collation, arrayFilters, hint."""
    return [name for name in _OPTION_NEEDS if statement.get(name) is not None]


def require_wire_version(sock_info: Any, needs: Tuple[int, str, str]) -> None:
    """``ConfigurationError`` unless the server speaks at least the needed wire version."""
    wire_version, server_version, what = needs
    if sock_info.max_wire_version < wire_version:
        raise ConfigurationError(
            f"Must be connected to MongoDB {server_version}+ (wire version {wire_version}) to "
            f"use {what}; the server speaks wire version {sock_info.max_wire_version}.")


def check_statement_options(sock_info: Any, write_concern: Any, kind: str,
                            options: Iterable[str]) -> None:
    """Statements with a collation, arrayFilters or a hint need an acknowledged write and a
    server new enough for them (``ConfigurationError`` otherwise, before anything is sent)."""
    for name in options:
        if not write_concern.acknowledged:
            raise ConfigurationError(
                f"{_UNACKNOWLEDGED_NAMES[name]} is unsupported for unacknowledged writes.")
        require_wire_version(sock_info, _OPTION_NEEDS[name])


def _write_command(kind: str, coll_name: str, ordered: bool, write_concern: Mapping[str, Any],
                   bypass_document_validation: bool) -> SON:
    cmd = SON()  # items set one by one: dict's own __setitem__, no Python-level loop
    cmd[kind] = coll_name
    cmd["ordered"] = ordered
    if write_concern:
        cmd["writeConcern"] = write_concern
    if bypass_document_validation and kind != DELETE:
        cmd["bypassDocumentValidation"] = True
    return cmd


def send_batch(sock_info: Any, db_name: str, coll_name: str, kind: str,
               items: Sequence[Mapping[str, Any]], encoded: Sequence[bytes], *, ordered: bool,
               wait: bool, write_concern: Any, codec_options: CodecOptions,
               bypass_document_validation: bool = False, operation_id: Optional[int] = None,
               session: Any = None, retryable_write: bool = False
               ) -> Optional[Mapping[str, Any]]:
    """Send one batch of same-kind statements; the reply, or None when not ``wait``-ing.

    An unacknowledged batch that must still be waited for (every batch of an ordered
    ``w=0`` bulk but the last) goes with ``w: 1``; one not waited for goes with
    ``moreToCome``.  ``session`` / ``retryable_write``: see ``Connection.command``.
    """
    acknowledged = write_concern.acknowledged
    concern = write_concern.document if acknowledged or not wait else {"w": 1}
    cmd = _write_command(kind, coll_name, ordered, concern, bypass_document_validation)
    reply = sock_info.command(
        db_name, cmd, codec_options=codec_options, check=True,
        sequences=[(_SEQUENCE_KEY[kind], encoded, items)], unacknowledged=not wait,
        operation_id=operation_id, session=session, retryable_write=retryable_write)
    return reply if wait else None


def send_run(sock_info: Any, db_name: str, coll_name: str, kind: str,
             items: Sequence[Mapping[str, Any]], encoded: Sequence[bytes], *, ordered: bool,
             write_concern: Any, codec_options: CodecOptions, result: Dict[str, Any],
             bypass_document_validation: bool = False,
             index_map: Optional[Sequence[int]] = None, final: bool = True,
             operation_id: Optional[int] = None) -> None:
    """Send one run of same-kind statements on one connection, in as few batches as the
    server allows (the client API's bulk sends batch by batch, each retryable alone).

    ``operation_id`` ties the command events of every batch of one bulk operation together.
    Acknowledged replies merge into ``result``; an ordered run stops at its first write
    error.  ``final``: this run's last batch is the bulk's last (see :func:`send_batch`).
    """
    acknowledged = write_concern.acknowledged
    batches = split_batches(list(map(len, encoded)), sock_info.max_write_batch_size,
                            sock_info.max_message_size - COMMAND_OVERHEAD)
    for number, (start, end) in enumerate(batches):
        last = final and number == len(batches) - 1
        wait = acknowledged or (ordered and not last)
        reply = send_batch(sock_info, db_name, coll_name, kind, items[start:end],
                           encoded[start:end], ordered=ordered, wait=wait,
                           write_concern=write_concern, codec_options=codec_options,
                           bypass_document_validation=bypass_document_validation,
                           operation_id=operation_id)
        if reply is None:
            continue
        merge_reply(result, kind, start, reply, index_map, items)
        if ordered and result["writeErrors"]:
            break


def write_one(sock_info: Any, db_name: str, coll_name: str, kind: str,
              statement: Mapping[str, Any], *, write_concern: Any, codec_options: CodecOptions,
              check_keys: bool = False, bypass_document_validation: bool = False,
              session: Any = None, retryable_write: bool = False
              ) -> Optional[Mapping[str, Any]]:
    """Send a single statement on ``sock_info``; the server's reply, or None when
    unacknowledged.

    Raises ``WriteError`` (``DuplicateKeyError`` for the 11000 family) for a write error
    and ``WriteConcernError`` when the write concern was not satisfied.
    """
    if kind != INSERT:  # an inserted document's own fields are data, not options
        check_statement_options(sock_info, write_concern, kind, statement_options(statement))
    encoded = encode_statements(kind, [statement], codec_options, check_keys,
                                sock_info.max_bson_size)
    acknowledged = write_concern.acknowledged
    reply = send_batch(sock_info, db_name, coll_name, kind, [statement], encoded,
                       ordered=True, wait=acknowledged, write_concern=write_concern,
                       codec_options=codec_options,
                       bypass_document_validation=bypass_document_validation,
                       session=session, retryable_write=retryable_write)
    if reply is None:
        return None
    raise_for_reply(reply)
    return reply


def raise_for_reply(reply: Mapping[str, Any]) -> None:
    """The documented error for a single-statement reply (write errors before concern)."""
    errors = reply.get("writeErrors")
    if errors:
        raise_write_error(errors[-1])
    if reply.get("writeConcernError"):
        raise_write_concern_error(reply["writeConcernError"], reply.get("errorLabels"))


def raise_for_bulk(result: Dict[str, Any], labels: Iterable[str] = ()) -> None:
    """Raise ``BulkWriteError`` with the bulk result as ``details`` when anything failed;
    ``labels``: the error labels of its write concern errors."""
    if result["writeErrors"] or result["writeConcernErrors"]:
        result["writeErrors"].sort(key=lambda e: e["index"])
        exc = BulkWriteError(result)
        for label in labels:
            exc._add_error_label(label)
        raise exc
