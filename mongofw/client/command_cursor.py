"""Cursors over command results (documented as ``pymongo.command_cursor.CommandCursor``).

``aggregate``, ``listIndexes``, ``parallelCollectionScan`` and friends answer with a
cursor document (``{"id", "ns", "firstBatch"}``); a CommandCursor iterates it with
``getMore`` on the same server and kills the server cursor on ``close()``, exhaustion or
garbage collection.  The getMore/kill plumbing here is shared with ``Cursor``.
"""
from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any, Deque, List, Optional, Tuple

from bson.int64 import Int64
from bson.son import SON
from mongofw.client.transactions import add_transient_label
from mongofw.core.dispatch import cursor_legacy
from mongofw.errors import AutoReconnect, OperationFailure, PyMongoError


class CursorAddress(tuple):
    """A server ``(host, port)`` that also knows the namespace of the cursor opened there.

    It compares and prints as the plain pair; ``namespace`` lets whoever kills the
    cursor later (the client's background killer, a cursor manager) name the collection
    the ``killCursors`` command needs.
    """

    namespace: Optional[str]

    def __new__(cls, address: Tuple[str, Optional[int]], namespace: Optional[str]
                ) -> CursorAddress:
        self = super().__new__(cls, address)
        self.namespace = namespace
        return self

    def __getnewargs__(self) -> Tuple[Tuple[Any, ...], Optional[str]]:  # copy and pickle
        return tuple(self), self.namespace


def get_more(client: Any, address: Any, namespace: str, cursor_id: int, batch_size: int,
             codec_options: Any, max_time_ms: Optional[int] = None,
             session: Any = None) -> Tuple[int, List[Any]]:
    """One more batch from the server cursor: ``(new_cursor_id, documents)``."""
    db_name, coll_name = namespace.split(".", 1)
    with client._socket_for_address(tuple(address)) as sock_info:
        if sock_info.max_wire_version < cursor_legacy.FIND_COMMAND_WIRE_VERSION:
            return cursor_legacy.get_more(sock_info, namespace, batch_size, cursor_id,
                                          codec_options)
        # Servers insist on a 64-bit id; a small id decoded as int would go out as int32.
        cmd = SON([("getMore", Int64(cursor_id)), ("collection", coll_name)])
        if batch_size:
            cmd["batchSize"] = batch_size
        if max_time_ms is not None:
            cmd["maxTimeMS"] = max_time_ms
        try:
            reply = sock_info.command(db_name, cmd, codec_options=codec_options,
                                      session=session)
        except PyMongoError as exc:
            add_transient_label(session, exc)  # a network error inside a transaction
            raise
    cursor = reply["cursor"]
    return int(cursor.get("id", 0)), list(cursor.get("nextBatch", []))


def kill_now(client: Any, cursor_id: int, address: Any, namespace: str) -> None:
    """Kill a server cursor right away (``close()``, exhaustion by limit)."""
    client._close_cursor_now(Int64(cursor_id), tuple(address), namespace)


def kill_later(client: Any, cursor_id: int, address: Any, namespace: str) -> None:
    """Schedule a kill from ``__del__``: no locks, no I/O on this thread."""
    if sys.is_finalizing():
        # At interpreter exit no thread can start to send the kill (Thread.start() would
        # block forever); the connections close and the server reaps the cursor itself.
        return
    client.close_cursor(Int64(cursor_id), CursorAddress(tuple(address), namespace))


class SessionShare:
    """An implicit session that several cursors own together (``parallel_scan``'s: the
    getMores of every cursor must carry the lsid of the command that opened them all).
    It ends when the last holder releases it."""

    def __init__(self, session: Any, holders: int) -> None:
        self.session = session
        self._holders = holders
        self._lock = threading.Lock()
        if holders <= 0:
            session.end_session()

    def release(self) -> None:
        with self._lock:
            self._holders -= 1
            last = self._holders == 0
        if last:
            self.session.end_session()


