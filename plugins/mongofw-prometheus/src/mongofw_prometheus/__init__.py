"""Prometheus metrics for mongofw clients (a plugin in the ``mongofw`` entry-point group)."""
from mongofw_prometheus.metrics import CommandMetrics, PrometheusListener, metrics_for

__version__ = "0.1.0"

__all__ = ["CommandMetrics", "PrometheusListener", "metrics_for", "__version__"]
