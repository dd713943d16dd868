"""Collection level operations (documented as ``pymongo.collection.Collection``).

The class checks arguments and delegates: writes to :mod:`mongofw.core.dispatch.write_ops`,
reads to :mod:`mongofw.client.cursor`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List, Optional

from bson.codec_options import CodecOptions
from bson.objectid import ObjectId
from bson.son import SON
from mongofw.client import collection_writes
from mongofw.client.base_object import BaseObject, inherit
from mongofw.client.bulk import Bulk
from mongofw.client.collection_index_methods import CollectionIndexMethods
from mongofw.client.collection_legacy import LegacyCollectionMethods
from mongofw.client.collection_queries import CollectionQueries
from mongofw.client.names import validate_collection_name
from mongofw.client.operations import (
    statement_extras,
    validate_document,
    validate_filter,
    validate_replacement,
    validate_update,
    validate_upsert,
)
from mongofw.client.results import (
    BulkWriteResult,
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)
from mongofw.core.dispatch import write_ops


class ReturnDocument:
    """Which version of the document ``find_one_and_*`` returns."""

    #: The document as it was before the update or replacement (the default).
    BEFORE = False
    #: The document as it is after the update or replacement.
    AFTER = True


def _check_bool(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {value!r}")


class Collection(CollectionQueries, CollectionIndexMethods, LegacyCollectionMethods,
                 BaseObject):
    """A MongoDB collection: reads, writes, indexes, aggregation and change streams.

    Applications get one from a database, ``db.name`` or ``db["name"]`` (or
    :meth:`~pymongo.database.Database.get_collection` to change its options);
    ``coll.sub`` names the sub-collection ``"name.sub"``.  Making one sends nothing to
    the server unless ``create`` is true or creation options are given.

    :param database: the :class:`~pymongo.database.Database` holding the collection.
    :param name: the collection name (a non-empty ``str``, without ``$``, not starting
        or ending with ``.``).
    :param create: when ``True``, create the collection now with the ``create``
        command (default ``False``: the server creates it at the first write).
    :param codec_options: a :class:`~bson.codec_options.CodecOptions`; ``None`` (the
        default) takes the database's.
    :param read_preference: a read preference (:mod:`pymongo.read_preferences`);
        ``None`` takes the database's.
    :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`; ``None``
        takes the database's.
    :param read_concern: a :class:`~pymongo.read_concern.ReadConcern` (new in 3.2);
        ``None`` takes the database's.
    :param session: a :class:`~pymongo.client_session.ClientSession` for the
        ``create`` command (new in 3.6).
    :param kwargs: options of the ``create`` command (``capped=True``, ``size``,
        ``max``, ``validator``...); giving any creates the collection.
    :raises TypeError: when ``name`` is not a string.
    :raises ~pymongo.errors.InvalidName: when ``name`` is not a valid collection name.
    :raises ~pymongo.errors.OperationFailure: when creation is asked and the server
        refuses it (the collection exists, a bad option...); use
        :meth:`~pymongo.database.Database.create_collection` for a
        :class:`~pymongo.errors.CollectionInvalid` instead.
    """

    def __init__(self, database: Any, name: str, create: bool = False,
                 codec_options: Optional[CodecOptions] = None, read_preference: Any = None,
                 write_concern: Any = None, read_concern: Any = None, session: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*inherit(database, codec_options, read_preference, write_concern,
                                  read_concern))
        self.__database = database
        self.__name = validate_collection_name(name)
        self.__full_name = f"{database.name}.{name}"
        if create or kwargs:
            cmd = SON([("create", name)])
            cmd.update(kwargs)
            database._command_on_primary(cmd, write_concern=self.write_concern,
                                         session=session)

    @property
    def full_name(self) -> str:
        """The full name (``database.collection``) of this collection."""
        return self.__full_name

    @property
    def name(self) -> str:
        """The name of this collection."""
        return self.__name

    @property
    def database(self) -> Any:
        """The Database this collection belongs to."""
        return self.__database

    def __getattr__(self, name: str) -> Collection:
        if name.startswith("_"):
            full = f"{self.__name}.{name}"
            raise AttributeError(f"Collection has no attribute {name!r}. To access the "
                                 f"{full} collection, use database[{full!r}].")
        return self.__getitem__(name)

    def __getitem__(self, name: str) -> Collection:
        return Collection(self.__database, f"{self.__name}.{name}", False, self.codec_options,
                          self.read_preference, self.write_concern, self.read_concern)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Collection):
            return self.__database == other.database and self.__name == other.name
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self.__database, self.__name))

    def __repr__(self) -> str:
        return f"Collection({self.__database!r}, {self.__name!r})"

    def __iter__(self) -> Collection:
        return self

    def __next__(self) -> Any:
        """Always raise :exc:`TypeError`: a collection is not an iterator (``next`` is
        defined so that iterating one by mistake says so clearly)."""
        raise TypeError("'Collection' object is not iterable")

    next = __next__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "." not in self.__name:
            raise TypeError(f"'Collection' object is not callable. If you meant to call the "
                            f"'{self.__name}' method on a 'Database' object it is failing "
                            f"because no such method exists.")
        raise TypeError(f"'Collection' object is not callable. If you meant to call the "
                        f"'{self.__name.split('.')[-1]}' method on a 'Collection' object it "
                        f"is failing because no such method exists.")

    def with_options(self, codec_options: Optional[CodecOptions] = None,
                     read_preference: Any = None, write_concern: Any = None,
                     read_concern: Any = None) -> Collection:
        """A copy of this collection with some of its options replaced.

        ``coll.with_options(read_preference=ReadPreference.SECONDARY)`` reads from
        secondaries, keeping the other options.

        :param codec_options: a :class:`~bson.codec_options.CodecOptions`; ``None`` (the
            default) keeps this collection's.
        :param read_preference: a read preference; ``None`` keeps this collection's.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`; ``None``
            keeps this collection's.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`; ``None``
            keeps this collection's.
        :returns: a new :class:`Collection` on the same namespace.
        """
        return Collection(self.__database, self.__name, False,
                          codec_options or self.codec_options,
                          read_preference or self.read_preference,
                          write_concern or self.write_concern, read_concern or self.read_concern)

    # ---- writes (bulk, single statements, find-and-modify)
    # Methods check their arguments and delegate: single statements to write_ops.write_one,
    # many to the Bulk engine (mongofw.client.bulk), the rest to mongofw.client.collection_writes.

    def _write_one(self, kind: str, statement: Any, check_keys: bool = False,
                   bypass_document_validation: bool = False, session: Any = None,
                   write_concern: Any = None) -> Any:
        """One statement, in ``session`` (or an implicit one), retried once if retryable:
        inserts, single updates and single deletes are; multi-document ones are not.
        ``write_concern`` overrides the collection's (the legacy methods' keywords)."""
        if bypass_document_validation is not False:
            _check_bool("bypass_document_validation", bypass_document_validation)
        client = self.__database.client
        write_concern = write_concern or self.write_concern
        if session is not None:
            write_concern = client._write_concern_in(session, write_concern)
        acknowledged = write_concern.acknowledged
        # An insert's statement is the document itself: its fields are data, not options.
        retryable = acknowledged and (kind == write_ops.INSERT or (
            not statement.get("multi") and statement.get("limit", 1) == 1))

        def write(sock_info: Any, retryable_now: bool) -> Any:
            return write_ops.write_one(
                sock_info, self.__database.name, self.__name, kind, statement,
                write_concern=write_concern, codec_options=self.codec_options,
                check_keys=check_keys, bypass_document_validation=bypass_document_validation,
                session=session, retryable_write=retryable_now)

        with client._tmp_session(session, not acknowledged) as session:
            return client._retryable_write(retryable, session, write)

    def _acknowledged(self, session: Any) -> bool:
        """Whether a write in ``session`` is acknowledged (always, in a transaction)."""
        return self.__database.client._write_concern_in(session, self.write_concern
                                                        ).acknowledged

    def bulk_write(self, requests: List[Any], ordered: bool = True,
                   bypass_document_validation: bool = False,
                   session: Any = None) -> BulkWriteResult:
        """Send a batch of write operations in as few commands as possible (new in 3.0).

        :param requests: a list of :class:`~pymongo.operations.InsertOne`,
            :class:`~pymongo.operations.UpdateOne`, ``UpdateMany``, ``ReplaceOne``,
            ``DeleteOne`` or ``DeleteMany`` instances.
        :param ordered: when ``True`` (the default), run them in order and stop at the
            first error; when ``False``, in any order, attempting all of them.
        :param bypass_document_validation: when ``True``, skip the collection's document
            validation (MongoDB 3.2+; new in 3.2; default ``False``).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: a :class:`~pymongo.results.BulkWriteResult`.
        :raises TypeError: when ``requests`` is not a list or holds something else.
        :raises ~pymongo.errors.InvalidOperation: when ``requests`` is empty.
        :raises ~pymongo.errors.BulkWriteError: when a write failed; its ``details``
            hold the counts and the ``writeErrors`` / ``writeConcernErrors``.
        """
        if not isinstance(requests, list):
            raise TypeError(f"requests must be a list, not {type(requests).__name__}")
        bulk = Bulk(self, ordered, bypass_document_validation)
        for request in requests:
            add = getattr(request, "_add_to_bulk", None)
            if add is None:
                raise TypeError(f"{request!r} is not a valid request; use InsertOne, UpdateOne, "
                                f"UpdateMany, ReplaceOne, DeleteOne or DeleteMany")
            add(bulk)
        result = bulk.execute(self.write_concern, session)
        if result is None:
            return BulkWriteResult({}, False)
        return BulkWriteResult(result, True)

    def insert_one(self, document: Any, bypass_document_validation: bool = False,
                   session: Any = None) -> InsertOneResult:
        """Insert one document (new in 3.0).

        :param document: the document (a mutable mapping, or a
            :class:`~bson.raw_bson.RawBSONDocument`); one without an ``_id`` gets a
            new :class:`~bson.objectid.ObjectId`, added to ``document`` itself.
        :param bypass_document_validation: when ``True``, skip the collection's document
            validation (MongoDB 3.2+; new in 3.2; default ``False``).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: an :class:`~pymongo.results.InsertOneResult`.
        :raises TypeError: when ``document`` is not a document.
        :raises ~pymongo.errors.DuplicateKeyError: when the ``_id`` or a unique key
            exists.
        :raises ~pymongo.errors.WriteError: for another write error, and
            :class:`~pymongo.errors.WriteConcernError` when the write concern fails.
        """
        validate_document(document)
        if "_id" not in document and not hasattr(document, "raw"):
            document["_id"] = ObjectId()
        # The reply is None exactly when the write was not acknowledged.
        reply = self._write_one(write_ops.INSERT, document, True, bypass_document_validation,
                                session)
        return InsertOneResult(document.get("_id"), reply is not None)

    def insert_many(self, documents: Any, ordered: bool = True,
                    bypass_document_validation: bool = False,
                    session: Any = None) -> InsertManyResult:
        """Insert several documents (new in 3.0).

        :param documents: a non-empty iterable of documents; those without an ``_id``
            get a new :class:`~bson.objectid.ObjectId`, added to the documents.
        :param ordered: when ``True`` (the default), insert in order and stop at the
            first error; when ``False``, in any order, attempting all of them.
        :param bypass_document_validation: when ``True``, skip the collection's document
            validation (MongoDB 3.2+; new in 3.2; default ``False``).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: an :class:`~pymongo.results.InsertManyResult`.
        :raises TypeError: when ``documents`` is a single document, not iterable, or
            empty.
        :raises ~pymongo.errors.BulkWriteError: when an insert failed (its ``details``
            say which).
        """
        if isinstance(documents, Mapping) or not hasattr(documents, "__iter__"):
            raise TypeError(f"documents must be a non-empty list of documents, not "
                            f"{type(documents).__name__}")
        bulk = Bulk(self, ordered, bypass_document_validation)
        bulk.add_inserts(documents)
        if not bulk.ops:
            raise TypeError("documents must be a non-empty list")
        bulk.execute(self.write_concern, session)
        return InsertManyResult([doc.get("_id") for _, doc in bulk.ops],
                                self._acknowledged(session))

    def _update(self, filter: Any, update: Any, upsert: bool, multi: bool,
                bypass_document_validation: bool, collation: Any = None,
                array_filters: Any = None, hint: Any = None,
                session: Any = None) -> UpdateResult:
        statement = SON([("q", validate_filter(filter)), ("u", update), ("multi", multi),
                         ("upsert", validate_upsert(upsert))])
        statement_extras(statement, collation, array_filters, hint)
        reply = self._write_one(write_ops.UPDATE, statement,
                                bypass_document_validation=bypass_document_validation,
                                session=session)
        return UpdateResult(collection_writes.update_result_document(reply),
                            self._acknowledged(session))

    def replace_one(self, filter: Any, replacement: Any, upsert: bool = False,
                    bypass_document_validation: bool = False, collation: Any = None,
                    hint: Any = None, session: Any = None) -> UpdateResult:
        """Replace one document matching ``filter`` with ``replacement`` (new in 3.0).

        :param filter: a query document selecting the document.
        :param replacement: the new document, without ``$`` operators (its ``_id``, if
            any, must not differ).
        :param upsert: when ``True``, insert a document when nothing matches (default
            ``False``).
        :param bypass_document_validation: when ``True``, skip the collection's document
            validation (MongoDB 3.2+; new in 3.2; default ``False``).
        :param collation: a :class:`~pymongo.collation.Collation` (MongoDB 3.4+; new in
            3.4).
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.2+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: an :class:`~pymongo.results.UpdateResult`.
        :raises TypeError: when an argument has the wrong type.
        :raises ValueError: when ``replacement`` holds ``$`` operators.
        :raises ~pymongo.errors.ConfigurationError: for ``collation`` or ``hint`` with
            an unacknowledged write concern, or a server too old for them.
        :raises ~pymongo.errors.WriteError: when the write fails (and
            :class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        validate_replacement(replacement)
        return self._update(filter, replacement, upsert, False, bypass_document_validation,
                            collation, None, hint, session)

    def update_one(self, filter: Any, update: Any, upsert: bool = False,
                   bypass_document_validation: bool = False, collation: Any = None,
                   array_filters: Optional[List[Any]] = None, hint: Any = None,
                   session: Any = None) -> UpdateResult:
        """Update the first document matching ``filter`` (new in 3.0).

        :param filter: a query document selecting the document.
        :param update: a document of ``$`` update operators, or (MongoDB 4.2+, new in
            3.9) an aggregation pipeline as a list of stages.
        :param upsert: when ``True``, insert a document when nothing matches (default
            ``False``).
        :param bypass_document_validation: when ``True``, skip the collection's document
            validation (MongoDB 3.2+; new in 3.2; default ``False``).
        :param collation: a :class:`~pymongo.collation.Collation` (MongoDB 3.4+; new in
            3.4).
        :param array_filters: a list of filter documents choosing the array elements
            an update of ``$[<identifier>]`` modifies (MongoDB 3.6+; new in 3.6).
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.2+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: an :class:`~pymongo.results.UpdateResult`.
        :raises TypeError: when an argument has the wrong type.
        :raises ValueError: when ``update`` is empty or not made of ``$`` operators.
        :raises ~pymongo.errors.ConfigurationError: for an option with an
            unacknowledged write concern, or a server too old for it.
        :raises ~pymongo.errors.WriteError: when the write fails (and
            :class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        validate_update(update)
        return self._update(filter, update, upsert, False, bypass_document_validation,
                            collation, array_filters, hint, session)

    def update_many(self, filter: Any, update: Any, upsert: bool = False,
                    bypass_document_validation: bool = False, collation: Any = None,
                    array_filters: Optional[List[Any]] = None, hint: Any = None,
                    session: Any = None) -> UpdateResult:
        """Update every document matching ``filter`` (new in 3.0).

        The positional order is 3.4's (``bypass_document_validation`` fourth); PyMongo
        3.6+ put ``array_filters`` there: pass both by keyword.

        :param filter: a query document selecting the documents.
        :param update: a document of ``$`` update operators, or (MongoDB 4.2+, new in
            3.9) an aggregation pipeline as a list of stages.
        :param upsert: when ``True``, insert a document when nothing matches (default
            ``False``).
        :param bypass_document_validation: when ``True``, skip the collection's document
            validation (MongoDB 3.2+; new in 3.2; default ``False``).
        :param collation: a :class:`~pymongo.collation.Collation` (MongoDB 3.4+; new in
            3.4).
        :param array_filters: a list of filter documents choosing the array elements
            an update of ``$[<identifier>]`` modifies (MongoDB 3.6+; new in 3.6).
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.2+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: an :class:`~pymongo.results.UpdateResult`.
        :raises TypeError: when an argument has the wrong type.
        :raises ValueError: when ``update`` is empty or not made of ``$`` operators.
        :raises ~pymongo.errors.ConfigurationError: for an option with an
            unacknowledged write concern, or a server too old for it.
        :raises ~pymongo.errors.WriteError: when the write fails (and
            :class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        validate_update(update)
        return self._update(filter, update, upsert, True, bypass_document_validation,
                            collation, array_filters, hint, session)

    def _delete(self, filter: Any, limit: int, collation: Any = None, hint: Any = None,
                session: Any = None) -> DeleteResult:
        statement = SON([("q", validate_filter(filter)), ("limit", limit)])
        statement_extras(statement, collation, None, hint)
        reply = self._write_one(write_ops.DELETE, statement, session=session)
        return DeleteResult(None if reply is None else dict(reply),
                            self._acknowledged(session))

    def delete_one(self, filter: Any, collation: Any = None, hint: Any = None,
                   session: Any = None) -> DeleteResult:
        """Delete the first document matching ``filter`` (new in 3.0).

        :param filter: a query document selecting the document.
        :param collation: a :class:`~pymongo.collation.Collation` (MongoDB 3.4+; new in
            3.4).
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.4+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: a :class:`~pymongo.results.DeleteResult`.
        :raises TypeError: when ``filter`` is not a mapping.
        :raises ~pymongo.errors.ConfigurationError: for ``collation`` or ``hint`` with
            an unacknowledged write concern, or a server too old for them.
        :raises ~pymongo.errors.WriteError: when the delete fails (and
            :class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        return self._delete(filter, 1, collation, hint, session)

    def delete_many(self, filter: Any, collation: Any = None, hint: Any = None,
                    session: Any = None) -> DeleteResult:
        """Delete every document matching ``filter`` (new in 3.0).

        :param filter: a query document selecting the documents (``{}`` for all).
        :param collation: a :class:`~pymongo.collation.Collation` (MongoDB 3.4+; new in
            3.4).
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.4+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :returns: a :class:`~pymongo.results.DeleteResult`.
        :raises TypeError: when ``filter`` is not a mapping.
        :raises ~pymongo.errors.ConfigurationError: for ``collation`` or ``hint`` with
            an unacknowledged write concern, or a server too old for them.
        :raises ~pymongo.errors.WriteError: when the delete fails (and
            :class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        return self._delete(filter, 0, collation, hint, session)

    def find_one_and_delete(self, filter: Any, projection: Any = None, sort: Any = None,
                            hint: Any = None, session: Any = None, **kwargs: Any) -> Any:
        """Delete one document and return it, with ``findAndModify`` (new in 3.0).

        :param filter: a query document selecting the document.
        :param projection: the fields to return: a mapping or a list of field names;
            ``None`` (the default) returns the whole document.
        :param sort: which match to take when several do: a list of ``(key,
            direction)`` pairs.
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.4+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: other options of the ``findAndModify`` command, such as
            ``maxTimeMS`` or ``collation`` (MongoDB 3.4+; new in 3.4).
        :returns: the deleted document, or ``None`` when nothing matched.
        :raises TypeError: when an argument has the wrong type.
        :raises ~pymongo.errors.ConfigurationError: for a ``hint`` before MongoDB 4.2,
            or an option that needs an acknowledged write concern.
        :raises ~pymongo.errors.OperationFailure: when the command fails
            (:class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        kwargs["remove"] = True
        return collection_writes.find_and_modify_one(self, filter, projection, sort,
                                                     hint=hint, session=session, **kwargs)

    def find_one_and_replace(self, filter: Any, replacement: Any, projection: Any = None,
                             sort: Any = None, upsert: bool = False,
                             return_document: bool = ReturnDocument.BEFORE,
                             hint: Any = None, session: Any = None, **kwargs: Any) -> Any:
        """Replace one document and return it, with ``findAndModify`` (new in 3.0).

        :param filter: a query document selecting the document.
        :param replacement: the new document, without ``$`` operators.
        :param projection: the fields to return: a mapping or a list of field names;
            ``None`` (the default) returns the whole document.
        :param sort: which match to take when several do: a list of ``(key,
            direction)`` pairs.
        :param upsert: when ``True``, insert a document when nothing matches (default
            ``False``).
        :param return_document: :attr:`ReturnDocument.BEFORE` (the default) returns the
            document as it was; :attr:`ReturnDocument.AFTER` as it is now.
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.4+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: other options of the ``findAndModify`` command, such as
            ``maxTimeMS`` or ``collation`` (MongoDB 3.4+; new in 3.4).
        :returns: the document before or after the replacement, or ``None`` when
            nothing matched (and, before, when one was upserted).
        :raises ValueError: when ``replacement`` holds ``$`` operators, or
            ``return_document`` is not a bool.
        :raises TypeError: when an argument has the wrong type.
        :raises ~pymongo.errors.ConfigurationError: for a ``hint`` before MongoDB 4.2,
            or an option that needs an acknowledged write concern.
        :raises ~pymongo.errors.OperationFailure: when the command fails
            (:class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        validate_replacement(replacement)
        kwargs["update"] = replacement
        return collection_writes.find_and_modify_one(self, filter, projection, sort, upsert,
                                                     return_document, hint=hint,
                                                     session=session, **kwargs)

    def find_one_and_update(self, filter: Any, update: Any, projection: Any = None,
                            sort: Any = None, upsert: bool = False,
                            return_document: bool = ReturnDocument.BEFORE,
                            array_filters: Optional[List[Any]] = None, hint: Any = None,
                            session: Any = None, **kwargs: Any) -> Any:
        """Update one document and return it, with ``findAndModify`` (new in 3.0).

        :param filter: a query document selecting the document.
        :param update: a document of ``$`` update operators, or (MongoDB 4.2+, new in
            3.9) an aggregation pipeline as a list of stages.
        :param projection: the fields to return: a mapping or a list of field names;
            ``None`` (the default) returns the whole document.
        :param sort: which match to take when several do: a list of ``(key,
            direction)`` pairs.
        :param upsert: when ``True``, insert a document when nothing matches (default
            ``False``).
        :param return_document: :attr:`ReturnDocument.BEFORE` (the default) returns the
            document as it was; :attr:`ReturnDocument.AFTER` as it is now.
        :param array_filters: a list of filter documents choosing the array elements
            an update of ``$[<identifier>]`` modifies (MongoDB 3.6+; new in 3.6).
        :param hint: the index to use, a name or a list of ``(key, direction)`` pairs
            (MongoDB 4.4+; new in 3.11).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: other options of the ``findAndModify`` command, such as
            ``maxTimeMS`` or ``collation`` (MongoDB 3.4+; new in 3.4).
        :returns: the document before or after the update, or ``None`` when nothing
            matched (and, before, when one was upserted).
        :raises ValueError: when ``update`` is not made of ``$`` operators, or
            ``return_document`` is not a bool.
        :raises TypeError: when an argument has the wrong type.
        :raises ~pymongo.errors.ConfigurationError: for a ``hint`` before MongoDB 4.2,
            or an option that needs an acknowledged write concern.
        :raises ~pymongo.errors.OperationFailure: when the command fails
            (:class:`~pymongo.errors.WriteConcernError` for the write concern).
        """
        validate_update(update)
        kwargs["update"] = update
        return collection_writes.find_and_modify_one(
            self, filter, projection, sort, upsert, return_document,
            array_filters=array_filters, hint=hint, session=session, **kwargs)

    def rename(self, new_name: str, session: Any = None, **kwargs: Any) -> Any:
        """Rename this collection, within its database (``renameCollection``).

        :param new_name: the new collection name (``str``).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: options of the command: ``dropTarget=True`` replaces an existing
            collection of that name.
        :returns: the server's reply.
        :raises TypeError: when ``new_name`` is not a string.
        :raises ~pymongo.errors.InvalidName: when ``new_name`` is not a valid name.
        :raises ~pymongo.errors.OperationFailure: when the command fails (the target
            exists, the source does not...).

        The collection's write concern applies (MongoDB 3.4+; new in 3.4).
        """
        return collection_writes.rename(self, new_name, session, **kwargs)

    # ---- the read, index and deprecated methods are the mixins' (collection_queries,
    # collection_index_methods, collection_legacy).

    def drop(self, session: Any = None) -> None:
        """Drop this collection and its indexes; same as
        ``db.drop_collection(coll.name)``.  Dropping a missing collection is not an
        error.

        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :raises ~pymongo.errors.OperationFailure: when the command fails.

        The collection's write concern applies (new in 3.7).
        """
        self.__database.drop_collection(self.__name, session)
