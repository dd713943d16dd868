"""Result objects of the write operations (documented as ``pymongo.results``)."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from mongofw.errors import InvalidOperation


class _WriteResult:
    """Base: ``acknowledged``; every other attribute raises for unacknowledged writes.

    No ``__slots__``: 3.4's results took arbitrary attributes.
    """


    def __init__(self, acknowledged: bool) -> None:
        self._acknowledged = acknowledged

    def _raise_if_unacknowledged(self, property_name: str) -> None:
        if not self._acknowledged:
            raise InvalidOperation(
                f"A value for {property_name} is not available when the write is "
                f"unacknowledged. Check the acknowledged attribute to avoid this error.")

    @property
    def acknowledged(self) -> bool:
        """Whether the write was acknowledged (False for ``WriteConcern(w=0)``)."""
        return self._acknowledged

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, '_' + name)!r}"
                           for name in self._repr_fields())
        return f"{type(self).__name__}({fields}, acknowledged={self._acknowledged})"

    def _repr_fields(self) -> List[str]:
        return []


class InsertOneResult(_WriteResult):
    """The return type of ``insert_one``.

    :param inserted_id: the ``_id`` of the inserted document.
    :param acknowledged: whether the server acknowledged the write (``False`` under
        ``WriteConcern(w=0)``).
    """


    def __init__(self, inserted_id: Any, acknowledged: bool) -> None:
        self._inserted_id = inserted_id
        super().__init__(acknowledged)

    @property
    def inserted_id(self) -> Any:
        """The ``_id`` of the inserted document (available even when unacknowledged)."""
        return self._inserted_id

    def _repr_fields(self) -> List[str]:
        return ["inserted_id"]


class InsertManyResult(_WriteResult):
    """The return type of ``insert_many``.

    :param inserted_ids: the ``_id`` values of the documents, in input order.
    :param acknowledged: whether the server acknowledged the write (``False`` under
        ``WriteConcern(w=0)``).
    """


    def __init__(self, inserted_ids: List[Any], acknowledged: bool) -> None:
        self._inserted_ids = inserted_ids
        super().__init__(acknowledged)

    @property
    def inserted_ids(self) -> List[Any]:
        """The ``_id`` values of the inserted documents, in input order."""
        return self._inserted_ids

    def _repr_fields(self) -> List[str]:
        return ["inserted_ids"]


class _RawWriteResult(_WriteResult):
    """Base of the results built from one server reply (``raw_result``)."""


    def __init__(self, raw_result: Mapping[str, Any], acknowledged: bool) -> None:
        self._raw_result = raw_result
        super().__init__(acknowledged)

    @property
    def raw_result(self) -> Mapping[str, Any]:
        """The raw result document returned by the server."""
        return self._raw_result

    def _repr_fields(self) -> List[str]:
        return ["raw_result"]


class UpdateResult(_RawWriteResult):
    """The return type of ``update_one``, ``update_many`` and ``replace_one``."""


    @property
    def matched_count(self) -> int:
        """The number of documents matched for this update."""
        self._raise_if_unacknowledged("matched_count")
        if self.upserted_id is not None:
            return 0
        return self._raw_result.get("n", 0)

    @property
    def modified_count(self) -> Optional[int]:
        """The number of documents modified (None on servers that do not report it)."""
        self._raise_if_unacknowledged("modified_count")
        return self._raw_result.get("nModified")

    @property
    def upserted_id(self) -> Any:
        """The ``_id`` of the upserted document, or None."""
        self._raise_if_unacknowledged("upserted_id")
        return self._raw_result.get("upserted")


class DeleteResult(_RawWriteResult):
    """The return type of ``delete_one`` and ``delete_many``."""


    @property
    def deleted_count(self) -> int:
        """The number of documents deleted."""
        self._raise_if_unacknowledged("deleted_count")
        return self._raw_result.get("n", 0)


class BulkWriteResult(_WriteResult):
    """The return type of ``bulk_write``; counts come from the bulk API result.

    :param bulk_api_result: the bulk API result document (``nInserted``,
        ``nMatched``, ``nModified``, ``nRemoved``, ``nUpserted``, ``upserted``,
        ``writeErrors``, ``writeConcernErrors``).
    :param acknowledged: whether the server acknowledged the writes; when ``False``
        every count raises :exc:`~pymongo.errors.InvalidOperation`.
    """


    def __init__(self, bulk_api_result: Dict[str, Any], acknowledged: bool) -> None:
        self._bulk_api_result = bulk_api_result
        super().__init__(acknowledged)

    @property
    def bulk_api_result(self) -> Dict[str, Any]:
        """The raw bulk API result."""
        return self._bulk_api_result

    def _count(self, name: str, key: str) -> Optional[int]:
        # None when the result lacks the count, as 3.4 gave (bulk_write always has them).
        self._raise_if_unacknowledged(name)
        return self._bulk_api_result.get(key)

    @property
    def inserted_count(self) -> int:
        """The number of documents inserted."""
        return self._count("inserted_count", "nInserted")

    @property
    def matched_count(self) -> int:
        """The number of documents matched for an update."""
        return self._count("matched_count", "nMatched")

    @property
    def modified_count(self) -> Optional[int]:
        """The number of documents modified."""
        self._raise_if_unacknowledged("modified_count")
        return self._bulk_api_result.get("nModified")

    @property
    def deleted_count(self) -> int:
        """The number of documents deleted."""
        return self._count("deleted_count", "nRemoved")

    @property
    def upserted_count(self) -> int:
        """The number of documents upserted."""
        return self._count("upserted_count", "nUpserted")

    @property
    def upserted_ids(self) -> Optional[Dict[int, Any]]:
        """A map of operation index to the ``_id`` of the upserted document."""
        self._raise_if_unacknowledged("upserted_ids")
        if not self._bulk_api_result:
            return None  # as 3.4 returned for an empty result
        return {u["index"]: u["_id"] for u in self._bulk_api_result.get("upserted", [])}

    def _repr_fields(self) -> List[str]:
        return ["bulk_api_result"]
