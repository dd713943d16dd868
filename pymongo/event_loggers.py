"""Example event loggers (3.11): see :mod:`mongofw.monitoring.event_loggers`."""
from mongofw.monitoring.event_loggers import (  # noqa: F401
    CommandLogger,
    ConnectionPoolLogger,
    HeartbeatLogger,
    ServerLogger,
    TopologyLogger,
)

__all__ = ["CommandLogger", "ConnectionPoolLogger", "HeartbeatLogger", "ServerLogger", "TopologyLogger"]
