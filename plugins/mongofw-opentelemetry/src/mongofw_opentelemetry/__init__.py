"""OpenTelemetry traces for mongofw: one CLIENT span per database command."""
from mongofw_opentelemetry.tracing import CommandTracer

__all__ = ["CommandTracer"]
