"""One connection to one server.

The client API hands the pool :class:`mongofw.client.socket_info.SocketInfo` (the
documented ``pymongo.pool.SocketInfo``, a subclass) as the class of its connections.
"""
from __future__ import annotations

import itertools
import socket
import time
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple

from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.son import SON
from mongofw.core.wire import message
from mongofw.core.wire.compression import NOT_COMPRESSED, compress_message
from mongofw.core.wire.message import check_document_size, copy_command
from mongofw.core.wire.network import (
    DEFAULT_MAX_MESSAGE_SIZE,
    GATHER_MIN_BYTES,
    BufferedReceiver,
    format_address,
    receive_reply,
    send_parts,
)
from mongofw.core.wire.server_errors import check_command_response, failure_document
from mongofw.errors import (
    AutoReconnect,
    ConfigurationError,
    NetworkTimeout,
    NotMasterError,
    ProtocolError,
)
from mongofw.options.read_concern import DEFAULT_READ_CONCERN
from mongofw.options.read_preferences import ReadPreference

# First wire version that speaks OP_MSG (MongoDB 3.6).
OP_MSG_WIRE_VERSION = 6

_connection_ids = itertools.count(1)

# A kind-1 document sequence: identifier, encoded documents, and the documents themselves
# (only read when a command listener needs to see them).
Sequence1 = Tuple[str, Sequence[bytes], Sequence[Any]]


def _elapsed(start: float) -> float:
    return time.perf_counter() - start


#: Reply bodies up to this size are read into one buffer the connection keeps and reuses
#: (commands decode them at once): no fresh, zero-filled memory per reply.
REUSED_BUFFER_MAX = 4 * 1024 * 1024


