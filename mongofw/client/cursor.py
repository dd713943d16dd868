"""Query cursors (documented as ``pymongo.cursor.Cursor``).

A cursor is lazy: the ``find`` command (an OP_QUERY before MongoDB 3.2) goes out on the
first ``next()``; ``getMore`` follows on the same server while the server cursor lives,
one batch at a time, so a client holds at most one batch in memory.  The server cursor is
killed on ``close()``, once a limit is reached, or - from ``__del__``, through the
client's background killer - when the object is garbage collected.

``CursorType.EXHAUST`` keeps its documented rules (no limit, no mongos); from MongoDB 3.6
(OP_MSG) the server may stream its batches on a connection pinned to the cursor
(``mongofw.core.dispatch.exhaust``).  A server that declines - FerretDB does - gets a ``getMore``
per batch, and the results are the same.
"""
from __future__ import annotations

import copy
import operator
from collections import deque
from collections.abc import Mapping
from typing import Any, Deque, Dict, List, Optional, Tuple

from bson.son import SON
from mongofw.client import command_cursor
from mongofw.client.collection_commands import check_read_concern
from mongofw.client.cursor_modifiers import CursorModifiers, _check_int
from mongofw.client.cursor_options import (
    NONES,
    CursorType,
    check_bool,
    find_command,
    query_flag,
)
from mongofw.client.index_specs import index_document, index_list
from mongofw.core.dispatch import cursor_legacy, exhaust
from mongofw.errors import (
    AutoReconnect,
    ConfigurationError,
    InvalidOperation,
    OperationFailure,
)
from mongofw.options.collation import validate_collation_or_none

# A cursor's options before its arguments and methods change them (see Cursor.__init__).
_DEFAULT_OPTIONS: Dict[str, Any] = {
    "spec": None, "projection": None, "skip": 0, "limit": 0, "batch_size": 0,
    "ordering": None, "hint": None, "max_time_ms": None, "max_await_time_ms": None,
    "max_scan": None, "max": None, "min": None, "comment": None,
    "flags": CursorType.NON_TAILABLE, "modifiers": None,  # a new {} per cursor
    "manipulate": True,
    "collation": None, "empty": False, "allow_disk_use": None,
}


