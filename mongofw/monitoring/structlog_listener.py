"""Structured logging of every monitoring event, with structlog.

Each command, server, heartbeat and topology event becomes one key-value record on
``structlog.get_logger("mongofw")``: a snake_case event name (``command_succeeded``) and
facts as keys — command name, database, request and operation ids, server address,
``duration_micros``, error codes.  Document contents (commands, replies, error messages
that may echo values) are logged only with ``log_command_documents=True``.

We never call ``structlog.configure``: the application owns it, and its processors and
logger factory take our records over.  When JSON output is asked for (``MONGOFW_LOG=json``)
and structlog is still unconfigured, records go as JSON lines to stderr through a logger
of our own, so one environment variable turns a script's run into JSON event lines.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Dict, Optional, TextIO, Tuple

import structlog

from mongofw.monitoring import events as ev

logger = structlog.get_logger("mongofw")


def format_address(address: Any) -> Optional[str]:
    """``host:port`` for a ``(host, port)`` pair (just the path for a Unix socket)."""
    if isinstance(address, tuple) and len(address) == 2:
        host, port = address
        return str(host) if port is None else f"{host}:{port}"
    return None if address is None else str(address)


def _type_name(description: Any, *attributes: str) -> Any:
    # Descriptions are opaque here: use the first naming attribute the object has.
    for attribute in attributes:
        value = getattr(description, attribute, None)
        if value is not None:
            return value
    return None


def _error_text(error: Any) -> str:
    return f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else repr(error)


Fields = Dict[str, Any]


def _command_started(e: ev.CommandStartedEvent, docs: bool) -> Fields:
    fields = {"command_name": e.command_name, "database_name": e.database_name,
              "request_id": e.request_id, "operation_id": e.operation_id,
              "server_address": format_address(e.connection_id)}
    if docs:
        fields["command"] = dict(e.command)
    return fields


def _command_succeeded(e: ev.CommandSucceededEvent, docs: bool) -> Fields:
    fields = {"command_name": e.command_name, "request_id": e.request_id,
              "operation_id": e.operation_id, "server_address": format_address(e.connection_id),
              "duration_micros": e.duration_micros}
    if docs:
        fields["reply"] = dict(e.reply)
    return fields


def _command_failed(e: ev.CommandFailedEvent, docs: bool) -> Fields:
    fields = {"command_name": e.command_name, "request_id": e.request_id,
              "operation_id": e.operation_id, "server_address": format_address(e.connection_id),
              "duration_micros": e.duration_micros, "error_code": e.failure.get("code"),
              "error_code_name": e.failure.get("codeName")}
    if docs:
        # Server messages quote keys and values (E11000 ... dup key: { _id: 1 }).
        fields["error_message"] = e.failure.get("errmsg")
        fields["failure"] = dict(e.failure)
    return fields


def _heartbeat_started(e: ev.ServerHeartbeatStartedEvent, docs: bool) -> Fields:
    return {"server_address": format_address(e.connection_id)}


def _heartbeat_succeeded(e: ev.ServerHeartbeatSucceededEvent, docs: bool) -> Fields:
    return {"server_address": format_address(e.connection_id),
            "duration_micros": e.duration_micros}


def _heartbeat_failed(e: ev.ServerHeartbeatFailedEvent, docs: bool) -> Fields:
    fields = {"server_address": format_address(e.connection_id),
              "duration_micros": e.duration_micros, "error": _error_text(e.reply)}
    code = getattr(e.reply, "code", None)
    if code is not None:
        fields["error_code"] = code
    return fields


def _server_event(e: Any, docs: bool) -> Fields:
    return {"server_address": format_address(e.server_address),
            "topology_id": str(e.topology_id)}


def _server_changed(e: ev.ServerDescriptionChangedEvent, docs: bool) -> Fields:
    fields = _server_event(e, docs)
    fields["previous_server_type"] = _type_name(e.previous_description,
                                                "server_type_name", "server_type")
    fields["new_server_type"] = _type_name(e.new_description, "server_type_name", "server_type")
    error = getattr(e.new_description, "error", None)
    if error is not None:
        fields["error"] = _error_text(error)
    return fields


def _topology_event(e: Any, docs: bool) -> Fields:
    return {"topology_id": str(e.topology_id)}


def _topology_changed(e: ev.TopologyDescriptionChangedEvent, docs: bool) -> Fields:
    return {"topology_id": str(e.topology_id),
            "previous_topology_type": _type_name(e.previous_description,
                                                 "topology_type_name", "topology_type"),
            "new_topology_type": _type_name(e.new_description,
                                            "topology_type_name", "topology_type")}


# event class -> (record name, log level, fields builder)
_RECORDS: Dict[type, Tuple[str, str, Callable[[Any, bool], Fields]]] = {
    ev.CommandStartedEvent: ("command_started", "info", _command_started),
    ev.CommandSucceededEvent: ("command_succeeded", "info", _command_succeeded),
    ev.CommandFailedEvent: ("command_failed", "warning", _command_failed),
    ev.ServerHeartbeatStartedEvent: ("server_heartbeat_started", "debug", _heartbeat_started),
    ev.ServerHeartbeatSucceededEvent: ("server_heartbeat_succeeded", "debug",
                                       _heartbeat_succeeded),
    ev.ServerHeartbeatFailedEvent: ("server_heartbeat_failed", "warning", _heartbeat_failed),
    ev.ServerOpeningEvent: ("server_opening", "info", _server_event),
    ev.ServerClosedEvent: ("server_closed", "info", _server_event),
    ev.ServerDescriptionChangedEvent: ("server_description_changed", "info", _server_changed),
    ev.TopologyOpenedEvent: ("topology_opened", "info", _topology_event),
    ev.TopologyClosedEvent: ("topology_closed", "info", _topology_event),
    ev.TopologyDescriptionChangedEvent: ("topology_description_changed", "info",
                                         _topology_changed),
}


def json_logger(stream: Optional[TextIO] = None) -> Any:
    """A structlog logger of our own rendering JSON lines to ``stream`` (stderr by default)."""
    return structlog.wrap_logger(
        structlog.PrintLogger(sys.stderr if stream is None else stream),
        processors=[structlog.processors.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer()],
        wrapper_class=structlog.BoundLogger)


class StructlogListener(ev.CommandListener, ev.ServerHeartbeatListener, ev.ServerListener,
                        ev.TopologyListener):
    """Logs every event it is given as one structlog record.

    ``json=True`` renders JSON lines to ``stream`` (stderr) while structlog is unconfigured;
    once the application configures structlog, its setup is used instead.
    ``log_command_documents=True`` adds commands, replies and failure documents.
    """

    def __init__(self, json: bool = False, log_command_documents: bool = False,
                 stream: Optional[TextIO] = None) -> None:
        self.json = json
        self.log_command_documents = log_command_documents
        self._json_logger = json_logger(stream) if json else None

    def _logger(self) -> Any:
        # Checked per record so an application that configures structlog after creating
        # its client still takes our records over.
        if self._json_logger is not None and not structlog.is_configured():
            return self._json_logger
        return logger

    def log(self, event: Any) -> None:
        """Write the record for ``event`` (any of the twelve event classes)."""
        for cls in type(event).__mro__:
            if cls in _RECORDS:
                name, level, build = _RECORDS[cls]
                break
        else:
            raise TypeError(f"not a monitoring event: {type(event).__name__}: {event!r}")
        getattr(self._logger(), level)(name, **build(event, self.log_command_documents))

    # One object serves the four listener kinds: each handler logs its event.
    started = succeeded = failed = log
    opened = closed = description_changed = log
