"""A connection for one operation: select a server, check a connection out, give it back.

Every operation of the client API starts here: writes (and commands with no read
preference) go to a writable server, reads to a server the read preference accepts, and
cursor follow-ups (getMore, killCursors) to the server that holds the cursor.  A session
(the client API's, duck-typed) may be pinned to one mongos by a sharded transaction:
``_pinned_address()`` names it (None: select as usual, which ``_selected(description)``
is then told of).
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator, Mapping, Optional, Tuple

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


@contextlib.contextmanager
def socket_for_writes(topology: Any, credentials: Credentials,
                      timeout: Optional[float] = None, session: Any = None) -> Iterator[Any]:
    """A connection to a writable server (the primary, a mongos or a standalone), waiting
    at most ``timeout`` seconds for one (default: serverSelectionTimeoutMS)."""
    server = select_for(topology, writable_server_selector, timeout, session)
    with server.get_socket(credentials) as sock_info:
        yield sock_info


@contextlib.contextmanager
def socket_for_reads(topology: Any, credentials: Credentials, read_preference: Any,
                     session: Any = None) -> Iterator[Tuple[Any, bool]]:
    """A connection to a server ``read_preference`` accepts, and whether to set slaveOk.

    slaveOk goes with every mode but primary, and with any read from a single server
    that is not a mongos (a direct connection may read from a secondary).
    """
    server = select_for(topology, read_preference, None, session)
    single = topology.description.topology_type == TOPOLOGY_TYPE.Single
    with server.get_socket(credentials) as sock_info:
        slave_ok = (single and not sock_info.is_mongos) or \
            getattr(read_preference, "mode", 0) != 0
        yield sock_info, slave_ok


@contextlib.contextmanager
def socket_for_address(topology: Any, credentials: Credentials,
                       address: Address) -> Iterator[Any]:
    """A connection to the server at ``address`` (where a cursor lives)."""
    server = topology.select_server(any_server_selector, address=address)
    with server.get_socket(credentials) as sock_info:
        yield sock_info
