"""A connection for one operation: select a server, check a connection out, give it back.

Every operation of the client API starts here: writes (and commands with no read
preference) go to a writable server, reads to a server the read preference accepts, and
cursor follow-ups (getMore, killCursors) to the server that holds the cursor.  A session
(the client API's, duck-typed) may be pinned to one mongos by a sharded transaction:
``_pinned_address()`` names it (None: select as usual, which ``_selected(description)``
is then told of).
"""
from __future__ import annotations

from typing import Any, ContextManager, Mapping, Optional, Tuple

from mongofw.core.topology.server_selectors import any_server_selector, writable_server_selector
from mongofw.core.topology.topology_type import TOPOLOGY_TYPE

Address = Tuple[str, Optional[int]]
Credentials = Optional[Mapping[str, Any]]


def select_for(topology: Any, selector: Any, timeout: Optional[float] = None,
               session: Any = None) -> Any:
    """The server for an operation of ``session``: the mongos it is pinned to, else one
    ``selector`` accepts (the session hears which, to pin a sharded transaction)."""
    if session is None:
        return topology.select_server(selector, timeout)
    pinned = session._pinned_address()
    if pinned is not None:
        return topology.select_server(any_server_selector, timeout, address=pinned)
    server = topology.select_server(selector, timeout)
    session._selected(server.description)
    return server


class _Checkout:
    """A connection to a selected server for a ``with`` block (a class: cheaper per
    operation than a generator's context manager). The server is selected on entry."""

    __slots__ = ("topology", "credentials", "selector", "timeout", "session", "address",
                 "pool", "sock_info")

    def __init__(self, topology: Any, credentials: Credentials, selector: Any,
                 timeout: Optional[float], session: Any, address: Optional[Address]) -> None:
        self.topology = topology
        self.credentials = credentials
        self.selector = selector
        self.timeout = timeout
        self.session = session
        self.address = address

    def _server(self) -> Any:
        if self.address is not None:
            return self.topology.select_server(any_server_selector, address=self.address)
        return select_for(self.topology, self.selector, self.timeout, self.session)

    def __enter__(self) -> Any:
        if self.address is None and self.session is None:
            server = self.topology.select_server(self.selector, self.timeout)
        else:
            server = self._server()
        pool = self.pool = server.pool
        sock_info = self.sock_info = pool.checkout(self.credentials)
        return sock_info

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.pool.checkin(self.sock_info, exc)


class _ReadCheckout(_Checkout):
    """Enters as ``(connection, slave_ok)``."""

    __slots__ = ()

    def __enter__(self) -> Any:  # type: ignore[override]
        topology = self.topology
        if self.session is None:
            server = topology.select_server(self.selector)
        else:
            server = select_for(topology, self.selector, None, self.session)
        single = topology.description.topology_type == TOPOLOGY_TYPE.Single
        pool = self.pool = server.pool
        sock_info = self.sock_info = pool.checkout(self.credentials)
        slave_ok = (single and not sock_info.is_mongos) or \
            getattr(self.selector, "mode", 0) != 0
        return sock_info, slave_ok


def socket_for_writes(topology: Any, credentials: Credentials,
                      timeout: Optional[float] = None,
                      session: Any = None) -> ContextManager[Any]:
    """A connection to a writable server (the primary, a mongos or a standalone), waiting
    at most ``timeout`` seconds for one (default: serverSelectionTimeoutMS)."""
    return _Checkout(topology, credentials, writable_server_selector, timeout, session, None)


def socket_for_reads(topology: Any, credentials: Credentials, read_preference: Any,
                     session: Any = None) -> ContextManager[Tuple[Any, bool]]:
    """A connection to a server ``read_preference`` accepts, and whether to set slaveOk.

    slaveOk goes with every mode but primary, and with any read from a single server
    that is not a mongos (a direct connection may read from a secondary).
    """
    return _ReadCheckout(topology, credentials, read_preference, None, session, None)


def socket_for_address(topology: Any, credentials: Credentials,
                       address: Address) -> ContextManager[Any]:
    """A connection to the server at ``address`` (where a cursor lives)."""
    return _Checkout(topology, credentials, None, None, None, address)
