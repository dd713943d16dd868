"""Bulk writes (documented as ``pymongo.bulk``): the engine and the legacy builders.

The engine (:class:`Bulk`) collects insert / update / delete statements, groups them into
runs of one kind (consecutive runs when ordered; all inserts, then updates, then deletes
when unordered), encodes every statement before the first byte is sent, and sends each run
in batches within the server's limits through :mod:`mongofw.core.dispatch.write_ops`.  The result is
the bulk API document (``nInserted`` … ``writeErrors`` with request indexes), which
``BulkWriteError.details`` carries.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Tuple

from bson.objectid import ObjectId
from bson.son import SON
from mongofw.client.operations import (
    _is_raw,
    statement_extras,
    validate_collation,
    validate_document,
    validate_filter,
    validate_mapping,
    validate_replacement,
    validate_update,
    validate_upsert,
)
from mongofw.core.dispatch import write_ops
from mongofw.core.dispatch.write_ops import DELETE, INSERT, UPDATE
from mongofw.core.wire.message import COMMAND_OVERHEAD, next_request_id
from mongofw.core.wire.server_errors import raise_write_concern_error
from mongofw.errors import InvalidOperation, WriteConcernError
from mongofw.options.write_concern import WriteConcern

__all__ = ["BulkOperationBuilder", "BulkWriteOperation", "BulkUpsertOperation", "Bulk"]


_STATEMENT = itemgetter(1)  # of a (kind, statement) pair


class _Run:
    """Statements of one kind and the request index of each (``indexes`` None: the run is
    the whole bulk, each statement's position its request index)."""

    __slots__ = ("kind", "items", "indexes", "encoded")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.items: List[Any] = []
        self.indexes: Optional[List[int]] = []
        self.encoded: List[bytes] = []


class Bulk:
    """The engine behind ``bulk_write``, ``insert_many`` and the bulk builders."""

    def __init__(self, collection: Any, ordered: bool = True,
                 bypass_document_validation: bool = False, check_keys: bool = True) -> None:
        if not isinstance(ordered, bool):
            raise TypeError(f"ordered must be True or False, not {ordered!r}")
        if not isinstance(bypass_document_validation, bool):
            raise TypeError(f"bypass_document_validation must be True or False, not "
                            f"{bypass_document_validation!r}")
        self.collection = collection
        self.ordered = ordered
        self.bypass_document_validation = bypass_document_validation
        self.ops: List[Tuple[str, Any]] = []
        self._kinds: Set[str] = set()  # of the statements in ops (see _add)
        self.check_keys = check_keys
        # (kind, option) pairs of statement options to check against the server once.
        self.statement_options: Set[Tuple[str, str]] = set()
        self.executed = False

    # ------------------------------------------------------------ adding statements

    def _add(self, kind: str, statement: Any) -> None:
        """Every statement goes in here (add_inserts' loop inlines it): ``runs`` trusts
        ``_kinds`` to name every kind in ``ops``."""
        self.ops.append((kind, statement))
        self._kinds.add(kind)

    def add_insert(self, document: Any) -> None:
        """Add an insert; the caller's document gets an ``_id`` when it has none."""
        validate_document(document)
        if not _is_raw(document) and "_id" not in document:
            document["_id"] = ObjectId()
        self._add(INSERT, document)

    def add_inserts(self, documents: Iterable[Any]) -> None:
        """``add_insert`` for each of ``documents`` (insert_many's loop: a plain dict takes
        the short path, anything else the same checks)."""
        append = self.ops.append
        for document in documents:
            if type(document) is dict:
                if "_id" not in document:
                    document["_id"] = ObjectId()
                append((INSERT, document))
            else:
                self.add_insert(document)
        self._kinds.add(INSERT)

    def _note_options(self, kind: str, statement: Mapping[str, Any]) -> None:
        for name in write_ops.statement_options(statement):
            self.statement_options.add((kind, name))

    def _statement(self, selector: Mapping[str, Any], update: Any, multi: bool, upsert: bool,
                   collation: Any, array_filters: Any, hint: Any) -> SON:
        statement = SON([("q", selector), ("u", update), ("multi", multi), ("upsert", upsert)])
        statement_extras(statement, collation, array_filters, hint)
        self._note_options(UPDATE, statement)
        return statement

    def add_update(self, selector: Mapping[str, Any], update: Any, multi: bool = False,
                   upsert: bool = False, collation: Any = None, array_filters: Any = None,
                   hint: Any = None) -> None:
        """Add an update statement (``$`` operators, or a pipeline from MongoDB 4.2)."""
        validate_filter(selector)
        validate_update(update)
        validate_upsert(upsert)
        self._add(UPDATE, self._statement(selector, update, multi, upsert, collation,
                                          array_filters, hint))

    def add_replace(self, selector: Mapping[str, Any], replacement: Mapping[str, Any],
                    upsert: bool = False, collation: Any = None, hint: Any = None) -> None:
        """Add a replacement of one document."""
        validate_filter(selector)
        validate_replacement(replacement)
        validate_upsert(upsert)
        self._add(UPDATE, self._statement(selector, replacement, False, upsert, collation,
                                          None, hint))

    def add_delete(self, selector: Mapping[str, Any], limit: int, collation: Any = None,
                   hint: Any = None) -> None:
        """Add a delete of one (``limit=1``) or every (``limit=0``) matching document."""
        validate_filter(selector)
        statement = SON([("q", selector), ("limit", limit)])
        statement_extras(statement, collation, None, hint)
        self._note_options(DELETE, statement)
        self._add(DELETE, statement)

    # ------------------------------------------------------------ running

    def runs(self) -> List[_Run]:
        """Ordered: consecutive same-kind runs; unordered: one run per kind."""
        runs: List[_Run] = []
        if len(self._kinds) == 1:  # insert_many's: one run, no per-statement bookkeeping
            run = _Run(next(iter(self._kinds)))
            run.items = list(map(_STATEMENT, self.ops))
            run.indexes = None
            return [run]
        if self.ordered:
            for index, (kind, item) in enumerate(self.ops):
                if not runs or runs[-1].kind != kind:
                    runs.append(_Run(kind))
                runs[-1].items.append(item)
                runs[-1].indexes.append(index)
            return runs
        by_kind = {kind: _Run(kind) for kind in (INSERT, UPDATE, DELETE)}
        for index, (kind, item) in enumerate(self.ops):
            by_kind[kind].items.append(item)
            by_kind[kind].indexes.append(index)
        return [run for run in by_kind.values() if run.items]

    def execute(self, write_concern: Optional[WriteConcern] = None,
                session: Any = None) -> Optional[Dict[str, Any]]:
        """Send every statement; the bulk API result, or None when unacknowledged.

        Every statement is checked and encoded before the first byte is sent.  Each batch
        is one command, in ``session`` (or an implicit one); a batch of inserts, single
        updates or single deletes is retried once on a retryable error (retryWrites).

        Raises ``BulkWriteError`` (result in ``details``) when any statement failed or the
        write concern was not satisfied, ``InvalidOperation`` when empty or run twice.
        """
        if not self.ops:
            raise InvalidOperation("No operations to execute")
        if self.executed:
            raise InvalidOperation("Bulk operations can only be executed once.")
        self.executed = True
        collection = self.collection
        database = collection.database
        client = database.client
        write_concern = client._write_concern_in(session,
                                                 write_concern or collection.write_concern)
        acknowledged = write_concern.acknowledged
        opts = collection.codec_options
        result = write_ops.new_bulk_result()
        labels: Set[str] = set()  # of write concern errors a retry did not cure
        runs = self.runs()
        with client._tmp_session(session, not acknowledged) as session:
            with client._socket_for_writes(session=session) as sock_info:
                for kind, name in sorted(self.statement_options):
                    write_ops.check_statement_options(sock_info, write_concern, kind, [name])
                for run in runs:
                    # Encode everything first: a document too large stops the bulk unsent.
                    run.encoded = write_ops.encode_statements(
                        run.kind, run.items, opts, self.check_keys, sock_info.max_bson_size)
                max_count = sock_info.max_write_batch_size
                max_bytes = sock_info.max_message_size - COMMAND_OVERHEAD
            operation_id = next_request_id()  # one id for the events of every batch
            for number, run in enumerate(runs):
                batches = write_ops.split_batches(list(map(len, run.encoded)),
                                                  max_count, max_bytes)
                # Inserts are always retryable (a document's own "multi" or "limit" field
                # says nothing, and reading it would decode a raw document whole).
                retryable = acknowledged and (run.kind == INSERT or not any(
                    item.get("multi") or item.get("limit", 1) == 0 for item in run.items))
                for batch_number, (start, end) in enumerate(batches):
                    last = number == len(runs) - 1 and batch_number == len(batches) - 1
                    wait = acknowledged or (self.ordered and not last)
                    replies: List[Mapping[str, Any]] = []
                    try:
                        reply = client._retryable_write(
                            retryable, session, self._batch_sender(
                                run, start, end, wait, write_concern, operation_id, session,
                                replies))
                    except WriteConcernError as exc:
                        # Not cured by a retry: the batch's reply goes into the result.
                        reply = replies[-1]
                        labels.update(exc.error_labels)
                    if reply is not None:
                        write_ops.merge_reply(result, run.kind, start, reply, run.indexes,
                                              run.items)
                    if self.ordered and result["writeErrors"]:
                        break
                if self.ordered and result["writeErrors"]:
                    break
        if not acknowledged:
            return None
        write_ops.raise_for_bulk(result, labels)
        return result

    def _batch_sender(self, run: _Run, start: int, end: int, wait: bool, write_concern: Any,
                      operation_id: int, session: Any, replies: List[Mapping[str, Any]]
                      ) -> Any:
        """The operation ``_retryable_write`` runs for one batch.

        A retryable write's ``writeConcernError`` is raised (as ``WriteConcernError``)
        inside it so that the retry loop can retry it; the reply is kept in ``replies``
        for the bulk result when the error stands.
        """
        collection = self.collection

        def send(sock_info: Any, retryable_now: bool) -> Any:
            reply = write_ops.send_batch(
                sock_info, collection.database.name, collection.name, run.kind,
                run.items[start:end], run.encoded[start:end], ordered=self.ordered, wait=wait,
                write_concern=write_concern, codec_options=collection.codec_options,
                bypass_document_validation=self.bypass_document_validation,
                operation_id=operation_id, session=session, retryable_write=retryable_now)
            if retryable_now and reply is not None and reply.get("writeConcernError"):
                replies.append(reply)
                raise_write_concern_error(reply["writeConcernError"], reply.get("errorLabels"))
            return reply
        return send


# ---------------------------------------------------------------- the documented builders


class _SelectorOperations:
    """Update/replace statements for one selector; ``_upsert`` says whether they upsert."""

    __slots__ = ("_selector", "_bulk", "_collation")
    _upsert = False

    def __init__(self, selector: Mapping[str, Any], bulk: Bulk, collation: Any) -> None:
        self._selector = selector
        self._bulk = bulk
        self._collation = collation

    def update_one(self, update: Mapping[str, Any]) -> None:
        """Queue an update of the first document matching the selector (inserting one
        when nothing matches, after :meth:`~BulkWriteOperation.upsert`).

        :param update: a document of ``$`` update operators (or, MongoDB 4.2+, an
            aggregation pipeline as a list of stages).
        :raises TypeError: when ``update`` is not a mapping or list.
        :raises ValueError: when ``update`` is empty or not made of ``$`` operators.
        """
        self._bulk.add_update(self._selector, update, False, self._upsert, self._collation)

    def update(self, update: Mapping[str, Any]) -> None:
        """Queue an update of every document matching the selector (inserting one
        when nothing matches, after :meth:`~BulkWriteOperation.upsert`).

        :param update: a document of ``$`` update operators (or, MongoDB 4.2+, an
            aggregation pipeline as a list of stages).
        :raises TypeError: when ``update`` is not a mapping or list.
        :raises ValueError: when ``update`` is empty or not made of ``$`` operators.
        """
        self._bulk.add_update(self._selector, update, True, self._upsert, self._collation)

    def replace_one(self, replacement: Mapping[str, Any]) -> None:
        """Queue the replacement of the first document matching the selector
        (inserting ``replacement`` when nothing matches, after
        :meth:`~BulkWriteOperation.upsert`).

        :param replacement: the new document, without ``$`` operators.
        :raises TypeError: when ``replacement`` is not a mapping.
        :raises ValueError: when ``replacement`` holds ``$`` operators.
        """
        self._bulk.add_replace(self._selector, replacement, self._upsert, self._collation)


class BulkUpsertOperation(_SelectorOperations):
    """An interface for adding upsert operations (from ``find(...).upsert()``)."""

    __slots__ = ()
    _upsert = True


class BulkWriteOperation(_SelectorOperations):
    """An interface for adding update or remove operations (from ``find(selector)``)."""

    __slots__ = ()

    def remove_one(self) -> None:
        """Remove a single document matching the selector criteria."""
        self._bulk.add_delete(self._selector, 1, self._collation)

    def remove(self) -> None:
        """Remove all documents matching the selector criteria."""
        self._bulk.add_delete(self._selector, 0, self._collation)

    def upsert(self) -> BulkUpsertOperation:
        """Make the chained update or replacement an upsert."""
        return BulkUpsertOperation(self._selector, self._bulk, self._collation)


class BulkOperationBuilder:
    """Collects insert, update and remove operations and executes them as one bulk write.

    Applications get one from :meth:`~pymongo.collection.Collection.initialize_ordered_bulk_op`
    or :meth:`~pymongo.collection.Collection.initialize_unordered_bulk_op` (deprecated in
    3.5 for :meth:`~pymongo.collection.Collection.bulk_write`).

    :param collection: the :class:`~pymongo.collection.Collection` to write to.
    :param ordered: when ``True`` (the default), the operations run in the order they
        were added and the first error stops the rest; when ``False``, the server may
        reorder them, every one is attempted and every error reported.
    :param bypass_document_validation: when ``True``, the writes skip the collection's
        document validation (MongoDB 3.2+; default ``False``).
    """

    __slots__ = ("__bulk",)

    def __init__(self, collection: Any, ordered: bool = True,
                 bypass_document_validation: bool = False) -> None:
        self.__bulk = Bulk(collection, ordered, bypass_document_validation)

    def find(self, selector: Mapping[str, Any], collation: Any = None) -> BulkWriteOperation:
        """Select the documents the next update, replace or remove applies to.

        ``bulk.find({"a": 1}).update_one({"$set": {"b": 2}})``;
        ``bulk.find({"a": 1}).upsert().replace_one({"a": 1, "c": 3})``.

        :param selector: a query document (a mapping).
        :param collation: a :class:`~pymongo.collation.Collation` for the matching
            (MongoDB 3.4+; new in 3.4).
        :returns: a :class:`BulkWriteOperation` to chain the operation on.
        :raises TypeError: when ``selector`` is not a mapping, or ``collation`` not a
            Collation or document.
        """
        validate_mapping("selector", selector)
        return BulkWriteOperation(selector, self.__bulk, validate_collation(collation))

    def insert(self, document: Any) -> None:
        """Insert a single document (an ``_id`` is added when it has none)."""
        self.__bulk.add_insert(document)

    def execute(self, write_concern: Optional[Mapping[str, Any]] = None
                ) -> Optional[Dict[str, Any]]:
        """Execute all operations; the bulk API result (None for ``w=0``).

        ``write_concern`` is a mapping of write concern options (``{"w": 0}``,
        ``{"w": "majority", "wtimeout": 100}``) for this execution only.
        """
        concern = None
        if write_concern is not None:
            validate_mapping("write_concern", write_concern)
            concern = write_concern_from_options(write_concern)
        return self.__bulk.execute(concern)


_WRITE_CONCERN_OPTIONS = ("w", "wtimeout", "j", "fsync")


def write_concern_from_options(options: Mapping[str, Any]) -> WriteConcern:
    """A ``WriteConcern`` from ``w``/``wtimeout``/``j``/``fsync`` options, naming strays."""
    unknown = sorted(set(options) - set(_WRITE_CONCERN_OPTIONS))
    if unknown:
        raise TypeError(f"unknown write concern option(s) {', '.join(map(repr, unknown))}; "
                        f"allowed: {', '.join(_WRITE_CONCERN_OPTIONS)}")
    return WriteConcern(**options)
