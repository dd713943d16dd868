"""Logging the errors of event listeners (the core only hands them over).

The publisher reports the first error of each failing listener to every
:class:`~mongofw.core.event_publisher.ListenerErrorHandler` among a client's listeners;
the default monitoring plugin attaches a :class:`ListenerErrorLogger` to every client.
"""
from __future__ import annotations

import logging
from typing import Any

import structlog

from mongofw.core.event_publisher import ListenerErrorHandler, listener_name

stdlib_logger = logging.getLogger("mongofw.monitoring")
structlog_logger = structlog.get_logger("mongofw")


class ListenerErrorLogger(ListenerErrorHandler):
    """Logs ``event_listener_failed`` naming the listener, the event type and the error.

    Through structlog when the application configured it; otherwise through the standard
    library logger ``mongofw.monitoring``, whose last-resort handler prints errors to
    stderr (unconfigured structlog would print to stdout, mixing with a script's output).
    """

    def listener_failed(self, listener: Any, event: Any, error: BaseException) -> None:
        """Log the first error of ``listener``; later ones are not reported."""
        name = listener_name(listener)
        event_type = type(event).__name__
        if structlog.is_configured():
            structlog_logger.error("event_listener_failed", listener=name,
                                   event_type=event_type, error=f"{type(error).__name__}: "
                                   f"{error}", exc_info=error)
            return
        stdlib_logger.error(
            "event listener %s raised %s: %s while handling %s; further errors from this "
            "listener are not reported", name, type(error).__name__, error, event_type,
            exc_info=error)
