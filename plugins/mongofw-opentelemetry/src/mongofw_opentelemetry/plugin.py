"""The hook implementation mongofw finds through the ``opentelemetry`` entry point."""
from __future__ import annotations

from typing import Any, List, Mapping

from mongofw import hookimpl
from mongofw_opentelemetry.tracing import CommandTracer


@hookimpl
def mongofw_event_listeners(options: Mapping[str, Any]) -> List[Any]:
    """A :class:`CommandTracer` for every client unless ``opentelemetry_tracing=False``.

    ``opentelemetry_tracer_provider`` chooses the tracer provider (default: the global
    one, which is a no-op until the application installs an SDK provider).
    """
    enabled = options.get("opentelemetry_tracing", True)
    if not isinstance(enabled, bool):
        raise TypeError(f"opentelemetry_tracing must be True or False, not {enabled!r}")
    if not enabled:
        return []
    return [CommandTracer(options.get("opentelemetry_tracer_provider"))]


@hookimpl
def mongofw_client_options() -> List[str]:
    """The client keyword options this plugin reads."""
    return ["opentelemetry_tracing", "opentelemetry_tracer_provider"]
