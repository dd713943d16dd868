"""The live topology: monitors feed descriptions in, operations select servers out.

All decisions are the pure functions of :mod:`mongofw.core.topology.topology_description`;
this class only locks, swaps the description, keeps one Server (pool + monitor) per
known address, publishes events and wakes waiting selections.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import attrs

from bson.objectid import ObjectId
from mongofw.core.pool import DEFAULT_POOL_OPTIONS, Pool, PoolOptions
from mongofw.core.topology.monitor import Monitor
from mongofw.core.topology.sdam_errors import (
    application_error_from_exception,
    handle_application_error,
)
from mongofw.core.topology.server_description import ServerDescription
from mongofw.core.topology.server_selectors import choose_in_window
from mongofw.core.topology.topology_description import (
    TOPOLOGY_TYPE,
    TopologyDescription,
    updated_topology_description,
)
from mongofw.core.wire.network import format_address
from mongofw.errors import (
    ServerSelectionTimeoutError,
)

Address = Tuple[str, Optional[int]]
# Selections remembered per topology; selectors beyond this many start the cache over.
SELECTION_CACHE_SIZE = 32


@attrs.define(eq=False)
class Server:
    """One server of the topology: its latest description, its pool and its monitor."""

    description: ServerDescription
    pool: Pool
    monitor: Monitor

    @property
    def address(self) -> Address:
        return self.description.address

    def get_socket(self, all_credentials: Any = None):
        return self.pool.get_socket(all_credentials)

    def open(self) -> None:
        self.pool.open()
        self.monitor.open()

    def close(self) -> None:
        self.monitor.close()
        self.pool.close()


class Topology:
    """Servers discovered from the seeds and kept current by their monitors."""

    def __init__(self, settings: Any, pool_options: PoolOptions = DEFAULT_POOL_OPTIONS,
                 publisher: Any = None,
                 authenticator: Optional[Callable[[Any, Any], None]] = None) -> None:
        self._settings = settings
        self._pool_options = pool_options
        self._publisher = publisher
        self._authenticator = authenticator
        self._topology_id = ObjectId()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._description = TopologyDescription.from_settings(settings)
        self._servers: Dict[Address, Server] = {}
        # Steady-state selection: id(selector) -> (description, selector, servers), valid
        # while that description is the current one (see _cached_selection).
        self._selection_cache: Dict[int, Tuple[Any, Any, List[Server]]] = {}
        self._opened = False
        # Whether listeners were told this topology is open (and not closed since): close()
        # publishes its closing sequence once, and a client used again after close()
        # publishes the opening sequence again when it reopens.
        self._announced = True
        self._publish_topology_opening()
        self._sync_servers()

    def _publish_topology_opening(self) -> None:
        publisher = self._publisher
        if publisher is not None and publisher.enabled_for_topology:
            publisher.publish_topology_opened(self._topology_id)
            # The spec's opening sequence: from an empty Unknown topology to the seeds.
            empty = TopologyDescription(TOPOLOGY_TYPE.Unknown, {}, None, None, None,
                                        self._settings)
            publisher.publish_topology_description_changed(empty, self._description,
                                                           self._topology_id)

    # ------------------------------------------------------------ state

    @property
    def description(self) -> TopologyDescription:
        return self._description

    @property
    def settings(self) -> Any:
        return self._settings

    def open(self) -> None:
        """Start the monitors (lazily, on the first operation, unless connect=True)."""
        with self._lock:
            if self._opened:
                return
            self._opened = True
            servers = list(self._servers.values())
            if not self._announced:
                # Reopened after close(): announced under the lock, so that no monitor
                # event can come before the opening sequence.
                self._announced = True
                self._publish_topology_opening()
                if self._publisher is not None and self._publisher.enabled_for_server:
                    for server in servers:
                        self._publisher.publish_server_opened(server.address,
                                                              self._topology_id)
        for server in servers:
            server.open()

    def close(self) -> None:
        """Stop every monitor thread and close every socket."""
        with self._lock:
            servers = list(self._servers.values())
            self._servers.clear()
            self._opened = False
            self._description = self._description.reset()
            announced, self._announced = self._announced, False
            self._changed.notify_all()
        for server in servers:
            server.close()
            if announced and self._publisher is not None and self._publisher.enabled_for_server:
                self._publisher.publish_server_closed(server.address, self._topology_id)
        if announced and self._publisher is not None and self._publisher.enabled_for_topology:
            self._publisher.publish_topology_closed(self._topology_id)
        # A closed client may be used again: it reconnects from the seeds (3.x behaviour).
        # Its servers are announced when it reopens, not after TopologyClosedEvent.
        with self._lock:
            self._sync_servers()

    # ------------------------------------------------------------ selection

    def select_servers(self, selector: Any, server_selection_timeout: Optional[float] = None,
                       address: Optional[Address] = None) -> List[Server]:
        """Servers suitable for ``selector``, waiting up to serverSelectionTimeoutMS.

        The result may be shared with other callers: do not change it.
        """
        if address is None:
            cached = self._cached_selection(selector)
            if cached is not None:
                return cached
        if not self._opened:
            self.open()
        timeout = self._settings.server_selection_timeout if server_selection_timeout is None \
            else server_selection_timeout
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                self._description.check_compatible()
                found = self._description.apply_selector(selector, address,
                                                         self._settings.server_selector)
                if found:
                    servers = [self._servers[sd.address] for sd in found
                               if sd.address in self._servers]
                    if address is None and servers:
                        self._remember_selection(selector, servers)
                    return servers
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServerSelectionTimeoutError(self._timeout_message(selector, timeout))
                for server in self._servers.values():
                    server.monitor.request_check()
                self._changed.wait(min(remaining, 0.5))

    def _cached_selection(self, selector: Any) -> Optional[List[Server]]:
        """The servers last selected for this very ``selector`` object, if the description
        has not changed since (every change installs a new description object, and the
        servers only change with it)."""
        entry = self._selection_cache.get(id(selector))
        if entry is not None and entry[0] is self._description and entry[1] is selector \
                and self._opened:
            return entry[2]
        return None

    def _remember_selection(self, selector: Any, servers: List[Server]) -> None:
        """Cache a selection (under the lock). An application's ``server_selector`` may
        answer differently each time, so its selections are never cached."""
        if self._settings.server_selector is not None:
            return
        cache = self._selection_cache
        if len(cache) >= SELECTION_CACHE_SIZE:
            cache.clear()  # e.g. a new, equal read preference object for every operation
        cache[id(selector)] = (self._description, selector, servers)

    def select_server(self, selector: Any, server_selection_timeout: Optional[float] = None,
                      address: Optional[Address] = None) -> Server:
        """One suitable server from the latency window: of two random ones, the less busy."""
        if address is None:
            servers = self._cached_selection(selector)
            if servers is not None and len(servers) == 1:
                return servers[0]
        servers = self.select_servers(selector, server_selection_timeout, address)
        return choose_in_window(servers, lambda server: server.pool.active_sockets)

    def select_server_by_address(self, address: Address,
                                 server_selection_timeout: Optional[float] = None
                                 ) -> Optional[Server]:
        from mongofw.core.topology.server_selectors import any_server_selector

        try:
            return self.select_server(any_server_selector, server_selection_timeout, address)
        except ServerSelectionTimeoutError:
            return None

    def _timeout_message(self, selector: Any, timeout: float) -> str:
        sds = self._description.server_descriptions().values()
        errors = []
        for sd in sds:
            if sd.error:
                where = format_address(sd.address)
                text = str(sd.error)
                errors.append(text if text.startswith(where) else f"{where}: {text}")
        if errors:
            return ", ".join(errors)
        seen = ", ".join(f"{format_address(sd.address)} ({sd.server_type_name})" for sd in sds)
        return (f"no server matches {selector!r} after {timeout:g}s; "
                f"topology {self._description.topology_type_name}: {seen or 'no servers'}")

    # ------------------------------------------------------------ updates

    def on_change(self, server_description: ServerDescription) -> None:
        """Apply a monitor's fresh description (called on monitor threads)."""
        with self._lock:
            if not self._opened or server_description.address not in self._servers:
                return
            self._apply(server_description)

    def _apply(self, server_description: ServerDescription) -> None:
        self._swap(updated_topology_description(self._description, server_description),
                   server_description)

    def _swap(self, new_td: TopologyDescription, server_description: ServerDescription) -> None:
        """Install ``new_td``, publish what changed, start/stop servers, wake selections."""
        old_td = self._description
        address = server_description.address
        old_sd = old_td.server_descriptions().get(address)
        self._description = new_td
        publisher = self._publisher
        if publisher is not None and old_sd is not None and publisher.enabled_for_server and \
                old_sd != server_description:
            publisher.publish_server_description_changed(
                old_sd, server_description, address, self._topology_id)
        server = self._servers.get(address)
        if server is not None:
            server.description = server_description
        self._sync_servers()
        if publisher is not None and publisher.enabled_for_topology and old_td != new_td:
            publisher.publish_topology_description_changed(old_td, new_td, self._topology_id)
        self._changed.notify_all()

    def _sync_servers(self) -> None:
        """Start a Server for each new address, stop those the description dropped."""
        wanted = self._description.server_descriptions()
        for address, sd in wanted.items():
            if address in self._servers:
                self._servers[address].description = sd
                continue
            pool = Pool(address, self._pool_options, self._publisher, self._authenticator,
                        on_error=self.handle_error)
            monitor = Monitor(address, pool, self._settings.heartbeat_frequency,
                              self.on_change, self._publisher)
            server = Server(sd, pool, monitor)
            self._servers[address] = server
            if self._announced and self._publisher is not None and \
                    self._publisher.enabled_for_server:
                self._publisher.publish_server_opened(address, self._topology_id)
            if self._opened:
                server.open()
        for address in [a for a in self._servers if a not in wanted]:
            server = self._servers.pop(address)
            server.close()
            if self._announced and self._publisher is not None and \
                    self._publisher.enabled_for_server:
                self._publisher.publish_server_closed(address, self._topology_id)

    def handle_error(self, address: Address, error: BaseException,
                     generation: Optional[int] = None, max_wire_version: Optional[int] = None,
                     completed_handshake: bool = True) -> None:
        """An operation failed on ``address``: apply the SDAM error rules.

        Errors from an older pool generation and network timeouts change nothing;
        network errors mark the server Unknown and clear its pool; "not master" replies
        mark it Unknown and ask its monitor for an immediate check.
        """
        with self._lock:
            server = self._servers.get(address)
            if server is None:
                return
            app_error = application_error_from_exception(
                address, error, completed_handshake, max_wire_version, generation)
            outcome = handle_application_error(self._description, app_error,
                                               server.pool.generation)
            if outcome.description is not self._description:
                new_sd = outcome.description.server_descriptions()[address]
                self._swap(outcome.description, new_sd)
            if outcome.clear_pool:
                server.pool.reset()
            if outcome.request_check:
                server.monitor.request_check()

    def get_server_by_address(self, address: Address) -> Optional[Server]:
        return self._servers.get(address)

    def has_readable_server(self, read_preference: Any) -> bool:
        return self._description.has_readable_server(read_preference)
