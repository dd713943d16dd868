"""The listener kinds, and the one process-wide list of listeners that ``register()`` keeps
(documented as ``pymongo.monitoring.register``).

A client copies the registered listeners when it is constructed: registering later does
not change a client that exists.
"""
from __future__ import annotations

import threading
from typing import Any, List, Tuple

from mongofw.monitoring.events import (
    CommandListener,
    ServerHeartbeatListener,
    ServerListener,
    TopologyListener,
    _EventListener,
)
from mongofw.monitoring.pool_events import ConnectionPoolListener

LISTENER_TYPES = (CommandListener, ServerHeartbeatListener, ServerListener, TopologyListener,
                  ConnectionPoolListener)
_ALLOWED = ("CommandListener, ServerHeartbeatListener, ServerListener, TopologyListener or "
            "ConnectionPoolListener")


def check_listener(listener: Any, what: str = "listener") -> Any:
    """Return ``listener`` if it is an instance of a listener base class, else TypeError."""
    if not isinstance(listener, LISTENER_TYPES):
        raise TypeError(f"{what} must be an instance of {_ALLOWED}, "
                        f"not {type(listener).__name__}: {listener!r}")
    return listener


_registered: List[_EventListener] = []
_registered_lock = threading.Lock()


def register(listener: _EventListener) -> None:
    """Register a global event listener, used by every client constructed afterwards.

    :Parameters:
      - `listener`: an instance of a subclass of :class:`~pymongo.monitoring.CommandListener`,
        :class:`~pymongo.monitoring.ServerHeartbeatListener`,
        :class:`~pymongo.monitoring.ServerListener`,
        :class:`~pymongo.monitoring.TopologyListener` or (3.9)
        :class:`~pymongo.monitoring.ConnectionPoolListener`; anything else raises
        ``TypeError``.
    """
    check_listener(listener)
    with _registered_lock:
        _registered.append(listener)


def registered_listeners() -> Tuple[_EventListener, ...]:
    """The globally registered listeners, in registration order (a client copies them)."""
    with _registered_lock:
        return tuple(_registered)
