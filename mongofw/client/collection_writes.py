"""The logic behind Collection's write methods beyond the plain CRUD ones.

``find_one_and_*`` (the ``findAndModify`` command), ``rename``, and the deprecated
``insert`` / ``save`` / ``update`` / ``remove`` / ``find_and_modify`` with their legacy
return values, applying the database's SON manipulators when asked to.  Every function
takes the Collection first; the class's methods only delegate here.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Optional

import bson
from bson.objectid import ObjectId
from bson.son import SON
from mongofw.client.bulk import Bulk, write_concern_from_options
from mongofw.client.index_specs import hint_document, index_document
from mongofw.client.names import validate_collection_name
from mongofw.client.operations import (
    _is_raw,
    validate_array_filters,
    validate_collation,
    validate_document,
    validate_filter,
    validate_mapping,
    validate_replacement,
    validate_update,
    validate_upsert,
)
from mongofw.core.dispatch import write_ops
from mongofw.core.dispatch.write_ops import DELETE, UPDATE
from mongofw.core.wire.server_errors import raise_write_concern_error, raise_write_error
from mongofw.errors import BulkWriteError, ConfigurationError

# The server's errmsg when findAndModify matched nothing (servers before 3.0 failed).
NO_MATCH_ERRMSG = "No matching object found"


def fields_document(projection: Any, name: str = "projection") -> Mapping[str, Any]:
    """A projection given as a mapping, or as a list of field names to include."""
    if isinstance(projection, Mapping):
        return projection
    if isinstance(projection, (list, tuple, set, frozenset)):
        if not all(isinstance(field, str) for field in projection):
            raise TypeError(f"{name} field names must be str, not {list(projection)!r}")
        return {field: 1 for field in projection} or {"_id": 1}
    raise TypeError(f"{name} must be a mapping or a list of field names, not "
                    f"{type(projection).__name__}")


def _write_concern_for_command(write_concern: Any, cmd: SON, sock_info: Any) -> None:
    # findAndModify takes a write concern from wire version 4 (MongoDB 3.2) on.
    if sock_info.max_wire_version >= 4 and "writeConcern" not in cmd:
        document = write_concern.document
        if document:
            cmd["writeConcern"] = document


def _check_find_and_modify_options(write_concern: Any, cmd: SON, sock_info: Any) -> None:
    """arrayFilters needs MongoDB 3.6, a hint 4.4; neither goes with an unacknowledged write."""
    for name, needs in (("arrayFilters", write_ops.ARRAY_FILTERS_NEEDS),
                        ("hint", write_ops.FIND_AND_MODIFY_HINT_NEEDS)):
        if cmd.get(name) is None:
            continue
        if not write_concern.acknowledged:
            raise ConfigurationError(f"{name} is unsupported for unacknowledged writes.")
        write_ops.require_wire_version(sock_info, needs)


def _run_find_and_modify(collection: Any, cmd: SON, collation: Any,
                         session: Any = None) -> Mapping[str, Any]:
    """One findAndModify, in ``session`` (or an implicit one), retried once if allowed."""
    database = collection.database
    client = database.client
    write_concern = client._write_concern_in(session, collection.write_concern)
    acknowledged = write_concern.acknowledged

    def run(sock_info: Any, retryable_now: bool) -> Mapping[str, Any]:
        command = SON(cmd)
        _check_find_and_modify_options(write_concern, command, sock_info)
        _write_concern_for_command(write_concern, command, sock_info)
        reply = sock_info.command(database.name, command,
                                  codec_options=collection.codec_options,
                                  allowable_errors=[NO_MATCH_ERRMSG], collation=collation,
                                  session=session, retryable_write=retryable_now)
        # Raised here, inside the retry loop, so that a retryable one is retried.
        if reply.get("writeConcernError"):
            raise_write_concern_error(reply["writeConcernError"], reply.get("errorLabels"))
        return reply

    with client._tmp_session(session, not acknowledged) as session:
        return client._retryable_write(acknowledged, session, run)


def find_and_modify_one(collection: Any, filter: Any, projection: Any, sort: Any,
                        upsert: Optional[bool] = None, return_document: Any = False,
                        array_filters: Any = None, hint: Any = None, session: Any = None,
                        **kwargs: Any) -> Any:
    """``findAndModify`` for ``find_one_and_*``: the document before/after, or None."""
    validate_filter(filter)
    if not isinstance(return_document, bool):
        raise ValueError(f"return_document must be ReturnDocument.BEFORE or "
                         f"ReturnDocument.AFTER, not {return_document!r}")
    collation = validate_collation(kwargs.pop("collation", None))
    cmd = SON([("findAndModify", collection.name), ("query", filter),
               ("new", return_document)])
    cmd.update(kwargs)
    if projection is not None:
        cmd["fields"] = fields_document(projection)
    if sort is not None:
        cmd["sort"] = index_document(sort, "sort")
    if upsert is not None:
        cmd["upsert"] = validate_upsert(upsert)
    array_filters = validate_array_filters(array_filters)
    if array_filters is not None:
        cmd["arrayFilters"] = array_filters
    if hint is not None:
        cmd["hint"] = hint_document(hint)
    return _run_find_and_modify(collection, cmd, collation, session).get("value")


def rename(collection: Any, new_name: Any, session: Any = None,
           **kwargs: Any) -> Mapping[str, Any]:
    """``renameCollection`` on admin, within the collection's database."""
    if not isinstance(new_name, str):
        raise TypeError(f"new_name must be an instance of str, not {type(new_name).__name__}")
    validate_collection_name(new_name)
    database = collection.database
    cmd = SON([("renameCollection", collection.full_name),
               ("to", f"{database.name}.{new_name}")])
    client = database.client
    with client._tmp_session(session) as session, \
            client._socket_for_writes(session=session) as sock_info:
        # renameCollection takes a write concern from wire version 5 (MongoDB 3.4) on.
        if sock_info.max_wire_version >= 5 and collection.write_concern.document:
            cmd["writeConcern"] = collection.write_concern.document
        cmd.update(kwargs)
        return sock_info.command("admin", cmd, codec_options=collection.codec_options,
                                 parse_write_concern_error=True, session=session)