def _default_options(filter: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    opts = _DEFAULT_OPTIONS.copy()
    opts["spec"] = filter if filter is not None else {}
    opts["modifiers"] = {}
    return opts


def run_find(coll: Any, sock_info: Any, slave_ok: bool, cmd: SON, collation: Any,
             session: Any, allow_disk_use: Optional[bool]) -> Tuple[int, str, List[Any]]:
    """Send a query on ``sock_info``: ``(cursor id, namespace, first batch)``.

    The ``find`` command from MongoDB 3.2 (``collation`` and the session's fields added
    to ``cmd``); an OP_QUERY before, which takes neither a collation nor allowDiskUse.
    """
    read_concern = check_read_concern(coll.read_concern, sock_info)
    if sock_info.max_wire_version < cursor_legacy.FIND_COMMAND_WIRE_VERSION:
        if collation is not None:
            raise ConfigurationError(f"collation requires wire version 5 (MongoDB "
                                     f"3.4); the server speaks "
                                     f"{sock_info.max_wire_version}")
        if allow_disk_use is not None:
            raise ConfigurationError(f"allow_disk_use requires the find command (MongoDB "
                                     f"3.2, wire version 4); the server speaks "
                                     f"{sock_info.max_wire_version}")
        cursor_id, batch = cursor_legacy.run_query(
            sock_info, coll.full_name, cmd, slave_ok, coll.read_preference,
            coll.codec_options)
        return cursor_id, coll.full_name, batch
    reply = sock_info.command(coll.database.name, cmd, slave_ok, coll.read_preference,
                              coll.codec_options, read_concern=read_concern,
                              collation=collation, session=session)
    cursor = reply["cursor"]
    return (int(cursor.get("id", 0)), str(cursor.get("ns") or coll.full_name),
            list(cursor.get("firstBatch", [])))


def find_one(collection: Any, filter: Optional[Mapping[str, Any]], session: Any) -> Any:
    """``collection.find_one(filter, session=session)`` without building a cursor: the
    query a cursor with ``limit(-1)`` sends, run the same way (retried as a read, in
    ``session`` or an implicit one), and its document, or None."""
    database = collection.database
    client = database.client
    opts = _default_options(filter)
    opts["limit"] = -1
    cmd = find_command(collection.name, opts)
    session, owns_session = client._cursor_session(session)

    def run(sock_info: Any, slave_ok: bool) -> Tuple[int, str, List[Any], Any]:
        return run_find(collection, sock_info, slave_ok, cmd, None, session, None) + \
            (sock_info.address,)

    try:
        cursor_id, namespace, batch, address = client._retryable_read(
            session, collection.read_preference, run)
        if cursor_id:  # a server that kept the cursor open despite singleBatch
            command_cursor.kill_now(client, cursor_id, address, namespace)
    finally:
        if owns_session:
            session.end_session()
    if not batch:
        return None
    document = batch[0]
    if database._outgoing_manipulators or database._outgoing_copying_manipulators:
        document = database._fix_outgoing(document, collection)
    return document


__all__ = ["Cursor", "CursorType"]


class Cursor(CursorModifiers):
    """A cursor over the results of a query on a collection.

    Applications get one from :meth:`~pymongo.collection.Collection.find`, which takes
    the same arguments (but ``collection``).  Nothing is sent before the first
    ``next()``; until then the option methods (:meth:`sort`, :meth:`limit`...) change
    the query and return the cursor.  Iterate it, or use it as a context manager to
    close it at the end of a block.

    :param collection: the :class:`~pymongo.collection.Collection` to query.
    :param filter: a query document (a mapping); ``None`` (the default) matches every
        document.
    :param projection: the fields to return: a mapping (``{"a": 1, "_id": 0}``) or a
        list of field names; ``None`` (the default) returns whole documents.
    :param skip: how many matches to skip (``int``, default 0).
    :param limit: the most documents to return (``int``; 0, the default, is no limit;
        a negative value returns one batch of at most that many and closes).
    :param no_cursor_timeout: when ``True``, the server does not close the cursor after
        10 idle minutes; close it yourself (default ``False``).
    :param cursor_type: a :class:`CursorType`: ``NON_TAILABLE`` (the default),
        ``TAILABLE`` or ``TAILABLE_AWAIT`` (for capped collections), or ``EXHAUST``
        (the server streams every batch; not with a limit nor through mongos).
    :param sort: a list of ``(key, direction)`` pairs (see :meth:`sort`).
    :param allow_partial_results: when ``True``, a mongos returns what it has when some
        shards are down, instead of an error (default ``False``).
    :param oplog_replay: when ``True``, set the oplog replay flag, for queries on the
        oplog filtering on ``ts`` (default ``False``).
    :param modifiers: a mapping of legacy query modifiers (``{"$maxTimeMS": 500}``...);
        deprecated in 3.5 for the keyword arguments that follow.
    :param batch_size: documents per batch (``int``; 0, the default, lets the server
        choose; see :meth:`batch_size`).
    :param manipulate: when ``True`` (the default), the database's SON manipulators
        see each document returned.
    :param collation: a :class:`~pymongo.collation.Collation` or collation document
        (MongoDB 3.4+).
    :param hint: an index name or list of ``(key, direction)`` pairs (see
        :meth:`hint`; this keyword and the eight after it are new in 3.5).
    :param max_scan: scan at most this many documents (deprecated in 3.7; MongoDB 4.2
        dropped it).
    :param max_time_ms: abort the query after this many milliseconds (see
        :meth:`max_time_ms`).
    :param max: exclusive upper index bounds, a list of ``(field, limit)`` pairs (see
        :meth:`max`).
    :param min: inclusive lower index bounds, likewise (see :meth:`min`).
    :param return_key: when ``True``, return only the index keys of each match.
    :param show_record_id: when ``True``, add each document's record id as
        ``$recordId``.
    :param snapshot: when ``True``, isolate the query from concurrent writes moving
        documents (MMAPv1 only; MongoDB 4.0 dropped it).
    :param comment: a string (or document) to find the query by in the server's logs
        and profiler.
    :param session: a :class:`~pymongo.client_session.ClientSession` to run in (new in
        3.6); ``None`` (the default) uses an implicit session that ends with the cursor.
    :param allow_disk_use: when ``True``, a large sort may write temporary files
        (MongoDB 4.4+; new in 3.11); ``None`` leaves it to the server.
    :raises TypeError: when an argument has the wrong type.
    :raises ValueError: when ``skip`` or ``batch_size`` is negative, or ``cursor_type``
        is not a CursorType.
    :raises ~pymongo.errors.InvalidOperation: for ``EXHAUST`` with a limit, or a
        ``session`` of another client or already ended.
    """

    def __init__(self, collection: Any, filter: Optional[Mapping[str, Any]] = None,
                 projection: Any = None, skip: int = 0, limit: int = 0,
                 no_cursor_timeout: bool = False, cursor_type: int = CursorType.NON_TAILABLE,
                 sort: Any = None, allow_partial_results: bool = False,
                 oplog_replay: bool = False, modifiers: Optional[Mapping[str, Any]] = None,
                 batch_size: int = 0, manipulate: bool = True, collation: Any = None,
                 hint: Any = None, max_scan: Optional[int] = None,
                 max_time_ms: Optional[int] = None, max: Any = None, min: Any = None,
                 return_key: Optional[bool] = None, show_record_id: Optional[bool] = None,
                 snapshot: Optional[bool] = None, comment: Any = None, session: Any = None,
                 allow_disk_use: Optional[bool] = None) -> None:
        # The caller's session (checked now); an implicit one is made when the query runs.
        database = self.__database = collection.database
        self.__explicit_session = database.client._check_session(session)
        self.__collection = collection
        if filter is not None and not isinstance(filter, Mapping):
            raise TypeError(f"filter must be an instance of dict, bson.son.SON, or another "
                            f"type that inherits from collections.abc.Mapping, not "
                            f"{type(filter).__name__}")
        if type(skip) is not int or type(limit) is not int or type(batch_size) is not int:
            _check_int("skip", skip)
            _check_int("limit", limit)
            _check_int("batch_size", batch_size)
        if skip < 0:
            raise ValueError(f"skip must be >= 0, not {skip}")
        if batch_size < 0:
            raise ValueError(f"batch_size must be >= 0, not {batch_size}")
        if cursor_type not in CursorType.VALUES:
            raise ValueError(f"not a valid value for cursor_type: {cursor_type!r}; use one of "
                             f"NON_TAILABLE, TAILABLE, TAILABLE_AWAIT, EXHAUST")
        if cursor_type == CursorType.EXHAUST and limit:
            raise InvalidOperation("Can't use limit and exhaust together.")
        if modifiers is not None and not isinstance(modifiers, Mapping):
            raise TypeError(f"modifiers must be a mapping, not {type(modifiers).__name__}")
        if projection is not None and not isinstance(projection, Mapping):
            if not isinstance(projection, (list, tuple)):
                raise TypeError(f"projection must be a mapping or a list of field names, "
                                f"not {type(projection).__name__}")
            projection = {name: 1 for name in projection} or {"_id": 1}
        flags = cursor_type
        if no_cursor_timeout is not False or allow_partial_results is not False or \
                oplog_replay is not False:
            flags |= query_flag("no_cursor_timeout", check_bool("no_cursor_timeout",
                                                                no_cursor_timeout))
            flags |= query_flag("allow_partial_results",
                                check_bool("allow_partial_results", allow_partial_results))
            flags |= query_flag("oplog_replay", check_bool("oplog_replay", oplog_replay))
        # Everything clone() copies lives in this one dict.
        opts = self.__opts = _default_options(filter)
        opts["projection"] = projection
        opts["skip"], opts["limit"], opts["batch_size"], opts["flags"] = \
            skip, limit, batch_size, flags
        if sort is not None:
            opts["ordering"] = index_document(index_list(sort))
        if modifiers:
            opts["modifiers"] = dict(modifiers)
        if manipulate is not True:
            opts["manipulate"] = check_bool("manipulate", manipulate)
        if collation is not None:
            opts["collation"] = validate_collation_or_none(collation)
        self.__reset()
        # The 3.5+ keyword forms of the query modifiers, checked by their methods (most
        # queries give none: one C-level pass over them says so).
        given = (hint, max_scan, max_time_ms, max, min, comment, allow_disk_use,
                 return_key, show_record_id, snapshot)
        if not all(map(operator.is_, given, NONES)):
            self.__keyword_modifiers(*given)

    def __keyword_modifiers(self, hint: Any, max_scan: Any, max_time_ms: Any, max: Any,
                            min: Any, comment: Any, allow_disk_use: Any, return_key: Any,
                            show_record_id: Any, snapshot: Any) -> None:
        for method, value in ((self.hint, hint), (self.max_scan, max_scan),
                              (self.max_time_ms, max_time_ms), (self.max, max),
                              (self.min, min), (self.comment, comment),
                              (self.allow_disk_use, allow_disk_use)):
            if value is not None:
                method(value)
        for modifier, name, value in (("$returnKey", "return_key", return_key),
                                      ("$showDiskLoc", "show_record_id", show_record_id),
                                      ("$snapshot", "snapshot", snapshot)):
            if value is not None:
                self.__opts["modifiers"][modifier] = check_bool(name, value)

    def __reset(self) -> None:
        self.__data: Deque[Any] = deque()
        self.__id: Optional[int] = None
        self.__address: Any = None
        self.__namespace = self.__collection.full_name
        self.__retrieved = 0
        self.__killed = False
        self.__started = False
        self.__exhaust: Optional[exhaust.ExhaustStream] = None
        # The session of the query and its getMores; an implicit one ends with the cursor.
        self.__session: Any = None
        self.__owns_session = False

    # ------------------------------------------------------------ properties

    @property
    def collection(self) -> Any:
        """The Collection this cursor reads from."""
        return self.__collection

    @property
    def retrieved(self) -> int:
        """The number of documents retrieved so far."""
        return self.__retrieved

    @property
    def cursor_id(self) -> Optional[int]:
        """The server cursor id (None before the first batch, 0 once exhausted)."""
        return self.__id

    @property
    def address(self) -> Any:
        """The (host, port) of the server used, or None before the query ran.

        It also carries the cursor's namespace, so ``client.close_cursor(cursor.cursor_id,
        cursor.address)`` can name the collection the kill needs.
        """
        if self.__address is None:
            return None
        return command_cursor.CursorAddress(tuple(self.__address), self.__namespace)

    @property
    def alive(self) -> bool:
        """Whether this cursor may return more data (``next()`` can still stop)."""
        return bool(self.__data) or not self.__killed

    # ------------------------------------------------------------ modifiers

    def __set(self, name: str, value: Any) -> Cursor:
        if self.__started:
            raise InvalidOperation("cannot set options after executing query")
        self.__opts[name] = value
        return self

    @property
    def session(self) -> Any:
        """The explicit ClientSession this cursor runs in, or None.  New in PyMongo 3.6."""
        return self.__explicit_session

    def __getitem__(self, index: Any) -> Any:
        """``cursor[n]``: the n-th document; ``cursor[a:b]``: this cursor with skip/limit."""
        if self.__started:
            raise InvalidOperation("cannot set options after executing query")
        if isinstance(index, slice):
            if index.step is not None:
                raise IndexError("Cursor instances do not support slice steps")
            start = 0 if index.start is None else index.start
            if not isinstance(start, int) or start < 0:
                raise IndexError(f"Cursor instances do not support negative indices "
                                 f"(start={start!r})")
            limit = 0
            if index.stop is not None:
                limit = index.stop - start
                if limit < 0:
                    raise IndexError(f"stop index must be greater than start index for "
                                     f"slice {index!r}")
            self.__opts.update(skip=start, limit=limit, empty=limit == 0 and
                               index.stop is not None)
            return self
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"index {index!r} cannot be applied to Cursor instances")
        if index < 0:
            raise IndexError(f"Cursor instances do not support negative indices ({index})")
        clone = self.clone()
        clone.skip(index + self.__opts["skip"])
        clone.limit(-1)
        for document in clone:
            return document
        raise IndexError(f"no such item for Cursor instance: {index}")

    # ------------------------------------------------------------ copies and helpers

    def clone(self) -> Cursor:
        """An unevaluated copy of this cursor with the same options."""
        return self._clone(deepcopy=True)

    def _clone(self, deepcopy: bool) -> Cursor:
        twin = type(self).__new__(type(self))
        twin._Cursor__collection = self.__collection
        twin._Cursor__database = self.__database
        twin._Cursor__explicit_session = self.__explicit_session
        opts = dict(self.__opts)
        if deepcopy:
            opts = copy.deepcopy(opts)
        twin._Cursor__opts = opts
        twin._Cursor__reset()
        return twin

    def __copy__(self) -> Cursor:
        return self._clone(deepcopy=False)

    def __deepcopy__(self, memo: Any) -> Cursor:
        return self._clone(deepcopy=True)

    def rewind(self) -> Cursor:
        """Back to the unevaluated state (options kept); the server cursor is killed."""
        self.close()
        self.__reset()
        return self

    def count(self, with_limit_and_skip: bool = False) -> int:
        """The number of matching documents (``with_limit_and_skip``: as this cursor returns)."""
        from mongofw.client.collection_reads import count_for_cursor

        check_bool("with_limit_and_skip", with_limit_and_skip)
        return count_for_cursor(self.__collection, self.__opts, with_limit_and_skip,
                                self.__explicit_session)

    def distinct(self, key: str) -> List[Any]:
        """Distinct values of ``key`` among this query's documents."""
        from mongofw.client.collection_reads import distinct_for_cursor

        return distinct_for_cursor(self.__collection, self.__opts, key,
                                   self.__explicit_session)

    def explain(self) -> Mapping[str, Any]:
        """The server's explain plan for this query."""
        from mongofw.client.collection_reads import explain_find

        return explain_find(self.__collection, find_command(self.__collection.name,
                                                            self.__opts))

    # ------------------------------------------------------------ execution

    def _find_command(self) -> SON:
        return find_command(self.__collection.name, self.__opts)

    def __open(self) -> List[Any]:
        coll = self.__collection
        client = coll.database.client
        cmd = find_command(coll.name, self.__opts)
        collation = cmd.pop("collation", None)
        exhausting = bool(self.__opts["flags"] & CursorType.EXHAUST)
        if exhausting and self.__explicit_session is None:
            session = None  # an exhaust stream's getMores carry no lsid
        else:
            session, self.__owns_session = client._cursor_session(self.__explicit_session)
        self.__session = session

        def run(sock_info: Any, slave_ok: bool) -> List[Any]:
            return self.__open_on(sock_info, slave_ok, cmd, collation, session)

        if exhausting:  # the stream is pinned to its first connection: never retried
            read_preference = client._read_preference_in(session, coll.read_preference)
            with client._socket_for_reads(read_preference, session) as (sock_info, slave_ok):
                return run(sock_info, slave_ok)
        return client._retryable_read(session, coll.read_preference, run)

    def __open_on(self, sock_info: Any, slave_ok: bool, cmd: SON, collation: Any,
                  session: Any) -> List[Any]:
        coll = self.__collection
        self.__address = sock_info.address
        if self.__opts["flags"] & CursorType.EXHAUST:
            if sock_info.is_mongos:
                raise InvalidOperation("Exhaust cursors are not supported by mongos")
            if sock_info.max_wire_version >= exhaust.EXHAUST_WIRE_VERSION:
                self.__exhaust = exhaust.ExhaustStream(coll.database.client, sock_info.address)
        self.__id, namespace, batch = run_find(coll, sock_info, slave_ok, cmd, collation,
                                               session, self.__opts["allow_disk_use"])
        self.__namespace = namespace
        return batch

    def __more(self) -> List[Any]:
        opts = self.__opts
        limit = abs(opts["limit"])
        batch_size = opts["batch_size"]
        if limit:
            # Never ask for more than the limit still allows.
            remaining = limit - self.__retrieved
            batch_size = min(batch_size, remaining) if batch_size else remaining
        if self.__exhaust is not None:
            self.__id, batch = self.__exhaust.get_more(
                self.__namespace, self.__id, batch_size, self.__collection.codec_options)
            return batch
        max_time_ms = None
        if opts["flags"] & CursorType.TAILABLE_AWAIT == CursorType.TAILABLE_AWAIT:
            max_time_ms = opts["max_await_time_ms"]
        self.__id, batch = command_cursor.get_more(
            self.__collection.database.client, self.__address, self.__namespace, self.__id,
            batch_size, self.__collection.codec_options, max_time_ms, self.__session)
        return batch

    def _refresh(self) -> int:
        """Fetch the next batch; returns how many documents are buffered."""
        if self.__data or self.__killed:
            return len(self.__data)
        if self.__opts["empty"]:
            self.__started = self.__killed = True
            return 0
        try:
            if not self.__started:
                self.__started = True
                batch = self.__open()
            else:
                batch = self.__more()
        except OperationFailure:
            self.__killed = True  # the server reported the query or cursor dead
            self.__end_session()
            raise
        except AutoReconnect:
            self.__die(later=True)
            raise
        limit = abs(self.__opts["limit"])
        if limit:
            batch = batch[:max(0, limit - self.__retrieved)]
        self.__data.extend(batch)
        self.__retrieved += len(batch)
        if not self.__id or (limit and self.__retrieved >= limit) or self.__opts["limit"] < 0:
            self.__die()
        return len(self.__data)

    def __die(self, later: bool = False) -> None:
        if self.__killed:
            return
        self.__killed = True
        if self.__exhaust is not None:
            self.__exhaust.close()
        if self.__id and self.__address is not None:
            client = self.__collection.database.client
            if later:
                command_cursor.kill_later(client, self.__id, self.__address, self.__namespace)
            else:
                command_cursor.kill_now(client, self.__id, self.__address, self.__namespace)
        self.__end_session()

    def __end_session(self) -> None:
        if self.__owns_session and self.__session is not None:
            self.__owns_session = False
            self.__session.end_session()

    def close(self) -> None:
        """Kill the server cursor (if any) and discard buffered documents."""
        self.__data.clear()
        self.__die()

    def __del__(self) -> None:
        # Garbage collection must not do network I/O nor take locks: the client's killer
        # thread kills the server cursor and gives a pinned exhaust connection back.
        if getattr(self, "_Cursor__killed", True):
            return
        self.__killed = True
        client = self.__collection.database.client
        if self.__exhaust is not None:
            client._defer(self.__exhaust.close_deferred)
        if self.__id and self.__address:
            command_cursor.kill_later(client, self.__id, self.__address, self.__namespace)

    def __iter__(self) -> Cursor:
        return self

    def __next__(self) -> Any:
        """The next document, fetching a batch from the server when none is buffered.

        :raises StopIteration: when there are no more results (a tailable cursor may
            have more later: check :attr:`alive` and call again).
        :raises ~pymongo.errors.OperationFailure: when the server refuses the query
            (:exc:`~pymongo.errors.ExecutionTimeout` past ``max_time_ms``,
            :exc:`~pymongo.errors.CursorNotFound` when the server cursor timed out).
        :raises ~pymongo.errors.AutoReconnect: when the connection is lost (the query
            itself is retried once first, when retryable reads are on).
        """
        if not self.__data:
            tailable = self.__opts["flags"] & CursorType.TAILABLE
            # A tailable cursor returns after one empty getMore; others ask until data or
            # the end.
            while not self.__data and not self.__killed:
                self._refresh()
                if tailable:
                    break
            if not self.__data:
                raise StopIteration
        document = self.__data.popleft()
        if self.__opts["manipulate"]:
            database = self.__database
            if database._outgoing_manipulators or database._outgoing_copying_manipulators:
                document = database._fix_outgoing(document, self.__collection)
        return document

    next = __next__

    def _take_batch(self) -> List[Any]:
        """Every buffered document, fetching the next batch first when none is buffered."""
        while not self.__data and not self.__killed:
            self._refresh()
            if self.__opts["flags"] & CursorType.TAILABLE:
                break
        batch = list(self.__data)
        self.__data.clear()
        return batch

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
