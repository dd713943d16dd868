"""``SocketInfo``: the documented name of a pooled connection (``pymongo.pool``)."""
from __future__ import annotations

from mongofw.core.wire.connection import Connection


class SocketInfo(Connection):
    """One pooled connection to one server, as ``pymongo.pool.SocketInfo`` documents it.

    ``SocketInfo(sock, pool, ismaster, address)``: ``sock`` is the connected socket,
    ``pool`` the owning pool (or None), ``ismaster`` the handshake reply and ``address``
    the server's ``(host, port)``.  Every method is the engine's
    (:class:`mongofw.core.wire.connection.Connection`); a client's pools build their
    connections from this class, so ``isinstance(sock_info, SocketInfo)`` holds for them.
    """
