"""The slow-command threshold: one warning record per command that took too long.

A client built with ``slow_command_ms=N`` (or, when the option is not given, run with the
environment variable ``MONGOFW_SLOW_COMMAND_MS=N``) logs each command that took at least
``N`` milliseconds, succeeded or failed, as a ``command_slow`` record at warning level on
the structlog logger ``mongofw``.  It works whether or not every event is logged
(``structured_logging``): production code usually wants the slow commands only.

The record's fields are facts, never document contents: ``command_name``,
``request_id``, ``operation_id``, ``server_address``, ``duration_micros``,
``threshold_ms``, ``outcome`` (``succeeded`` or ``failed``) and, for a failure,
``error_code``.
"""
from __future__ import annotations

from typing import Any, Optional, TextIO

import structlog

from mongofw.monitoring import events as ev
from mongofw.monitoring.structlog_listener import format_address, json_logger, logger

ENV_VAR = "MONGOFW_SLOW_COMMAND_MS"


def parse_threshold(value: Any, source: str = "slow_command_ms") -> Optional[float]:
    """The threshold in milliseconds from an option or environment value, or None.

    ``value`` may be a non-negative int or float, or a string holding one (a URI or the
    environment gives strings); ``None`` or ``""`` mean "no threshold".  Raises
    ``ValueError`` naming ``source`` for anything else (a negative number, a word, a
    bool).
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{source} must be a number of milliseconds, not {value!r}")
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{source} must be a number of milliseconds, not {value!r}") from None
    if not threshold >= 0 or threshold == float("inf"):
        raise ValueError(f"{source} must be a finite number of milliseconds >= 0, "
                         f"not {value!r}")
    return threshold


class SlowCommandListener(ev.CommandListener):
    """Logs ``command_slow`` for each command that took ``threshold_ms`` or longer.

    :param threshold_ms: the threshold in milliseconds (``0`` logs every command).
    :param json: render JSON lines to ``stream`` (stderr by default) while the
        application has not configured structlog; once it has, its setup is used.
    :param stream: where JSON lines go (tests pass a ``StringIO``).
    """

    def __init__(self, threshold_ms: float, json: bool = False,
                 stream: Optional[TextIO] = None) -> None:
        self.threshold_ms = threshold_ms
        self._threshold_micros = threshold_ms * 1000
        self._json_logger = json_logger(stream) if json else None

    def _logger(self) -> Any:
        if self._json_logger is not None and not structlog.is_configured():
            return self._json_logger
        return logger

    def _log(self, event: Any, outcome: str, **extra: Any) -> None:
        self._logger().warning(
            "command_slow", command_name=event.command_name, request_id=event.request_id,
            operation_id=event.operation_id, server_address=format_address(event.connection_id),
            duration_micros=event.duration_micros, threshold_ms=self.threshold_ms,
            outcome=outcome, **extra)

    def started(self, event: ev.CommandStartedEvent) -> None:
        """Nothing to do: the duration is known when the command ends."""

    def succeeded(self, event: ev.CommandSucceededEvent) -> None:
        """Log ``event`` if it took at least the threshold."""
        if event.duration_micros >= self._threshold_micros:
            self._log(event, "succeeded")

    def failed(self, event: ev.CommandFailedEvent) -> None:
        """Log ``event`` if it took at least the threshold, with the server's error code."""
        if event.duration_micros >= self._threshold_micros:
            self._log(event, "failed", error_code=event.failure.get("code"))
