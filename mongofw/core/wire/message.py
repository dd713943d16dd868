"""Wire protocol messages: building requests and parsing replies.

OP_MSG (opcode 2013) for servers of wire version 6 and later; OP_QUERY on ``db.$cmd`` with
an OP_REPLY answer for the handshake and older servers; the legacy OP_INSERT / OP_UPDATE /
OP_DELETE / OP_GET_MORE / OP_KILL_CURSORS builders behind ``pymongo.message``.

Builders return ``(request_id, bytes)``; encoding goes through ``bson`` so a message body
is encoded exactly once.
"""
from __future__ import annotations

import itertools
import random
import struct
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

import bson
from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.son import SON
from mongofw.errors import DocumentTooLarge, InvalidOperation, ProtocolError

OP_REPLY = 1
OP_UPDATE = 2001
OP_INSERT = 2002
OP_QUERY = 2004
OP_GET_MORE = 2005
OP_DELETE = 2006
OP_KILL_CURSORS = 2007
OP_COMPRESSED = 2012
OP_MSG = 2013

# OP_MSG flag bits.
MSG_CHECKSUM_PRESENT = 1 << 0
MSG_MORE_TO_COME = 1 << 1
MSG_EXHAUST_ALLOWED = 1 << 16

# OP_QUERY flag bits.
QUERY_TAILABLE = 1 << 1
QUERY_SLAVE_OK = 1 << 2
QUERY_NO_TIMEOUT = 1 << 4
QUERY_AWAIT_DATA = 1 << 5
QUERY_EXHAUST = 1 << 6
QUERY_PARTIAL = 1 << 7

# OP_REPLY response flags.
REPLY_CURSOR_NOT_FOUND = 1 << 0
REPLY_QUERY_FAILURE = 1 << 1

HEADER = struct.Struct("<iiii")
_INT32 = struct.Struct("<i")
_UINT32 = struct.Struct("<I")
_INT64 = struct.Struct("<q")
_REPLY_FIELDS = struct.Struct("<iqii")
# An OP_MSG body's start: flag bits, the first section's kind, its document's size.
_MSG_START = struct.Struct("<IBi")
_ZERO32 = b"\x00\x00\x00\x00"

# Room an OP_MSG/OP_QUERY wrapper needs beyond its documents (headers, names, flags).
COMMAND_OVERHEAD = 16 * 1024

_request_ids = itertools.count(random.randint(0, 1 << 30))


def copy_command(spec: Mapping[str, Any]) -> SON:
    """A new SON with ``spec``'s items in order, for the driver to add fields to.

    What ``SON(spec)`` gives, without its per-item Python loop for the usual ``dict`` and
    ``SON`` commands (whose dict order is their order; an OrderedDict's may not be).
    """
    kind = type(spec)
    if kind is SON or kind is dict:
        copy = dict.__new__(SON)
        dict.update(copy, dict.items(spec))
        return copy
    return SON(spec)


def next_request_id() -> int:
    """A fresh request id; ``next()`` on a count is atomic under the GIL."""
    return next(_request_ids) & 0x7FFFFFFF


def _encode(doc: Mapping[str, Any], check_keys: bool, opts: CodecOptions) -> bytes:
    return bson._dict_to_bson(doc, check_keys, opts)


def _cstring(name: str) -> bytes:
    return name.encode("utf-8") + b"\x00"


def _frame(opcode: int, body: bytes, request_id: Optional[int] = None,
           response_to: int = 0) -> Tuple[int, bytes]:
    rid = next_request_id() if request_id is None else request_id
    return rid, HEADER.pack(16 + len(body), rid, response_to, opcode) + body


def check_document_size(size: int, max_size: int, what: str = "document") -> None:
    if size > max_size:
        raise DocumentTooLarge(
            f"BSON {what} too large ({size} bytes) - the connected server supports BSON "
            f"document sizes up to {max_size} bytes.")


# ---------------------------------------------------------------- OP_MSG


