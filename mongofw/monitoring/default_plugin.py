"""Default monitoring plugin: logs listener errors, and events when structured logging is on.

Structured logging is off unless the client option ``structured_logging`` is true (or
``"json"``) or, when the option is not given, the environment variable ``MONGOFW_LOG`` is
``1``/``true``/``yes``/``on`` (key-value records) or ``json`` (JSON lines).  The client
option ``log_command_documents=True`` adds document contents to the records.

Independently of that, ``slow_command_ms=N`` (else ``MONGOFW_SLOW_COMMAND_MS``) logs each
command that took at least ``N`` ms as a ``command_slow`` warning
(:mod:`mongofw.monitoring.slow_commands`).
"""
from __future__ import annotations

import os
import warnings
from typing import Any, List, Mapping, Optional, Tuple

from mongofw import hookimpl
from mongofw.monitoring import slow_commands
from mongofw.monitoring.listener_errors import ListenerErrorLogger
from mongofw.monitoring.structlog_listener import StructlogListener

ENV_VAR = "MONGOFW_LOG"
_ON = frozenset(["1", "true", "yes", "on"])
_OFF = frozenset(["", "0", "false", "no", "off"])


def _option(options: Mapping[str, Any], name: str) -> Any:
    # Client options may arrive lower-cased (URI style) or camelCased: compare loosely.
    wanted = name.replace("_", "").lower()
    for key, value in options.items():
        if isinstance(key, str) and key.replace("_", "").lower() == wanted:
            return value
    return None


def _mode(raw: str) -> Optional[Tuple[bool, bool]]:
    raw = raw.strip().lower()
    if raw == "json":
        return True, True
    if raw in _ON:
        return True, False
    if raw in _OFF:
        return False, False
    return None


def logging_mode(options: Mapping[str, Any],
                 environ: Optional[Mapping[str, str]] = None) -> Tuple[bool, bool]:
    """``(enabled, json)`` from the client options, else from ``MONGOFW_LOG``."""
    setting = _option(options, "structured_logging")
    if setting is not None:
        if isinstance(setting, bool):
            return setting, False
        mode = _mode(setting) if isinstance(setting, str) else None
        if mode is None:
            raise ValueError(f"structured_logging must be True, False or 'json' (or 'true', "
                             f"'false' from a URI), not {setting!r}")
        return mode
    raw = (os.environ if environ is None else environ).get(ENV_VAR, "")
    mode = _mode(raw)
    if mode is None:
        warnings.warn(f"{ENV_VAR}={raw!r} is not understood and structured logging stays off; "
                      f"use 1, true, yes, on, json, or 0/false/no/off", UserWarning,
                      stacklevel=2)
        return False, False
    return mode


@hookimpl
def mongofw_event_listeners(options: Mapping[str, Any]) -> List[Any]:
    """The listener-error logger, plus a :class:`StructlogListener` when logging is on."""
    enabled, json = logging_mode(options)
    listeners: List[Any] = [ListenerErrorLogger(json=enabled and json)]
    if enabled:
        documents = _option(options, "log_command_documents")
        if documents is not None and not isinstance(documents, bool):
            raise TypeError(f"log_command_documents must be True or False, not {documents!r}")
        listeners.append(StructlogListener(json=json, log_command_documents=bool(documents)))
    threshold = slow_command_threshold(options)
    if threshold is not None:
        listeners.append(slow_commands.SlowCommandListener(threshold, json=json))
    return listeners


def slow_command_threshold(options: Mapping[str, Any],
                           environ: Optional[Mapping[str, str]] = None) -> Optional[float]:
    """The slow-command threshold in ms from the client options, else the environment."""
    value = _option(options, "slow_command_ms")
    if value is not None:
        return slow_commands.parse_threshold(value)
    raw = (os.environ if environ is None else environ).get(slow_commands.ENV_VAR)
    try:
        return slow_commands.parse_threshold(raw, slow_commands.ENV_VAR)
    except ValueError as exc:
        # As for MONGOFW_LOG: a bad environment value must not stop the application.
        warnings.warn(f"{exc}; no slow-command threshold is set", UserWarning, stacklevel=2)
        return None


@hookimpl
def mongofw_client_options() -> List[str]:
    """The client options this plugin reads (see the module docstring)."""
    return ["structured_logging", "log_command_documents", "slow_command_ms"]
