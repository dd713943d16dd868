"""The hook implementation mongofw finds through the ``prometheus`` entry point."""
from __future__ import annotations

from typing import Any, List, Mapping

from mongofw import hookimpl
from mongofw_prometheus.metrics import PrometheusListener


@hookimpl
def mongofw_event_listeners(options: Mapping[str, Any]) -> List[Any]:
    """A :class:`PrometheusListener` for every client unless ``prometheus_metrics=False``.

    ``prometheus_registry`` chooses the registry (default: prometheus_client's global one).
    """
    enabled = options.get("prometheus_metrics", True)
    if not isinstance(enabled, bool):
        raise TypeError(f"prometheus_metrics must be True or False, not {enabled!r}")
    if not enabled:
        return []
    return [PrometheusListener(options.get("prometheus_registry"))]


@hookimpl
def mongofw_client_options() -> List[str]:
    """The client keyword options this plugin reads."""
    return ["prometheus_metrics", "prometheus_registry"]
