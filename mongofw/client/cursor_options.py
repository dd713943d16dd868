"""Cursor types, query flags and the translation of cursor options into a ``find`` command.

A cursor keeps its options the way PyMongo 3.4 users set them - OP_QUERY flag bits,
``$``-modifiers, method calls - and this module turns them into the ``find`` command of
MongoDB 3.2+ (``cursor_legacy`` turns that back into an OP_QUERY for older servers).
"""
from __future__ import annotations

import itertools
import operator
from typing import Any, Mapping

from bson.son import SON


class CursorType:
    """Cursor types: non-tailable, tailable, tailable with await-data, exhaust."""

    #: The standard cursor type.
    NON_TAILABLE = 0
    #: A cursor on a capped collection that stays open after the last document.
    TAILABLE = 2
    #: A tailable cursor whose getMore waits a while for new documents.
    TAILABLE_AWAIT = TAILABLE | 32
    #: The server streams every batch without waiting for getMore requests.
    EXHAUST = 64

    VALUES = (NON_TAILABLE, TAILABLE, TAILABLE_AWAIT, EXHAUST)


# OP_QUERY flag bits (the masks add_option/remove_option take).
_QUERY_FLAGS = {
    "tailable_cursor": 2, "slave_okay": 4, "oplog_replay": 8, "no_cursor_timeout": 16,
    "await_data": 32, "exhaust": 64, "allow_partial_results": 128,
}

# Flag bit -> find command option, in the order the command lists them.
_FLAG_OPTIONS = (
    (2, "tailable"), (8, "oplogReplay"), (16, "noCursorTimeout"), (32, "awaitData"),
    (128, "allowPartialResults"),
)

# Query modifier -> find command option.
MODIFIERS = {
    "$query": "filter", "$orderby": "sort", "$hint": "hint", "$comment": "comment",
    "$maxScan": "maxScan", "$maxTimeMS": "maxTimeMS", "$max": "max", "$min": "min",
    "$returnKey": "returnKey", "$showRecordId": "showRecordId",
    "$showDiskLoc": "showRecordId", "$snapshot": "snapshot",
}

# Cursor option (set by a method) -> the modifier it overrides.
_METHOD_MODIFIERS = (
    ("ordering", "$orderby"), ("hint", "$hint"), ("comment", "$comment"),
    ("max_scan", "$maxScan"), ("max_time_ms", "$maxTimeMS"), ("max", "$max"),
    ("min", "$min"),
)
_METHOD_VALUES = operator.itemgetter(*(option for option, _ in _METHOD_MODIFIERS))
# Compared by identity (``is None``), never by a value's own __eq__.
NONES = itertools.repeat(None)


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {value!r}")
    return value


def query_flag(name: str, on: bool) -> int:
    """The OP_QUERY flag bit named ``name`` when ``on``, else 0."""
    return _QUERY_FLAGS[name] if on else 0


def find_command(collection_name: str, opts: Mapping[str, Any]) -> SON:
    """The ``find`` command for a cursor's options (see ``Cursor.__opts``)."""
    spec = opts["spec"]
    operators = dict(opts["modifiers"])  # ordered like the SON it was
    if "$query" in spec:
        # A filter already wrapped in the old query format carries its own modifiers.
        operators.update((key, value) for key, value in spec.items() if key != "$query")
        spec = spec["$query"]
    set_by_methods = _METHOD_VALUES(opts)
    if not all(map(operator.is_, set_by_methods, NONES)):  # one C-level look for most
        for (_option, modifier), value in zip(_METHOD_MODIFIERS, set_by_methods):
            if value is not None:
                operators[modifier] = value
    operators.pop("$explain", None)
    operators.pop("$readPreference", None)
    cmd = SON()
    cmd["find"] = collection_name
    cmd["filter"] = spec
    for key, value in operators.items():
        cmd[MODIFIERS.get(key, key)] = value
    if opts["projection"] is not None:
        cmd["projection"] = opts["projection"]
    if opts["skip"]:
        cmd["skip"] = opts["skip"]
    limit, batch_size = opts["limit"], opts["batch_size"]
    if limit:
        cmd["limit"] = abs(limit)
        if limit < 0:
            cmd["singleBatch"] = True
    if batch_size:
        cmd["batchSize"] = min(batch_size, abs(limit)) if limit else batch_size
    flags = opts["flags"]
    if flags:
        for bit, option in _FLAG_OPTIONS:
            if flags & bit:
                cmd[option] = True
    if opts["collation"] is not None:
        cmd["collation"] = opts["collation"]
    if opts.get("allow_disk_use") is not None:
        cmd["allowDiskUse"] = opts["allow_disk_use"]
    return cmd