class CommandCursor:
    """A cursor over the results of a command that returns a cursor.

    Applications get one from :meth:`~pymongo.collection.Collection.aggregate`,
    :meth:`~pymongo.collection.Collection.list_indexes`,
    :meth:`~pymongo.database.Database.list_collections` and the like, rather than
    making one: the first batch came with the command's reply, and iterating fetches
    the next ones with ``getMore`` from the same server.  Use it as a context manager
    (or call :meth:`close`) to kill the server cursor early.
    """

    def __init__(self, collection: Any, cursor_info: Mapping[str, Any], address: Any,
                 retrieved: int = 0, batch_size: int = 0,
                 max_await_time_ms: Optional[int] = None, session: Any = None,
                 explicit_session: bool = False, *,
                 session_share: Optional[SessionShare] = None) -> None:
        """Wrap the cursor a command opened.

        :param collection: the :class:`~pymongo.collection.Collection` the command ran
            on (its codec options decode the documents).
        :param cursor_info: the reply's ``cursor`` document: its ``id`` (0 when the
            server has nothing more), ``firstBatch`` and ``ns``.
        :param address: the ``(host, port)`` of the server holding the cursor.
        :param retrieved: how many documents were retrieved before (default 0).
        :param batch_size: documents per ``getMore`` (0, the default, lets the server
            choose).
        :param max_await_time_ms: for a tailable await cursor, how long each
            ``getMore`` may wait for new data (``int`` ms, or ``None``).
        :param session: the session of the command that opened the cursor; its
            ``getMore`` commands carry the same one.
        :param explicit_session: ``True`` when ``session`` is the caller's; otherwise
            it is an implicit session the cursor ends when it is done (or, with a
            ``session_share``, one several cursors own, ended by the last of them).
        :raises TypeError: when ``cursor_info`` has no ``id``, or ``batch_size`` or
            ``max_await_time_ms`` is not an int.
        :raises ValueError: for a negative ``batch_size``.
        """
        if not isinstance(cursor_info, Mapping) or "id" not in cursor_info:
            raise TypeError(f"cursor_info must be a cursor document with an 'id', not "
                            f"{cursor_info!r}")
        self.__collection = collection
        self.__id = int(cursor_info["id"])
        self.__address = address
        self.__data: Deque[Any] = deque(cursor_info.get("firstBatch", ()))
        self.__retrieved = retrieved + len(self.__data)
        self.__batch_size = 0
        self.batch_size(batch_size)
        if max_await_time_ms is not None and (
                not isinstance(max_await_time_ms, int) or isinstance(max_await_time_ms, bool)):
            raise TypeError(f"max_await_time_ms must be an integer or None, not "
                            f"{type(max_await_time_ms).__name__}")
        self.__max_await_time_ms = max_await_time_ms
        # listIndexes/listCollections name a "$cmd.listIndexes"-style namespace for getMore.
        self.__namespace = str(cursor_info.get("ns") or collection.full_name)
        self.__killed = self.__id == 0
        # The session of the command that opened the cursor: its getMores carry the same
        # lsid.  An implicit one the cursor owns ends with the cursor (or, when cursors
        # share it, with the last of them).
        self.__session = session
        self.__owns_session = session is not None and not explicit_session
        self.__explicit_session = session if explicit_session else None
        self.__session_share = session_share
        if self.__killed:
            self.__end_session()

    def __end_session(self) -> None:
        if self.__owns_session and self.__session is not None:
            self.__owns_session = False
            if self.__session_share is not None:
                self.__session_share.release()
            else:
                self.__session.end_session()

    @property
    def address(self) -> Any:
        """The (host, port) of the server used, or None.

        It also carries the cursor's namespace, so ``client.close_cursor(cursor.cursor_id,
        cursor.address)`` can name the collection the kill needs.
        """
        return None if self.__address is None else \
            CursorAddress(tuple(self.__address), self.__namespace)

    @property
    def alive(self) -> bool:
        """Whether this cursor may return more data (``next()`` can still stop)."""
        return bool(self.__data) or not self.__killed

    @property
    def cursor_id(self) -> int:
        """The server cursor id (0 once the server has no more results)."""
        return self.__id

    @property
    def retrieved(self) -> int:
        """The number of documents retrieved so far."""
        return self.__retrieved

    def batch_size(self, batch_size: int) -> CommandCursor:
        """Set how many documents each further batch holds; returns this cursor.

        :param batch_size: documents per ``getMore`` (``int`` >= 0; 0 lets the server
            choose).  The batch already received is not affected.
        :returns: this cursor, for chaining.
        :raises TypeError: when ``batch_size`` is not an int.
        :raises ValueError: when ``batch_size`` is negative.
        """
        if not isinstance(batch_size, int) or isinstance(batch_size, bool):
            raise TypeError(f"batch_size must be an integer, not {type(batch_size).__name__}")
        if batch_size < 0:
            raise ValueError(f"batch_size must be >= 0, not {batch_size}")
        self.__batch_size = batch_size
        return self

    def _refresh(self) -> int:
        if self.__data or self.__killed:
            return len(self.__data)
        client = self.__collection.database.client
        try:
            self.__id, batch = get_more(client, self.__address, self.__namespace, self.__id,
                                        self.__batch_size, self.__collection.codec_options,
                                        self.__max_await_time_ms, self.__session)
        except (OperationFailure, AutoReconnect):
            # The server reported the cursor dead (or its connection is gone): never retry.
            self.__killed = True
            self.__end_session()
            raise
        self.__data.extend(batch)
        self.__retrieved += len(batch)
        if not self.__id:
            self.__killed = True
            self.__end_session()
        return len(self.__data)

    def close(self) -> None:
        """Kill the server cursor (if any) and discard buffered documents."""
        self.__data.clear()
        if not self.__killed:
            self.__killed = True
            if self.__id:
                kill_now(self.__collection.database.client, self.__id, self.__address,
                         self.__namespace)
        self.__end_session()

    def __del__(self) -> None:
        if not getattr(self, "_CommandCursor__killed", True) and self.__id:
            self.__killed = True
            kill_later(self.__collection.database.client, self.__id, self.__address,
                       self.__namespace)

    def __iter__(self) -> CommandCursor:
        return self

    @property
    def session(self) -> Any:
        """The explicit ClientSession this cursor runs in, or None.  New in PyMongo 3.6."""
        return self.__explicit_session

    def __next__(self) -> Any:
        """The next document, fetching the next batch from the server when the current
        one is used up.

        :raises StopIteration: when the results are exhausted.
        :raises ~pymongo.errors.OperationFailure: when the server fails the ``getMore``
            (say, the cursor timed out: the cursor is then dead).
        :raises ~pymongo.errors.AutoReconnect: when the connection is lost.
        """
        # An empty batch with a live id is not the end: ask again until data or id 0.
        while not self.__data and not self.__killed:
            self._refresh()
        if not self.__data:
            raise StopIteration
        return self.__data.popleft()

    next = __next__

    def _take_batch(self) -> List[Any]:
        """Every buffered document, fetching the next batch first when none is buffered."""
        while not self.__data and not self.__killed:
            self._refresh()
        batch = list(self.__data)
        self.__data.clear()
        return batch

    def __enter__(self) -> CommandCursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
