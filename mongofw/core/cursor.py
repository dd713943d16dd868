"""Query cursors (documented as ``pymongo.cursor.Cursor``).

A cursor is lazy: the ``find`` command goes out on the first ``next()``, ``getMore``
follows on the same server while the server cursor lives, and the server cursor is
killed on ``close()``, on exhaustion or when the object is garbage collected.
"""
from __future__ import annotations

from collections import deque
from typing import Any, Deque, List, Mapping, Optional

from bson.son import SON
from mongofw.core.errors import InvalidOperation


class CursorType:
    """Cursor types: non-tailable, tailable, tailable with await-data, exhaust."""

    NON_TAILABLE = 0
    TAILABLE = 2
    TAILABLE_AWAIT = TAILABLE | 32
    EXHAUST = 64


def _index_document(index_list: Any) -> SON:
    if isinstance(index_list, str):
        return SON([(index_list, 1)])
    if not isinstance(index_list, (list, tuple)):
        raise TypeError(f"must use a list of (key, direction) pairs, not "
                        f"{type(index_list).__name__}")
    if not index_list:
        raise ValueError("key_or_list must not be the empty list")
    doc = SON()
    for item in index_list:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            raise TypeError(f"sort items must be (key, direction) pairs, not {item!r}")
        key, direction = item
        if not isinstance(key, str):
            raise TypeError(f"first item in each key pair must be a string, not {key!r}")
        doc[key] = direction
    return doc