class Connection:
    """A socket with what the handshake told us about its server.

    ``ismaster`` is the handshake reply document; ``pool`` the owning pool (or None).
    Every network error closes the socket before it propagates.
    """

    _reused = bytearray()  # replaced per connection, never changed in place
    _receiver: Optional[BufferedReceiver] = None  # made on the first receive

    def __init__(self, sock: socket.socket, pool: Any, ismaster: Optional[Mapping[str, Any]],
                 address: Tuple[str, Optional[int]]) -> None:
        self.sock = sock
        self.pool = pool
        self.address = address
        self.id = next(_connection_ids)
        self.authset: set = set()
        # Ids of requests sent with moreToCome: a reply to one of them is dropped.
        self.stray_ids: set = set()
        self.closed = False
        self.last_checkin = time.monotonic()
        self.generation = getattr(pool, "generation", 0)
        self.publisher = getattr(pool, "publisher", None)
        self.ismaster: Mapping[str, Any] = {}
        # The compressor the handshake agreed on (wire/compression.py), or None.
        self.compressor: Any = None
        # The client's declared versioned API (options/server_api.py), or None.
        opts = getattr(pool, "opts", None)
        self.server_api: Any = getattr(opts, "server_api", None)
        self._set_ismaster(ismaster or {})

    def _set_ismaster(self, reply: Mapping[str, Any]) -> None:
        self.ismaster = reply
        self.max_wire_version = int(reply.get("maxWireVersion", 0))
        self.min_wire_version = int(reply.get("minWireVersion", 0))
        self.max_bson_size = int(reply.get("maxBsonObjectSize", 16 * 1024 * 1024))
        self.max_message_size = int(reply.get("maxMessageSizeBytes", 2 * self.max_bson_size))
        self.max_write_batch_size = int(reply.get("maxWriteBatchSize", 1000))
        self.is_mongos = reply.get("msg") == "isdbgrid"
        self.is_writable = bool(reply.get("ismaster") or reply.get("isWritablePrimary"))
        self.op_msg = self.max_wire_version >= OP_MSG_WIRE_VERSION

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"{type(self).__name__}({format_address(self.address)}, id={self.id}, {state})"

    # ------------------------------------------------------------ raw messages

    def _network_error(self, exc: BaseException) -> None:
        self.close()
        where = format_address(self.address)
        if isinstance(exc, socket.timeout):
            raise NetworkTimeout(f"{where}: timed out") from None
        if isinstance(exc, (ProtocolError, AutoReconnect)):
            raise exc
        raise AutoReconnect(f"{where}: {exc}") from None

    def send_message(self, message: Any, max_doc_size: int) -> None:
        """Send ``message``, an encoded wire protocol message: ``bytes``, or a list of
        pieces sent gathered (one system call, no joined copy).

        :param max_doc_size: the size of the largest document in it, checked against the
            server's ``maxBsonObjectSize`` first.
        :raises ~pymongo.errors.DocumentTooLarge: when that document is too large.
        :raises ~pymongo.errors.AutoReconnect: on a network error, after closing the
            socket (:exc:`~pymongo.errors.NetworkTimeout` on a timeout).
        """
        if max_doc_size > self.max_bson_size:
            check_document_size(max_doc_size, self.max_bson_size)
        try:
            if type(message) is list:
                send_parts(self.sock, message)
            else:
                self.sock.sendall(message)
        except BaseException as exc:  # noqa: BLE001 - any interruption leaves the socket unusable
            self._network_error(exc)

    def receive_message(self, operation: Any, request_id: int) -> Tuple[int, memoryview]:
        """Receive the reply to ``request_id`` as ``(opcode, body)``.

        :param operation: unused (kept for the 3.4 signature, where it named the
            expected reply).
        :param request_id: the id of the request this reply answers.
        :raises ~pymongo.errors.AutoReconnect: on a network error, after closing the
            socket.
        :raises ~pymongo.errors.ProtocolError: when the reply is malformed or answers
            another request.
        """
        opcode, body, _reply_id = self.receive_reply(request_id)
        return opcode, body

    def _reused_buffer(self, length: int) -> memoryview:
        if length > REUSED_BUFFER_MAX:
            return memoryview(bytearray(length))
        if len(self._reused) < length:
            self._reused = bytearray(max(length, 64 * 1024))
        return memoryview(self._reused)[:length]

    def receive_reply(self, request_id: int, reuse: bool = False
                      ) -> Tuple[int, memoryview, int]:
        """``(opcode, body, the reply's own request id)`` of the reply to ``request_id``.

        ``reuse``: the body may be read into the connection's reused buffer; the caller
        must be done with it before the connection's next receive.
        """
        receiver = self._receiver
        if receiver is None or receiver.sock is not self.sock:
            receiver = self._receiver = BufferedReceiver(self.sock)
        try:
            return receive_reply(receiver, request_id,
                                 max(self.max_message_size, DEFAULT_MAX_MESSAGE_SIZE),
                                 self.stray_ids, self._reused_buffer if reuse else None)
        except BaseException as exc:  # noqa: BLE001
            self._network_error(exc)
            raise  # pragma: no cover - _network_error always raises

    def _round_trip(self, request_id: int, data: bytes, max_doc_size: int,
                    opts: CodecOptions) -> Mapping[str, Any]:
        self.send_message(data, max_doc_size)
        # The reply is decoded (copied out) below, before this connection reads again.
        opcode, body, _reply_id = self.receive_reply(request_id, reuse=True)
        try:
            if opcode == message.OP_MSG:
                return message.parse_op_msg(body, opts)[1][0]
            if opcode == message.OP_REPLY:
                reply = message.Reply(body)
                docs = reply.unpack(opts)
                if not docs:
                    raise ProtocolError("command reply carried no document")
                return docs[0]
            raise ProtocolError(f"unexpected opcode {opcode} in reply")
        except ProtocolError:
            self.close()
            raise

    # ------------------------------------------------------------ commands

    def command(self, dbname: str, spec: Mapping[str, Any], slave_ok: bool = False,
                read_preference: Any = ReadPreference.PRIMARY,
                codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS,
                check: bool = True, allowable_errors: Optional[Iterable] = None,
                check_keys: bool = False, read_concern: Any = DEFAULT_READ_CONCERN,
                write_concern: Any = None,
                parse_write_concern_error: bool = False, collation: Any = None,
                sequences: Sequence[Sequence1] = (), unacknowledged: bool = False,
                operation_id: Optional[int] = None, session: Any = None,
                retryable_write: bool = False) -> Mapping[str, Any]:
        """Run ``spec`` on ``dbname`` and return the reply, raising for failures when ``check``.

        Over OP_MSG the command travels with ``$db`` and kind-1 ``sequences``; older servers
        get an OP_QUERY on ``dbname.$cmd``.  ``operation_id`` goes into the command events
        (the request id when None): the batches of one bulk write share one.

        :param dbname: the database to run on.
        :param spec: the command document, its name first.
        :param slave_ok: allow a secondary to answer (sets the secondary-ok flag, or a
            ``primaryPreferred`` read preference over OP_MSG).
        :param read_preference: sent as ``$readPreference`` to a mongos when not
            primary (default primary).
        :param codec_options: the :class:`~bson.codec_options.CodecOptions` to encode
            the command and decode the reply with.
        :param check: raise :exc:`~pymongo.errors.OperationFailure` (or a subclass)
            when the reply has ``ok: 0`` (default ``True``).
        :param allowable_errors: error messages or codes that do not raise with
            ``check``.
        :param check_keys: refuse ``$``-prefixed or dotted keys in the documents.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`, added as
            ``readConcern`` when it has a level.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`, added as
            ``writeConcern`` unless it is the server default.
        :param parse_write_concern_error: with ``check``, raise
            :exc:`~pymongo.errors.WriteConcernError` for a ``writeConcernError`` too.
        :param collation: a collation document, added as ``collation`` (MongoDB 3.4+;
            older servers raise :exc:`~pymongo.errors.ConfigurationError`).
        :param sequences: kind-1 document sequences (OP_MSG only).
        :param unacknowledged: send with ``moreToCome`` and do not wait for a reply
            (OP_MSG; the result is then ``{"ok": 1}``).
        :param operation_id: see above.
        :param session: see below.
        :param retryable_write: see below.
        :returns: the reply document.
        :raises ~pymongo.errors.AutoReconnect: on a network error (the socket is
            closed).

        ``session`` (the client API's, duck-typed) adds its fields (``lsid``, cluster time,
        transaction fields; ``txnNumber`` for a ``retryable_write``) through
        ``_apply_to(spec, retryable_write, connection)``, sees every reply through
        ``_process_response(reply)`` and hears of network errors (``_mark_dirty()``).
        """
        original = spec
        spec = self._decorate(spec, read_concern, write_concern, collation)
        if session is not None:
            spec = session._apply_to(spec, retryable_write, self)
        # A SON's dict order is its order (and its own __iter__ copies the keys first).
        name = next(iter(dict.keys(spec))) if type(spec) is SON else next(iter(spec))
        server_api = self.server_api
        if server_api is not None and name != "getMore":  # servers refuse them on getMore
            spec = SON(spec)
            server_api.add_to(spec)
        publisher = self.publisher
        listening = publisher is not None and publisher.enabled_for_commands
        if self.op_msg:
            # A copy made above is ours to extend, unless the listeners are to see it
            # without the OP_MSG fields.
            body = spec if spec is not original and not listening else copy_command(spec)
            body["$db"] = dbname
            if read_preference is not None and self.is_mongos and \
                    getattr(read_preference, "mode", 0) != 0:
                body["$readPreference"] = read_preference.document
            elif slave_ok and not self.is_mongos and not self.is_writable:
                body["$readPreference"] = {"mode": "primaryPreferred"}
            flags = message.MSG_MORE_TO_COME if unacknowledged else 0
            rid, parts, _ = message.op_msg_parts(
                body, codec_options, flags=flags, check_keys=check_keys,
                sequences=[(ident, docs) for ident, docs, _ in sequences] if sequences else (),
                max_bson_size=self.max_bson_size)
            # A large message (bulk inserts, GridFS chunks) goes out gathered, unjoined.
            data = parts if len(parts) > 4 and self.compressor is None and \
                message.HEADER.unpack_from(parts[0])[0] >= GATHER_MIN_BYTES \
                else b"".join(parts)
        else:
            if sequences:
                spec = SON(spec)
                for ident, _docs, originals in sequences:
                    spec[ident] = list(originals)
            query = spec
            if read_preference is not None and self.is_mongos and \
                    getattr(read_preference, "mode", 0) != 0:
                query = SON([("$query", spec), ("$readPreference", read_preference.document)])
            flags = message.QUERY_SLAVE_OK if slave_ok else 0
            rid, data, _ = message.op_query(flags, dbname + ".$cmd", 0, -1, query, None,
                                               codec_options, check_keys)
        if self.compressor is not None and name.lower() not in NOT_COMPRESSED:
            data = compress_message(data, self.compressor)
        if listening:
            event_cmd = spec
            if sequences:
                event_cmd = SON(spec)
                for ident, _docs, originals in sequences:
                    event_cmd[ident] = list(originals)
            publisher.publish_command_start(event_cmd, dbname, rid, self.address, operation_id)
        # The spec's duration covers the wire round trip only: not building the message,
        # not the listeners, not checking the reply.  Without listeners: no clock read.
        start = time.perf_counter() if listening else 0.0
        duration = None
        try:
            if unacknowledged and self.op_msg:
                self.send_message(data, 0)
                # Bounded: a server that does answer moreToCome sends at most one reply.
                if len(self.stray_ids) < 10_000:
                    self.stray_ids.add(rid)
                reply: Mapping[str, Any] = {"ok": 1}
            else:
                reply = self._round_trip(rid, data, 0, codec_options)
            if listening:
                duration = _elapsed(start)
            if session is not None:
                session._process_response(reply)
            if check:
                check_command_response(reply, allowable_errors, parse_write_concern_error)
        except Exception as exc:
            # Every started command ends in one event, whatever the error (a reply that
            # does not decode, a document too large …), not only the server's failures.
            if listening:
                publisher.publish_command_failure(
                    _elapsed(start) if duration is None else duration,
                    failure_document(exc), name, rid, self.address, operation_id)
            if isinstance(exc, NotMasterError) and self.pool is not None:
                self.pool.on_not_master(exc, self)
            elif session is not None and self.closed:
                session._mark_dirty()  # the connection failed mid-command
            raise
        if listening:
            publisher.publish_command_success(duration, reply, name, rid, self.address,
                                              operation_id)
        return reply

    def _decorate(self, spec: Mapping[str, Any], read_concern: Any, write_concern: Any,
                  collation: Any) -> Mapping[str, Any]:
        """``spec`` with the concerns and the collation: a copy when any is added."""
        concern = read_concern is not None and getattr(read_concern, "level", None)
        writes = write_concern is not None and not write_concern.is_server_default
        if not concern and not writes and collation is None:
            return spec
        spec = copy_command(spec)
        if concern:
            spec["readConcern"] = read_concern.document
        if writes:
            spec["writeConcern"] = write_concern.document
        if collation is not None:
            if self.max_wire_version < 5:
                raise ConfigurationError(
                    f"collation requires wire version 5 (MongoDB 3.4); "
                    f"{format_address(self.address)} speaks {self.max_wire_version}")
            spec["collation"] = collation
        return spec

    # ------------------------------------------------------------ legacy opcodes

    def legacy_write(self, request_id: int, msg: bytes, max_doc_size: int,
                     with_last_error: bool) -> Optional[Mapping[str, Any]]:
        """Send a legacy OP_INSERT, OP_UPDATE or OP_DELETE message.

        :param request_id: the id of the message, to match the ``getlasterror`` reply.
        :param msg: the encoded message (``bytes``), followed by a ``getlasterror``
            query when ``with_last_error``.
        :param max_doc_size: the size of its largest document (see
            :meth:`send_message`).
        :param with_last_error: whether ``msg`` ends with ``getlasterror`` and its reply
            is awaited.
        :returns: the ``getlasterror`` reply document, or None without
            ``with_last_error``.
        :raises ~pymongo.errors.NotMasterError: for an unacknowledged write to a server
            that is not writable.
        :raises ~pymongo.errors.ProtocolError: when the reply is not an OP_REPLY.
        """
        if not with_last_error and not self.is_writable and not self.is_mongos:
            raise NotMasterError("not master", {"ok": 0, "errmsg": "not master"})
        self.send_message(msg, max_doc_size)
        if not with_last_error:
            return None
        opcode, body = self.receive_message(None, request_id)
        if opcode != message.OP_REPLY:
            self.close()
            raise ProtocolError(f"unexpected opcode {opcode} in getlasterror reply")
        reply = message.Reply(body).unpack(DEFAULT_CODEC_OPTIONS)[0]
        return reply

    def write_command(self, request_id: int, msg: bytes) -> Mapping[str, Any]:
        """Send ``msg``, a prepared ``insert``, ``update`` or ``delete`` command
        message, and return its reply document (matched by ``request_id``).

        :raises ~pymongo.errors.AutoReconnect: on a network error.
        """
        return self._round_trip(request_id, msg, 0, DEFAULT_CODEC_OPTIONS)

    # ------------------------------------------------------------ authentication

    def check_auth(self, all_credentials: Mapping[str, Any]) -> None:
        """Bring this socket's logins up to date: log out stale ones, log in new ones.

        :param all_credentials: a mapping of source database to the credentials this
            connection must be logged in with; logins not in it are logged out.
        :raises ~pymongo.errors.OperationFailure: when the server refuses a login.
        :raises ~pymongo.errors.ConfigurationError: when no authentication mechanism
            is registered.
        """
        wanted = set(all_credentials.values())
        for credentials in list(self.authset - wanted):
            self.command(credentials.source, SON([("logout", 1)]), check=False)
            self.authset.discard(credentials)
        for credentials in all_credentials.values():
            if credentials not in self.authset:
                self.authenticate(credentials)

    def authenticate(self, credentials: Any) -> None:
        """Run the credentials' mechanism on this socket and remember them."""
        authenticator = getattr(self.pool, "authenticator", None)
        if authenticator is None:
            raise ConfigurationError("no authentication mechanisms are registered; "
                                     "is the default_auth plugin disabled?")
        authenticator(credentials, self)
        self.authset.add(credentials)

    # ------------------------------------------------------------ lifecycle

    def idle_time_seconds(self) -> float:
        """Seconds since the connection was last returned to its pool."""
        return time.monotonic() - self.last_checkin

    def close(self) -> None:
        """Close the socket (errors ignored); the pool drops the connection."""
        self.closed = True
        try:
            self.sock.close()
        except OSError:  # pragma: no cover - closing a broken socket
            pass