def op_msg(body: Mapping[str, Any], opts: CodecOptions = DEFAULT_CODEC_OPTIONS, *,
           flags: int = 0, sequences: Sequence[Tuple[str, Sequence[bytes]]] = (),
           check_keys: bool = False,
           max_bson_size: Optional[int] = None) -> Tuple[int, bytes, int]:
    """An OP_MSG with a kind-0 body and kind-1 sequences of already-encoded documents.

    Returns ``(request_id, message, body_size)``; ``body_size`` is checked against
    ``max_bson_size`` (plus the 16 KiB command overhead) when given.
    """
    rid, parts, body_size = op_msg_parts(body, opts, flags=flags, sequences=sequences,
                                         check_keys=check_keys, max_bson_size=max_bson_size)
    return rid, b"".join(parts), body_size


def op_msg_parts(body: Mapping[str, Any], opts: CodecOptions = DEFAULT_CODEC_OPTIONS, *,
                 flags: int = 0, sequences: Sequence[Tuple[str, Sequence[bytes]]] = (),
                 check_keys: bool = False,
                 max_bson_size: Optional[int] = None) -> Tuple[int, List[Any], int]:
    """:func:`op_msg` as the list of its pieces, header first, not joined.

    Joined once (or sent gathered, see ``network.send_parts``), large document
    sequences (bulk inserts, GridFS chunks) are copied once on their way to the socket.
    """
    encoded = _encode(body, check_keys, opts)
    if max_bson_size is not None and len(encoded) > max_bson_size + COMMAND_OVERHEAD:
        check_document_size(len(encoded), max_bson_size + COMMAND_OVERHEAD, "command")
    parts: List[Any] = [b"", _UINT32.pack(flags) if flags else _ZERO32, b"\x00", encoded]
    length = 21 + len(encoded)
    for identifier, docs in sequences:
        name = _cstring(identifier)
        size = 4 + len(name) + sum(map(len, docs))
        parts += (b"\x01", _INT32.pack(size), name)
        parts.extend(docs)
        length += 1 + size
    rid = next_request_id()
    parts[0] = HEADER.pack(length, rid, 0, OP_MSG)
    return rid, parts, len(encoded)


def parse_op_msg(data: memoryview, opts: CodecOptions) -> Tuple[int, List[Any]]:
    """Decode an OP_MSG body (without header) into ``(flags, [body_document])``."""
    if len(data) < _MSG_START.size:
        raise ProtocolError(f"OP_MSG reply too short ({len(data)} bytes)")
    flags, kind, size = _MSG_START.unpack_from(data, 0)
    if flags & ~(MSG_CHECKSUM_PRESENT | MSG_MORE_TO_COME | MSG_EXHAUST_ALLOWED):
        raise ProtocolError(f"unsupported OP_MSG flag bits {flags:#x} in reply")
    if kind != 0:
        raise ProtocolError(f"OP_MSG reply must start with a kind-0 section, got kind {kind}")
    # The CRC-32C, when present, trails the sections (TCP already checks integrity).
    end = len(data) - 4 if flags & MSG_CHECKSUM_PRESENT else len(data)
    if size < 5 or 5 + size > end:
        raise ProtocolError(f"OP_MSG reply body of {size} bytes does not fit the "
                            f"{end}-byte message")
    try:
        # A view, not a copy: the decoder reads any buffer (the pure one copies itself).
        docs = bson.decode_all(data[5:5 + size], opts)
    except bson.errors.InvalidBSON as exc:
        raise ProtocolError(f"invalid BSON in OP_MSG reply: {exc}") from exc
    return flags, docs


# ---------------------------------------------------------------- OP_QUERY / OP_REPLY