class Cursor:
    """A cursor over the results of a query on a collection."""

    def __init__(self, collection: Any, filter: Optional[Mapping[str, Any]] = None,
                 projection: Any = None, skip: int = 0, limit: int = 0,
                 no_cursor_timeout: bool = False, cursor_type: int = CursorType.NON_TAILABLE,
                 sort: Any = None, allow_partial_results: bool = False,
                 oplog_replay: bool = False, modifiers: Optional[Mapping[str, Any]] = None,
                 batch_size: int = 0, manipulate: bool = True,
                 collation: Any = None) -> None:
        self.__collection = collection
        if filter is not None and not isinstance(filter, Mapping):
            raise TypeError(f"filter must be a mapping, not {type(filter).__name__}")
        if not isinstance(skip, int) or isinstance(skip, bool):
            raise TypeError(f"skip must be an instance of int, not {type(skip).__name__}")
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise TypeError(f"limit must be an instance of int, not {type(limit).__name__}")
        if skip < 0:
            raise ValueError(f"skip must be >= 0, not {skip}")
        if not isinstance(batch_size, int) or batch_size < 0:
            raise ValueError(f"batch_size must be a non-negative int, not {batch_size!r}")
        if projection is not None and not isinstance(projection, Mapping):
            projection = {name: 1 for name in projection}
        self.__spec = filter or {}
        self.__projection = projection
        self.__skip = skip
        self.__limit = limit
        self.__batch_size = batch_size
        self.__sort = _index_document(sort) if sort is not None else None
        self.__cursor_type = cursor_type
        self.__no_cursor_timeout = no_cursor_timeout
        self.__allow_partial_results = allow_partial_results
        self.__collation = collation
        self.__modifiers = dict(modifiers or {})
        self.__manipulate = manipulate
        self.__data: Deque[Any] = deque()
        self.__id: Optional[int] = None
        self.__address: Any = None
        self.__retrieved = 0
        self.__killed = False
        self.__started = False

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
        """The (host, port) of the server this cursor reads from, once known."""
        return self.__address

    @property
    def alive(self) -> bool:
        """Whether more documents may be available."""
        return bool(self.__data) or not self.__killed

    def __check_okay_to_chain(self) -> None:
        if self.__started:
            raise InvalidOperation("cannot set options after executing query")

    def limit(self, limit: int) -> Cursor:
        """Limit the number of results (0 means no limit; negative: one batch only)."""
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise TypeError(f"limit must be an integer, not {type(limit).__name__}")
        self.__check_okay_to_chain()
        self.__limit = limit
        return self

    def skip(self, skip: int) -> Cursor:
        """Skip the first ``skip`` results."""
        if not isinstance(skip, int) or isinstance(skip, bool):
            raise TypeError(f"skip must be an integer, not {type(skip).__name__}")
        if skip < 0:
            raise ValueError(f"skip must be >= 0, not {skip}")
        self.__check_okay_to_chain()
        self.__skip = skip
        return self

    def batch_size(self, batch_size: int) -> Cursor:
        """Documents per batch (0 lets the server choose)."""
        if not isinstance(batch_size, int) or isinstance(batch_size, bool):
            raise TypeError(f"batch_size must be an integer, not {type(batch_size).__name__}")
        if batch_size < 0:
            raise ValueError(f"batch_size must be >= 0, not {batch_size}")
        self.__check_okay_to_chain()
        self.__batch_size = batch_size
        return self

    def sort(self, key_or_list: Any, direction: Any = None) -> Cursor:
        """Sort by a key and direction, or by a list of (key, direction) pairs."""
        self.__check_okay_to_chain()
        if direction is not None:
            key_or_list = [(key_or_list, direction)]
        self.__sort = _index_document(key_or_list)
        return self

    # ------------------------------------------------------------ execution

    def _find_command(self) -> SON:
        cmd = SON([("find", self.__collection.name), ("filter", self.__spec)])
        if self.__sort:
            cmd["sort"] = self.__sort
        if self.__projection is not None:
            cmd["projection"] = self.__projection
        if self.__skip:
            cmd["skip"] = self.__skip
        if self.__limit:
            cmd["limit"] = abs(self.__limit)
            if self.__limit < 0:
                cmd["singleBatch"] = True
        if self.__batch_size:
            cmd["batchSize"] = self.__batch_size if not self.__limit else \
                min(self.__batch_size, abs(self.__limit))
        if self.__cursor_type & CursorType.TAILABLE:
            cmd["tailable"] = True
        if self.__cursor_type & (CursorType.TAILABLE_AWAIT ^ CursorType.TAILABLE):
            cmd["awaitData"] = True
        if self.__no_cursor_timeout:
            cmd["noCursorTimeout"] = True
        if self.__allow_partial_results:
            cmd["allowPartialResults"] = True
        if self.__collation is not None:
            cmd["collation"] = self.__collation
        for key, value in self.__modifiers.items():
            cmd[key.lstrip("$")] = value
        return cmd

    def _refresh(self) -> int:
        """Fetch the next batch; returns how many documents are buffered."""
        if self.__data or self.__killed:
            return len(self.__data)
        coll = self.__collection
        client = coll.database.client
        if not self.__started:
            self.__started = True
            reply, address = client._run_cursor_command(
                coll.database.name, self._find_command(), coll.read_preference,
                coll.codec_options, coll.read_concern)
            self.__address = address
            cursor = reply["cursor"]
            batch = cursor.get("firstBatch", [])
        else:
            cmd = SON([("getMore", self.__id), ("collection", coll.name)])
            if self.__batch_size:
                cmd["batchSize"] = self.__batch_size
            reply = client._run_get_more(self.__address, coll.database.name, cmd,
                                         coll.codec_options)
            cursor = reply["cursor"]
            batch = cursor.get("nextBatch", [])
        self.__id = cursor.get("id", 0)
        if self.__limit:
            batch = batch[:max(0, abs(self.__limit) - self.__retrieved)]
        self.__data.extend(batch)
        self.__retrieved += len(batch)
        if not self.__id or (self.__limit and self.__retrieved >= abs(self.__limit)) or \
                self.__limit < 0:
            self.__die()
        return len(self.__data)

    def __die(self) -> None:
        if self.__killed:
            return
        self.__killed = True
        if self.__id:
            self.__collection.database.client._close_cursor_now(
                self.__id, self.__address, self.__collection.full_name)
        self.__id = self.__id or 0

    def close(self) -> None:
        """Kill the server cursor (if any) and discard buffered documents."""
        self.__data.clear()
        self.__die()

    def __del__(self) -> None:
        # Garbage collection must not do network I/O: hand the id to the client's killer.
        if not getattr(self, "_Cursor__killed", True) and self.__id:
            self.__killed = True
            self.__collection.database.client.close_cursor(self.__id, self.__address)

    def __iter__(self) -> Cursor:
        return self

    def __next__(self) -> Any:
        if not self.__data and not self._refresh():
            raise StopIteration
        document = self.__data.popleft()
        if self.__manipulate:
            database = self.__collection.database
            if database._outgoing_manipulators or database._outgoing_copying_manipulators:
                document = database._fix_outgoing(document, self.__collection)
        return document

    next = __next__

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def to_list(self) -> List[Any]:
        return list(self)
