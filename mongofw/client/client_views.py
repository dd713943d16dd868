"""The documented read-only views of a ``MongoClient``: its servers and its settings.

A mixin of :class:`~mongofw.client.mongo_client.MongoClient`: every property reads the
current topology description (``self._topology``) or what the client resolved at
construction (``self._setup``), and never does I/O.
"""
from __future__ import annotations

from typing import Any, List, Optional, Set, Tuple

from mongofw.client.public_options import ClientOptions
from mongofw.errors import InvalidOperation

Address = Tuple[str, Optional[int]]


class ClientViews:
    """Topology views (address, primary, nodes ...) and settings (pool sizes, timeouts)."""

    _topology: Any
    _setup: Any

    def _server_property(self, attr: str) -> Any:
        from mongofw.core.topology.server_selectors import writable_server_selector

        server = self._topology.select_server(writable_server_selector)
        return getattr(server.description, attr)

    @property
    def address(self) -> Optional[Address]:
        """(host, port) of the standalone, primary or mongos in use, or None."""
        from mongofw.core.topology.server_selectors import writable_server_selector
        from mongofw.core.topology.topology_description import TOPOLOGY_TYPE

        td = self._topology.description
        if td.topology_type == TOPOLOGY_TYPE.Sharded and len(td.known_servers) > 1:
            raise InvalidOperation("Cannot use \"address\" property when load balancing among "
                                   "mongoses, use \"nodes\" instead.")
        if td.topology_type not in (TOPOLOGY_TYPE.ReplicaSetWithPrimary, TOPOLOGY_TYPE.Single,
                                    TOPOLOGY_TYPE.Sharded, TOPOLOGY_TYPE.Unknown):
            return None
        try:
            return self._topology.select_server(writable_server_selector).address
        except Exception:  # noqa: BLE001 - documented to return None with no primary
            if td.topology_type == TOPOLOGY_TYPE.Unknown:
                raise
            return None

    @property
    def is_primary(self) -> bool:
        """Whether the connected server accepts writes."""
        return self._server_property("is_writable")

    @property
    def is_mongos(self) -> bool:
        """Whether the connected server is a mongos."""
        from mongofw.core.topology.server_type import SERVER_TYPE

        return self._server_property("server_type") == SERVER_TYPE.Mongos

    @property
    def nodes(self) -> frozenset:
        """The set of all currently connected servers."""
        return frozenset(sd.address for sd in self._topology.description.known_servers)

    @property
    def max_bson_size(self) -> int:
        """The largest BSON object the connected server accepts, in bytes."""
        return self._server_property("max_bson_size")

    @property
    def max_message_size(self) -> int:
        """The largest message the connected server accepts, in bytes."""
        return self._server_property("max_message_size")

    @property
    def max_write_batch_size(self) -> int:
        """The most write operations the connected server accepts in one batch."""
        return self._server_property("max_write_batch_size")

    @property
    def max_pool_size(self) -> int:
        """The most concurrent connections to each server (default 100)."""
        return self._setup.pool_options.max_pool_size

    @property
    def min_pool_size(self) -> int:
        """The fewest idle connections kept open to each server (default 0)."""
        return self._setup.pool_options.min_pool_size

    @property
    def max_idle_time_ms(self) -> Optional[int]:
        """How long a connection may stay idle in the pool before it is closed."""
        seconds = self._setup.pool_options.max_idle_time_seconds
        return None if seconds is None else int(seconds * 1000)

    @property
    def local_threshold_ms(self) -> int:
        """The local threshold for this instance."""
        return int(self._setup.topology_settings.local_threshold_ms)

    @property
    def server_selection_timeout(self) -> float:
        """The server selection timeout, in seconds."""
        return self._setup.topology_settings.server_selection_timeout

    @property
    def event_listeners(self) -> List[Any]:
        """The event listeners registered for this client."""
        return list(self._setup.listeners)

    @property
    def primary(self) -> Optional[Address]:
        """The (host, port) of the replica set primary, or None."""
        td = self._topology.description
        for sd in td.known_servers:
            from mongofw.core.topology.server_type import SERVER_TYPE

            if sd.server_type == SERVER_TYPE.RSPrimary:
                return sd.address
        return None

    def _members_of(self, server_type: int) -> Set[Address]:
        return {sd.address for sd in self._topology.description.known_servers
                if sd.server_type == server_type}

    @property
    def secondaries(self) -> Set[Address]:
        """The secondary members known to this client."""
        from mongofw.core.topology.server_type import SERVER_TYPE

        return self._members_of(SERVER_TYPE.RSSecondary)

    @property
    def arbiters(self) -> Set[Address]:
        """The arbiters known to this client."""
        from mongofw.core.topology.server_type import SERVER_TYPE

        return self._members_of(SERVER_TYPE.RSArbiter)

    @property
    def topology_description(self) -> Any:
        """The current TopologyDescription: servers, their types and the topology type.

        New in PyMongo 3.12.
        """
        return self._topology.description

    @property
    def options(self) -> ClientOptions:
        """The options this client was built with (``pymongo.client_options``).  3.13."""
        return self._MongoClient__options

    @property
    def retry_writes(self) -> bool:
        """Whether ``retryWrites`` is on for this client.  New in PyMongo 3.6."""
        return self._setup.options.retry_writes

    @property
    def retry_reads(self) -> bool:
        """Whether ``retryReads`` is on for this client.  New in PyMongo 3.9."""
        return self._setup.options.retry_reads