def op_query(flags: int, collection_name: str, num_to_skip: int, num_to_return: int,
             query: Mapping[str, Any], field_selector: Optional[Mapping[str, Any]],
             opts: CodecOptions, check_keys: bool = False) -> Tuple[int, bytes, int]:
    """An OP_QUERY; returns ``(request_id, message, size_of_largest_document)``."""
    encoded = _encode(query, check_keys, opts)
    parts = [_INT32.pack(flags), _cstring(collection_name),
             _INT32.pack(num_to_skip), _INT32.pack(num_to_return), encoded]
    max_size = len(encoded)
    if field_selector is not None:
        selector = _encode(field_selector, False, opts)
        parts.append(selector)
        max_size = max(max_size, len(selector))
    rid, data = _frame(OP_QUERY, b"".join(parts))
    return rid, data, max_size


class Reply:
    """A parsed OP_REPLY: flags, cursor id, starting offset and the raw documents."""

    __slots__ = ("flags", "cursor_id", "starting_from", "number_returned", "documents")

    def __init__(self, body: memoryview) -> None:
        if len(body) < _REPLY_FIELDS.size:
            raise ProtocolError(f"OP_REPLY too short ({len(body)} bytes)")
        (self.flags, self.cursor_id, self.starting_from,
         self.number_returned) = _REPLY_FIELDS.unpack_from(body, 0)
        self.documents = bytes(body[_REPLY_FIELDS.size:])

    def unpack(self, opts: CodecOptions) -> List[Any]:
        """The reply's documents; raises ``ProtocolError`` on malformed BSON."""
        try:
            docs = bson.decode_all(self.documents, opts)
        except bson.errors.InvalidBSON as exc:
            raise ProtocolError(f"invalid BSON in OP_REPLY: {exc}") from exc
        if len(docs) != self.number_returned:
            raise ProtocolError(f"OP_REPLY announced {self.number_returned} documents "
                                f"but carried {len(docs)}")
        return docs


# ---------------------------------------------------------------- legacy writes and cursors


def op_insert(collection_name: str, docs: Iterable[Mapping[str, Any]], check_keys: bool,
              continue_on_error: bool, opts: CodecOptions) -> Tuple[int, bytes, int]:
    encoded = [_encode(d, check_keys, opts) for d in docs]
    if not encoded:
        raise InvalidOperation("cannot do an empty bulk insert")
    flags = 1 if continue_on_error else 0
    rid, data = _frame(OP_INSERT, b"".join([_INT32.pack(flags), _cstring(collection_name),
                                            *encoded]))
    return rid, data, max(len(e) for e in encoded)


def op_update(collection_name: str, upsert: bool, multi: bool, spec: Mapping[str, Any],
              doc: Mapping[str, Any], check_keys: bool,
              opts: CodecOptions) -> Tuple[int, bytes, int]:
    flags = (1 if upsert else 0) | (2 if multi else 0)
    selector = _encode(spec, False, opts)
    update = _encode(doc, check_keys, opts)
    rid, data = _frame(OP_UPDATE, b"".join([_ZERO32, _cstring(collection_name),
                                            _INT32.pack(flags), selector, update]))
    return rid, data, max(len(selector), len(update))


def op_delete(collection_name: str, spec: Mapping[str, Any], opts: CodecOptions,
              flags: int = 0) -> Tuple[int, bytes, int]:
    selector = _encode(spec, False, opts)
    rid, data = _frame(OP_DELETE, b"".join([_ZERO32, _cstring(collection_name),
                                            _INT32.pack(flags), selector]))
    return rid, data, len(selector)


def op_get_more(collection_name: str, num_to_return: int, cursor_id: int) -> Tuple[int, bytes]:
    return _frame(OP_GET_MORE, b"".join([_ZERO32, _cstring(collection_name),
                                         _INT32.pack(num_to_return), _INT64.pack(cursor_id)]))


def op_kill_cursors(cursor_ids: Sequence[int]) -> Tuple[int, bytes]:
    return _frame(OP_KILL_CURSORS, b"".join([_ZERO32, _INT32.pack(len(cursor_ids)),
                                             *(_INT64.pack(c) for c in cursor_ids)]))

