"""A command listener that traces every database command as an OpenTelemetry span.

A span starts when a command starts, in the thread that runs the operation, so it is a
child of whatever span the application has open there; it ends when the command's reply
(or failure) event comes.  Attributes follow OpenTelemetry's semantic conventions for
database client spans; document contents are never recorded (filters and values may hold
the application's data):

================================  ===============================================
``db.system``                     ``"mongodb"``
``db.namespace``                  the database name
``db.collection.name``            the collection, when the command names one
``db.operation.name``             the command name (``find``, ``insert``, ...)
``server.address``, ``server.port``  the server the command went to
``db.mongodb.request_id``         the wire request id (matches command events)
``db.response.status_code``       the server's error code, on failure
``error.type``                    the server's code name, or the driver's exception
================================  ===============================================

The span name is ``"<command> <collection>"`` (``"find orders"``), or the command name
alone.  A failed command's span has status ERROR; the server's ``errmsg`` is not recorded,
since servers quote values in it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Dict, Optional, Tuple

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from mongofw.monitoring.events import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

# Spans waiting for their command's end event.  Every started command gets a succeeded or
# failed event, so this stays small; the cap only guards against a lost event, in which
# case the oldest span is ended (status ERROR) rather than kept for ever.
MAX_OPEN_SPANS = 10_000
TRACER_NAME = "mongofw_opentelemetry"


def _collection(event: CommandStartedEvent) -> Optional[str]:
    # Most commands name their collection as the value of the command-name key
    # ({"find": "orders"}); others (ping, or a redacted authentication command) do not.
    value = event.command.get(event.command_name) if event.command else None
    return value if isinstance(value, str) else None


def _server_attributes(address: Any) -> Dict[str, Any]:
    if isinstance(address, tuple) and len(address) == 2:
        host, port = address
        attributes: Dict[str, Any] = {"server.address": str(host)}
        if port is not None:
            attributes["server.port"] = int(port)
        return attributes
    return {} if address is None else {"server.address": str(address)}


class CommandTracer(CommandListener):
    """Opens a CLIENT span per command and ends it with the command's outcome.

    :param tracer_provider: an ``opentelemetry.trace.TracerProvider``; ``None`` (the
        default) uses the global provider, which records nothing until the application
        sets an SDK provider.
    """

    def __init__(self, tracer_provider: Any = None) -> None:
        if tracer_provider is not None and not hasattr(tracer_provider, "get_tracer"):
            raise TypeError(f"opentelemetry_tracer_provider must be an OpenTelemetry "
                            f"TracerProvider, not {type(tracer_provider).__name__}")
        self.tracer = trace.get_tracer(TRACER_NAME, tracer_provider=tracer_provider)
        self._open: OrderedDict[Tuple[int, Any], Any] = OrderedDict()
        self._lock = threading.Lock()

    def started(self, event: CommandStartedEvent) -> None:
        """Start the command's span (a child of the caller's current span)."""
        collection = _collection(event)
        attributes: Dict[str, Any] = {"db.system": "mongodb",
                                      "db.namespace": event.database_name,
                                      "db.operation.name": event.command_name,
                                      "db.mongodb.request_id": event.request_id}
        if collection is not None:
            attributes["db.collection.name"] = collection
        attributes.update(_server_attributes(event.connection_id))
        name = f"{event.command_name} {collection}" if collection else event.command_name
        span = self.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        evicted = None
        with self._lock:
            self._open[(event.request_id, event.connection_id)] = span
            if len(self._open) > MAX_OPEN_SPANS:
                _, evicted = self._open.popitem(last=False)
        if evicted is not None:
            evicted.set_status(Status(StatusCode.ERROR, "no reply event for this command"))
            evicted.end()

    def _pop(self, event: Any) -> Any:
        with self._lock:
            return self._open.pop((event.request_id, event.connection_id), None)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        """End the command's span."""
        span = self._pop(event)
        if span is not None:
            span.end()

    def failed(self, event: CommandFailedEvent) -> None:
        """End the command's span with status ERROR, the error code and its type."""
        span = self._pop(event)
        if span is None:
            return
        failure = event.failure
        code = failure.get("code")
        if code is not None:
            span.set_attribute("db.response.status_code", str(code))
        error_type = failure.get("codeName") or failure.get("errtype") or "OperationFailure"
        span.set_attribute("error.type", str(error_type))
        span.set_status(Status(StatusCode.ERROR, str(error_type)))
        span.end()
