"""The documented legacy message builders of ``pymongo.message``.

Each returns what the 3.4 API returned: ``(request_id, message_bytes)`` for ``get_more``
and ``kill_cursors``, ``(request_id, message_bytes, largest_document_size)`` for the others.
With ``safe=True`` a write message is followed by a ``getlasterror`` OP_QUERY on the
collection's database, and the request id returned is that query's, since its reply is the
one to wait for.  ``ctx`` (3.13's compression context: a compressor from
:func:`mongofw.core.wire.compression.make_compressor`) wraps each message in an
OP_COMPRESSED.  The byte layouts come from :mod:`mongofw.core.wire.message`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable, List, Optional, Tuple

from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.son import SON
from mongofw.core.wire import message
from mongofw.core.wire.compression import compress_message

__all__ = ["MAX_INT32", "MIN_INT32", "insert", "update", "delete", "query", "get_more",
           "kill_cursors"]

#: The range of a signed 32-bit integer (BSON int32; the wire format's counts and sizes).
MAX_INT32 = 2 ** 31 - 1
MIN_INT32 = -2 ** 31


def _check_name(collection_name: Any) -> str:
    if not isinstance(collection_name, str):
        raise TypeError(f"collection_name must be an instance of str, not "
                        f"{type(collection_name).__name__}")
    return collection_name


def _check_opts(opts: Any) -> CodecOptions:
    if not isinstance(opts, CodecOptions):
        raise TypeError(f"opts must be an instance of CodecOptions, not {type(opts).__name__}")
    return opts


def _check_int(name: str, value: Any, bits: int = 32) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if not low <= value <= high:
        raise ValueError(f"{name} must fit a signed {bits}-bit integer "
                         f"({low}..{high}), not {value}")
    return value


def _last_error(collection_name: str, last_error_args: Optional[Mapping[str, Any]]
                ) -> Tuple[int, bytes]:
    """The ``getlasterror`` query on ``<database>.$cmd`` that acknowledges a legacy write."""
    if last_error_args is not None and not isinstance(last_error_args, Mapping):
        raise TypeError(f"last_error_args must be a mapping, not "
                        f"{type(last_error_args).__name__}")
    cmd = SON([("getlasterror", 1)])
    cmd.update(last_error_args or {})
    db_name = collection_name.split(".", 1)[0]
    rid, data, _ = message.op_query(0, db_name + ".$cmd", 0, -1, cmd, None,
                                    DEFAULT_CODEC_OPTIONS)
    return rid, data


def _compressed(data: bytes, ctx: Any) -> bytes:
    """One framed message as it goes out: in an OP_COMPRESSED when there is a ``ctx``."""
    return data if ctx is None else compress_message(data, ctx)


def _with_last_error(built: Tuple[int, bytes, int], safe: bool, collection_name: str,
                     last_error_args: Optional[Mapping[str, Any]],
                     ctx: Any = None) -> Tuple[int, bytes, int]:
    rid, data, size = built
    data = _compressed(data, ctx)
    if not safe:
        return rid, data, size
    gle_rid, gle = _last_error(collection_name, last_error_args)
    return gle_rid, data + _compressed(gle, ctx), size


def insert(collection_name: str, docs: Iterable[Mapping[str, Any]], check_keys: bool,
           safe: bool, last_error_args: Optional[Mapping[str, Any]], continue_on_error: bool,
           opts: CodecOptions, ctx: Any = None) -> Tuple[int, bytes, int]:
    """An OP_INSERT of ``docs``, optionally acknowledged.

    :param collection_name: the full namespace, ``"<database>.<collection>"``.
    :param docs: the documents to insert (an iterable of mappings).
    :param check_keys: refuse keys that start with ``$`` or contain ``.``.
    :param safe: when ``True``, append a ``getlasterror`` query so the write is
        acknowledged; the returned request id is then that query's.
    :param last_error_args: options for ``getlasterror`` (a mapping such as
        ``{"w": 2, "wtimeout": 1000}``), or None.
    :param continue_on_error: set the ContinueOnError flag: the server goes on past a
        failed document.
    :param opts: the :class:`~bson.codec_options.CodecOptions` to encode with.
    :param ctx: a compression context (a compressor, 3.13's parameter), or None (the
        default) to send uncompressed.
    :returns: ``(request_id, message_bytes, largest_document_size)``.
    :raises TypeError: when ``collection_name`` is not a ``str`` or ``opts`` not
        CodecOptions.

    Deprecated in 3.12, as is the whole module (PyMongo 4 removed it)."""
    built = message.op_insert(_check_name(collection_name), list(docs), check_keys,
                              continue_on_error, _check_opts(opts))
    return _with_last_error(built, safe, collection_name, last_error_args, ctx)


def update(collection_name: str, upsert: bool, multi: bool, spec: Mapping[str, Any],
           doc: Mapping[str, Any], safe: bool, last_error_args: Optional[Mapping[str, Any]],
           check_keys: bool, opts: CodecOptions, ctx: Any = None) -> Tuple[int, bytes, int]:
    """An OP_UPDATE, optionally acknowledged.

    :param collection_name: the full namespace, ``"<database>.<collection>"``.
    :param upsert: set the Upsert flag: insert when nothing matches.
    :param multi: set the MultiUpdate flag: change every match, not the first only.
    :param spec: the query selecting the documents.
    :param doc: the update (operators) or replacement document.
    :param safe: when ``True``, append a ``getlasterror`` query so the write is
        acknowledged; the returned request id is then that query's.
    :param last_error_args: options for ``getlasterror`` (a mapping such as
        ``{"w": 2, "wtimeout": 1000}``), or None.
    :param check_keys: refuse keys that start with ``$`` or contain ``.`` in ``doc``
        (for replacements).
    :param opts: the :class:`~bson.codec_options.CodecOptions` to encode with.
    :param ctx: a compression context (a compressor, 3.13's parameter), or None (the
        default) to send uncompressed.
    :returns: ``(request_id, message_bytes, largest_document_size)``.
    :raises TypeError: when ``collection_name`` is not a ``str`` or ``opts`` not
        CodecOptions.

    Deprecated in 3.12, as is the whole module (PyMongo 4 removed it)."""
    built = message.op_update(_check_name(collection_name), upsert, multi, spec, doc,
                              check_keys, _check_opts(opts))
    return _with_last_error(built, safe, collection_name, last_error_args, ctx)


def delete(collection_name: str, spec: Mapping[str, Any], safe: bool,
           last_error_args: Optional[Mapping[str, Any]], opts: CodecOptions,
           flags: int = 0, ctx: Any = None) -> Tuple[int, bytes, int]:
    """An OP_DELETE, optionally acknowledged.

    :param collection_name: the full namespace, ``"<database>.<collection>"``.
    :param spec: the query selecting the documents to delete.
    :param safe: when ``True``, append a ``getlasterror`` query so the write is
        acknowledged; the returned request id is then that query's.
    :param last_error_args: options for ``getlasterror`` (a mapping such as
        ``{"w": 2, "wtimeout": 1000}``), or None.
    :param opts: the :class:`~bson.codec_options.CodecOptions` to encode with.
    :param flags: the OP_DELETE flag bits: ``1`` (SingleRemove) deletes the first
        match only; ``0`` (the default) every match.
    :param ctx: a compression context (a compressor, 3.13's parameter), or None (the
        default) to send uncompressed.
    :returns: ``(request_id, message_bytes, largest_document_size)``.
    :raises TypeError: for an argument of the wrong type.

    Deprecated in 3.12, as is the whole module (PyMongo 4 removed it)."""
    built = message.op_delete(_check_name(collection_name), spec, _check_opts(opts),
                              _check_int("flags", flags))
    return _with_last_error(built, safe, collection_name, last_error_args, ctx)


def query(options: int, collection_name: str, num_to_skip: int, num_to_return: int,
          query: Mapping[str, Any], field_selector: Optional[Mapping[str, Any]],
          opts: CodecOptions, check_keys: bool = False,
          ctx: Any = None) -> Tuple[int, bytes, int]:
    """An OP_QUERY.

    :param options: the query flag bits (an ``int``: TailableCursor 2, SlaveOk 4,
        NoCursorTimeout 16, AwaitData 32, Exhaust 64, Partial 128).
    :param collection_name: the full namespace, ``"<database>.<collection>"``.
    :param num_to_skip: how many documents to skip.
    :param num_to_return: the batch size (negative: one batch, then close).
    :param query: the query document (or command, on ``<database>.$cmd``).
    :param field_selector: the projection, or None for whole documents.
    :param opts: the :class:`~bson.codec_options.CodecOptions` to encode with.
    :param check_keys: refuse keys that start with ``$`` or contain ``.`` (default
        ``False``).
    :param ctx: a compression context (a compressor, 3.13's parameter), or None (the
        default) to send uncompressed.
    :returns: ``(request_id, message_bytes, largest_document_size)``.
    :raises TypeError: for an argument of the wrong type.
    :raises ValueError: when a count does not fit a signed 32-bit int.

    Deprecated in 3.12, as is the whole module (PyMongo 4 removed it)."""
    rid, data, size = message.op_query(
        _check_int("options", options), _check_name(collection_name),
        _check_int("num_to_skip", num_to_skip), _check_int("num_to_return", num_to_return),
        query, field_selector, _check_opts(opts), check_keys)
    return rid, _compressed(data, ctx), size


def get_more(collection_name: str, num_to_return: int, cursor_id: int,
             ctx: Any = None) -> Tuple[int, bytes]:
    """An OP_GET_MORE for the next batch of cursor ``cursor_id`` (a 64-bit int).

    :param collection_name: the full namespace, ``"<database>.<collection>"``.
    :param num_to_return: the batch size (``0``: the server's default).
    :param ctx: a compression context (a compressor, 3.13's parameter), or None (the
        default) to send uncompressed.
    :returns: ``(request_id, message_bytes)``.
    :raises TypeError: for an argument of the wrong type.
    :raises ValueError: when a number does not fit its integer size.

    Deprecated in 3.12, as is the whole module (PyMongo 4 removed it)."""
    rid, data = message.op_get_more(_check_name(collection_name),
                                    _check_int("num_to_return", num_to_return),
                                    _check_int("cursor_id", cursor_id, 64))
    return rid, _compressed(data, ctx)


def kill_cursors(cursor_ids: List[int]) -> Tuple[int, bytes]:
    """An OP_KILL_CURSORS for every id in ``cursor_ids``."""
    if isinstance(cursor_ids, (str, bytes)) or not hasattr(cursor_ids, "__iter__"):
        raise TypeError(f"cursor_ids must be a list of ints, not {type(cursor_ids).__name__}")
    ids = [_check_int("cursor id", cursor_id, 64) for cursor_id in cursor_ids]
    return message.op_kill_cursors(ids)