# ---------------------------------------------------------------- legacy (deprecated) API


def _legacy_write_concern(collection: Any, kwargs: Mapping[str, Any]) -> Any:
    """``**kwargs`` of the legacy methods are write concern options for this call."""
    if kwargs:
        return write_concern_from_options(kwargs)
    return collection.write_concern


def _apply_incoming(collection: Any, document: Any) -> Any:
    """Non-copying manipulators, then the ``_id``, then the copying ones (the 3.x order)."""
    database = collection.database
    for manipulator in database._incoming_manipulators:
        document = manipulator.transform_incoming(document, collection)
    if not _is_raw(document) and "_id" not in document:
        document["_id"] = ObjectId()
    for manipulator in database._incoming_copying_manipulators:
        document = manipulator.transform_incoming(document, collection)
    return document


def insert(collection: Any, doc_or_docs: Any, manipulate: bool = True, check_keys: bool = True,
           continue_on_error: bool = False, **kwargs: Any) -> Any:
    """Legacy insert: the ``_id`` (one document) or list of ``_id`` values (several).

    A failed insert raises the last write error as ``WriteError``/``DuplicateKeyError``
    (as the deprecated API did with ``continue_on_error``).
    """
    write_concern = _legacy_write_concern(collection, kwargs)
    single = isinstance(doc_or_docs, Mapping) or _is_raw(doc_or_docs)
    docs = [doc_or_docs] if single else list(doc_or_docs)
    if not docs:
        raise TypeError("doc_or_docs must not be an empty list")
    prepared = []
    for doc in docs:
        validate_document(doc, "doc_or_docs")
        if manipulate:
            doc = _apply_incoming(collection, doc)
        elif not _is_raw(doc) and "_id" not in doc:
            doc["_id"] = ObjectId()
        prepared.append(doc)
    ids = [doc.get("_id") for doc in prepared]
    bulk = Bulk(collection, ordered=not continue_on_error, check_keys=check_keys)
    for doc in prepared:
        bulk.add_insert(doc)
    try:
        bulk.execute(write_concern)
    except BulkWriteError as exc:
        details = exc.details
        if details["writeErrors"]:
            raise_write_error(details["writeErrors"][-1])
        raise_write_concern_error(details["writeConcernErrors"][-1], exc.error_labels)
    return ids[0] if single else ids


def _check_replacement_keys(document: Any, collection: Any) -> None:
    # Encoding with check_keys raises InvalidDocument for '$'-prefixed or dotted keys.
    bson.BSON.encode(document, True, collection.codec_options)


def update_result_document(reply: Optional[Mapping[str, Any]]) -> Optional[dict]:
    """An update reply as the legacy API (and ``UpdateResult.raw_result``) shows it."""
    if reply is None:
        return None
    result = dict(reply)
    upserted = result.get("upserted")
    result["updatedExisting"] = bool(result.get("n")) and not upserted
    if upserted:
        # Servers return a list of {index, _id}; the legacy API gave the _id itself.
        result["upserted"] = upserted[0]["_id"]
    return result


