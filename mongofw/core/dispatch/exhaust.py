"""Exhaust cursors: the server streams a cursor's batches without a getMore for each.

An exhaust cursor sends its ``getMore`` as OP_MSG with the ``exhaustAllowed`` flag.  A
server that streams answers with ``moreToCome`` set and keeps sending one reply per batch
(each reply answering the previous one) until the cursor is exhausted; the connection is
pinned to the cursor meanwhile.  A server may decline - FerretDB does - by answering once
without ``moreToCome``: the next batch then takes another ``getMore``, as for any cursor.

A connection left in the middle of a stream still has replies coming, so closing the
cursor early closes that connection instead of returning it to the pool.
"""
from __future__ import annotations

import contextlib
import time
from typing import Any, List, Optional, Tuple

from bson.int64 import Int64
from bson.son import SON
from mongofw.core.wire import message
from mongofw.core.wire.server_errors import check_command_response, failure_document
from mongofw.errors import ProtocolError

# OP_MSG (and with it exhaustAllowed, an optional flag older servers ignore): MongoDB 3.6.
EXHAUST_WIRE_VERSION = 6


class ExhaustStream:
    """The pinned connection of one exhaust cursor and where its stream stands."""

    def __init__(self, client: Any, address: Any) -> None:
        self._client = client
        self._address = tuple(address)
        self._pin: Optional[contextlib.ExitStack] = None
        self._sock: Any = None
        # The id of the last streamed reply while the server has more to send, else None.
        self._waiting_on: Optional[int] = None

    def get_more(self, namespace: str, cursor_id: int, batch_size: int,
                 codec_options: Any) -> Tuple[int, List[Any]]:
        """The next batch: read from the stream, or ask for one with ``exhaustAllowed``."""
        db_name, coll_name = namespace.split(".", 1)
        command = SON([("getMore", Int64(cursor_id)), ("collection", coll_name)])
        if batch_size:
            command["batchSize"] = batch_size
        sock = self._connection()
        try:
            if self._waiting_on is None:
                body = SON(command)
                body["$db"] = db_name
                request_id, data, _ = message.op_msg(body, codec_options,
                                                     flags=message.MSG_EXHAUST_ALLOWED)
                sock.send_message(data, 0)
            else:
                request_id = self._waiting_on
            reply = self._read(sock, request_id, command, db_name, codec_options)
        except BaseException as exc:
            self._end(exc)
            raise
        if self._waiting_on is None:
            self._release(None)
        cursor = reply["cursor"]
        return int(cursor.get("id", 0)), list(cursor.get("nextBatch", []))

    def _read(self, sock: Any, request_id: int, command: SON, db_name: str,
              codec_options: Any) -> Any:
        # Each streamed batch is published as a getMore of its own, like an asked one.
        publisher = sock.publisher
        listening = publisher is not None and publisher.enabled_for_commands
        if listening:
            publisher.publish_command_start(command, db_name, request_id, sock.address)
            start = time.perf_counter()
        try:
            opcode, body, reply_id = sock.receive_reply(request_id)
            if opcode != message.OP_MSG:
                raise ProtocolError(f"expected OP_MSG in an exhaust stream, got opcode {opcode}")
            flags, docs = message.parse_op_msg(body, codec_options)
            reply = docs[0]
            check_command_response(reply)
        except Exception as exc:
            if listening:
                publisher.publish_command_failure(time.perf_counter() - start,
                                                  failure_document(exc), "getMore",
                                                  request_id, sock.address)
            raise
        if listening:
            publisher.publish_command_success(time.perf_counter() - start, reply, "getMore",
                                              request_id, sock.address)
        self._waiting_on = reply_id if flags & message.MSG_MORE_TO_COME else None
        return reply

    def _connection(self) -> Any:
        if self._sock is None:
            pin = contextlib.ExitStack()
            self._sock = pin.enter_context(self._client._socket_for_address(self._address))
            self._pin = pin
        return self._sock

    def _release(self, error: Optional[BaseException]) -> None:
        # Leaving the pool's context with the error lets the pool judge the connection
        # (and report a network error to the topology) as for any operation.
        pin, self._pin, self._sock = self._pin, None, None
        if pin is not None:
            if error is None:
                pin.close()
            else:
                pin.__exit__(type(error), error, error.__traceback__)

    def _end(self, error: Optional[BaseException]) -> None:
        if self._waiting_on is not None and self._sock is not None:
            self._sock.close()  # replies are still coming: the connection is unusable
        self._waiting_on = None
        self._release(error)

    def close(self) -> None:
        """Give the connection back; one still receiving the stream is closed first."""
        self._end(None)

    def close_deferred(self, client: Any) -> None:
        """``close()`` as a call for the client's cursor killer thread (from ``__del__``)."""
        self._end(None)
