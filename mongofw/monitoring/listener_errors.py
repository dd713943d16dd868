"""Logging the errors of event listeners (the core only hands them over).

The publisher reports the first error of each failing listener to every
:class:`~mongofw.monitoring.publisher.ListenerErrorHandler` among a client's listeners;
the default monitoring plugin attaches a :class:`ListenerErrorLogger` to every client.
"""
from __future__ import annotations

import logging
from typing import Any, Optional, TextIO

import structlog

from mongofw.monitoring.publisher import ListenerErrorHandler, listener_name
from mongofw.monitoring.structlog_listener import json_logger

stdlib_logger = logging.getLogger("mongofw.monitoring")
structlog_logger = structlog.get_logger("mongofw")


class ListenerErrorLogger(ListenerErrorHandler):
    """Logs ``event_listener_failed`` naming the listener, the event type and the error.

    Through structlog when the application configured it; else, with ``json=True`` (what
    ``MONGOFW_LOG=json`` asks for), as a JSON line on ``stream`` (stderr) like the event
    records; otherwise through the standard library logger ``mongofw.monitoring``, whose
    last-resort handler prints errors to stderr (unconfigured structlog would print to
    stdout, mixing with a script's output).
    """

    def __init__(self, json: bool = False, stream: Optional[TextIO] = None) -> None:
        self.json = json
        self._json_logger = json_logger(stream) if json else None

    def listener_failed(self, listener: Any, event: Any, error: BaseException) -> None:
        """Log the first error of ``listener``; later ones are not reported."""
        name = listener_name(listener)
        event_type = type(event).__name__
        configured = structlog.is_configured()
        if configured or self._json_logger is not None:
            log = structlog_logger if configured else self._json_logger
            log.error("event_listener_failed", listener=name, event_type=event_type,
                      error=f"{type(error).__name__}: {error}", exc_info=error)
            return
        stdlib_logger.error(
            "event listener %s raised %s: %s while handling %s; further errors from this "
            "listener are not reported", name, type(error).__name__, error, event_type,
            exc_info=error)