def update(collection: Any, spec: Any, document: Any, upsert: bool = False,
           manipulate: bool = False, multi: bool = False, check_keys: bool = True,
           **kwargs: Any) -> Optional[dict]:
    """Legacy update: the server's result with ``updatedExisting`` (None for ``w=0``)."""
    validate_mapping("spec", spec)
    validate_mapping("document", document)
    validate_upsert(upsert)
    if not isinstance(multi, bool):
        raise TypeError(f"multi must be True or False, not {multi!r}")
    write_concern = _legacy_write_concern(collection, kwargs)
    if manipulate:
        document = collection.database._fix_incoming(document, collection)
    is_replacement = not document or not str(next(iter(document))).startswith("$")
    if is_replacement:
        validate_replacement(document)
        if multi:
            raise ValueError("multi=True only works with $ operators, not a replacement")
        if check_keys:
            _check_replacement_keys(document, collection)
    else:
        validate_update(document)
    statement = SON([("q", spec), ("u", document), ("multi", multi), ("upsert", upsert)])
    reply = collection._write_one(UPDATE, statement, write_concern=write_concern)
    return update_result_document(reply)


def save(collection: Any, to_save: Any, manipulate: bool = True, check_keys: bool = True,
         **kwargs: Any) -> Any:
    """Legacy save: insert when ``to_save`` has no ``_id``, else upsert by ``_id``."""
    validate_document(to_save, "to_save")
    if _is_raw(to_save) or "_id" not in to_save:
        return insert(collection, to_save, manipulate, check_keys, **kwargs)
    update(collection, {"_id": to_save["_id"]}, to_save, upsert=True, manipulate=manipulate,
           check_keys=check_keys, **kwargs)
    return to_save.get("_id")


def remove(collection: Any, spec_or_id: Any = None, multi: bool = True,
           **kwargs: Any) -> Optional[dict]:
    """Legacy remove: ``{"n": …, "ok": …}`` from the server (None for ``w=0``)."""
    if spec_or_id is None:
        spec_or_id = {}
    if not isinstance(spec_or_id, Mapping):
        spec_or_id = {"_id": spec_or_id}
    if not isinstance(multi, bool):
        raise TypeError(f"multi must be True or False, not {multi!r}")
    write_concern = _legacy_write_concern(collection, kwargs)
    statement = SON([("q", spec_or_id), ("limit", 0 if multi else 1)])
    reply = collection._write_one(DELETE, statement, write_concern=write_concern)
    return None if reply is None else dict(reply)


def find_and_modify(collection: Any, query: Any = None, update: Any = None,
                    upsert: bool = False, sort: Any = None, full_response: bool = False,
                    manipulate: bool = False, **kwargs: Any) -> Any:
    """Legacy findAndModify: the document (or the whole reply with ``full_response``)."""
    query = {} if query is None else validate_mapping("query", query)
    if not update and not kwargs.get("remove"):
        raise ValueError("Must either update or remove")
    if update and kwargs.get("remove"):
        raise ValueError("Can't do both update and remove")
    if query:
        kwargs["query"] = query
    if update:
        kwargs["update"] = validate_mapping("update", update)
    if upsert:
        kwargs["upsert"] = validate_upsert(upsert)
    if sort:
        if isinstance(sort, list):
            kwargs["sort"] = index_document(sort, "sort")
        elif isinstance(sort, Mapping) and (len(sort) == 1 or isinstance(sort, SON)):
            warnings.warn("Passing mapping types for `sort` is deprecated, use a list of "
                          "(key, direction) pairs instead", DeprecationWarning, stacklevel=3)
            kwargs["sort"] = sort
        else:
            raise TypeError(f"sort must be a list of (key, direction) pairs, a dict of len 1, "
                            f"or an instance of SON, not {sort!r}")
    fields = kwargs.pop("fields", None)
    if fields is not None:
        kwargs["fields"] = fields_document(fields, "fields")
    collation = validate_collation(kwargs.pop("collation", None))
    cmd = SON([("findAndModify", collection.name)])
    cmd.update(kwargs)
    reply = _run_find_and_modify(collection, cmd, collation)
    if not reply.get("ok"):
        # Only the allowed "no match" failure gets here (servers before 3.0).
        return None
    if full_response:
        return reply
    document = reply.get("value")
    if manipulate and document is not None:
        document = collection.database._fix_outgoing(document, collection)
    return document

