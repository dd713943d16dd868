"""The methods that set a query's options before it runs, for :class:`Cursor`.

Split from :mod:`mongofw.client.cursor` to keep each module readable; the methods are
documented as ``pymongo.cursor.Cursor``'s.  Each checks its argument, stores it in the
cursor's options (``Cursor.__set``, which refuses once the query has run) and returns
the cursor, so calls chain: ``coll.find().sort("x").skip(10).limit(5)``.
"""
from __future__ import annotations

from typing import Any, Optional, TypeVar

from bson.code import Code
from bson.son import SON
from mongofw.client.cursor_options import CursorType, check_bool
from mongofw.client.index_specs import hint_document, index_document, index_list
from mongofw.errors import InvalidOperation
from mongofw.options.collation import validate_collation_or_none

# Each setter returns the cursor it was called on (a Cursor or a subclass).
_C = TypeVar("_C", bound="CursorModifiers")


def _check_int(name: str, value: Any, allow_none: bool = False) -> None:
    if allow_none and value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        kind = "an integer or None" if allow_none else "an integer"
        raise TypeError(f"{name} must be {kind}, not {type(value).__name__}")


class CursorModifiers:
    """Option setters of :class:`~mongofw.client.cursor.Cursor` (its base class).

    They reach the cursor's private state under its mangled names (``_Cursor__set``,
    ``_Cursor__opts``), as they did when they were written inside ``Cursor``.
    Every one raises :exc:`~pymongo.errors.InvalidOperation` once the query has run
    (call :meth:`~mongofw.client.cursor.Cursor.rewind` first).
    """

    def limit(self: _C, limit: int) -> _C:
        """Return at most ``limit`` documents (0: no limit; negative: one batch only)."""
        _check_int("limit", limit)
        if self._Cursor__opts["flags"] & CursorType.EXHAUST:
            raise InvalidOperation("Can't use limit and exhaust together.")
        self._Cursor__set("empty", False)
        return self._Cursor__set("limit", limit)

    def skip(self: _C, skip: int) -> _C:
        """Skip the first ``skip`` results."""
        _check_int("skip", skip)
        if skip < 0:
            raise ValueError(f"skip must be >= 0, not {skip}")
        return self._Cursor__set("skip", skip)

    def batch_size(self: _C, batch_size: int) -> _C:
        """Ask for batches of ``batch_size`` documents from the server.

        :param batch_size: an ``int``, 0 or more; ``0`` lets the server choose (101
            documents in the first batch, then up to 16 MiB).  It changes how many round
            trips iteration takes, not what it returns.
        :returns: this cursor.
        :raises TypeError: when ``batch_size`` is not an ``int``.
        :raises ValueError: when it is negative.
        """
        _check_int("batch_size", batch_size)
        if batch_size < 0:
            raise ValueError(f"batch_size must be >= 0, not {batch_size}")
        return self._Cursor__set("batch_size", batch_size)

    def sort(self: _C, key_or_list: Any, direction: Any = None) -> _C:
        """Set the order of the results; a later call replaces the order.

        :param key_or_list: a field name (``str``), sorted by ``direction``; or a list
            of ``(key, direction)`` pairs, most significant first.
        :param direction: with a single key: ``pymongo.ASCENDING`` (``1``, the
            default) or ``pymongo.DESCENDING`` (``-1``); ``{"$meta": "textScore"}``
            sorts by text search relevance.
        :returns: this cursor.
        :raises TypeError: when ``key_or_list`` is neither a ``str`` nor a list.
        :raises ValueError: for a bad direction.
        """
        return self._Cursor__set("ordering", index_document(index_list(key_or_list, direction),
                                                            "sort"))

    def hint(self: _C, index: Any) -> _C:
        """Use ``index`` (a name or a (key, direction) list); None clears the hint."""
        return self._Cursor__set("hint", hint_document(index))

    def max_time_ms(self: _C, max_time_ms: Optional[int]) -> _C:
        """Abort the query after ``max_time_ms`` milliseconds (ExecutionTimeout)."""
        _check_int("max_time_ms", max_time_ms, allow_none=True)
        return self._Cursor__set("max_time_ms", max_time_ms)

    def max_await_time_ms(self: _C, max_await_time_ms: Optional[int]) -> _C:
        """Set how long each ``getMore`` of a ``TAILABLE_AWAIT`` cursor waits for data.

        :param max_await_time_ms: milliseconds (an ``int``), or None for the server's
            default (one second).  Ignored unless the cursor type is
            ``CursorType.TAILABLE_AWAIT``; needs MongoDB 3.2.
        :returns: this cursor.
        :raises TypeError: when it is neither an ``int`` nor None.
        """
        _check_int("max_await_time_ms", max_await_time_ms, allow_none=True)
        return self._Cursor__set("max_await_time_ms", max_await_time_ms)

    def max_scan(self: _C, max_scan: int) -> _C:
        """Scan at most ``max_scan`` documents."""
        _check_int("max_scan", max_scan, allow_none=True)
        return self._Cursor__set("max_scan", max_scan)

    def max(self: _C, spec: Any) -> _C:
        """Set an exclusive upper bound on the keys of the index the query uses.

        :param spec: a list or tuple of ``(field, limit)`` pairs, in the order of the
            index's keys.  Use :meth:`hint` too, so the bound applies to the index
            intended (MongoDB 4.2 requires it; 3.8 deprecated ``max`` without it).
        :returns: this cursor.
        :raises TypeError: when ``spec`` is not a list or tuple.
        """
        return self._Cursor__set("max", _index_bounds(spec))

    def min(self: _C, spec: Any) -> _C:
        """Set an inclusive lower bound on the keys of the index the query uses.

        :param spec: a list or tuple of ``(field, limit)`` pairs, in the order of the
            index's keys.  Use :meth:`hint` too (MongoDB 4.2 requires it; 3.8
            deprecated ``min`` without it).
        :returns: this cursor.
        :raises TypeError: when ``spec`` is not a list or tuple.
        """
        return self._Cursor__set("min", _index_bounds(spec))

    def comment(self: _C, comment: Any) -> _C:
        """Attach a comment (a string or document) to the query."""
        return self._Cursor__set("comment", comment)

    def allow_disk_use(self: _C, allow_disk_use: bool) -> _C:
        """Let the server write temporary files for a large sort (MongoDB 4.4+).

        :param allow_disk_use: ``True`` to allow it, ``False`` to forbid it (the
            server's default applies when never called).
        :returns: this cursor.
        :raises TypeError: when ``allow_disk_use`` is not a ``bool``.

        New in 3.11.  A server before 3.2 (no ``find`` command) raises
        :exc:`~pymongo.errors.ConfigurationError` when the query runs.
        """
        return self._Cursor__set("allow_disk_use", check_bool("allow_disk_use",
                                                               allow_disk_use))

    def where(self: _C, code: Any) -> _C:
        """Add a ``$where`` clause: a JavaScript expression each document must satisfy.

        :param code: a ``str`` or :class:`~bson.code.Code` holding the expression; in
            it ``this`` is the document being scanned, e.g.
            ``"this.a < this.b + this.c"``.  It is added to the filter, replacing an
            earlier ``$where``.  MongoDB 4.4 refuses a Code with a scope; ``$expr`` in
            the filter is usually the better choice.
        :returns: this cursor.
        :raises TypeError: when ``code`` is not a ``str``.
        """
        if not isinstance(code, str):
            raise TypeError(f"code must be an instance of str or bson.code.Code, "
                            f"not {type(code).__name__}")
        spec = SON(self._Cursor__opts["spec"])
        spec["$where"] = code if isinstance(code, Code) else Code(code)
        return self._Cursor__set("spec", spec)

    def collation(self: _C, collation: Any) -> _C:
        """Use ``collation`` (a Collation or a dict) for string comparison."""
        return self._Cursor__set("collation", validate_collation_or_none(collation))

    def add_option(self: _C, mask: int) -> _C:
        """Set OP_QUERY flag bits on the query.

        :param mask: an ``int`` of flag bits: ``2`` tailable, ``4`` secondary ok, ``8``
            oplog replay, ``16`` no cursor timeout, ``32`` await data, ``64`` exhaust,
            ``128`` partial results (``add_option(2)`` makes the cursor tailable).
        :returns: this cursor.
        :raises TypeError: when ``mask`` is not an ``int``.
        :raises ~pymongo.errors.InvalidOperation: for the exhaust bit on a cursor with
            a limit.
        """
        _check_int("mask", mask)
        if mask & CursorType.EXHAUST and self._Cursor__opts["limit"]:
            raise InvalidOperation("Can't use limit and exhaust together.")
        return self._Cursor__set("flags", self._Cursor__opts["flags"] | mask)

    def remove_option(self: _C, mask: int) -> _C:
        """Clear OP_QUERY flag bits: ``mask`` is an ``int`` of the bits to clear (see
        :meth:`add_option`).  Returns this cursor; ``TypeError`` when ``mask`` is not an
        ``int``."""
        _check_int("mask", mask)
        return self._Cursor__set("flags", self._Cursor__opts["flags"] & ~mask)


def _index_bounds(spec: Any) -> SON:
    """``max`` / ``min``'s ``(field, limit)`` pairs as a document (``TypeError`` otherwise)."""
    if not isinstance(spec, (list, tuple)):
        raise TypeError(f"spec must be an instance of list or tuple, not {type(spec).__name__}")
    return SON(spec)
