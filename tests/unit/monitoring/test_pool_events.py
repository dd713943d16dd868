"""The pool event values: reasons shared with the core, options, and no cost without a
pool listener."""
from __future__ import annotations

import attrs
import pytest

from mongofw.core import pool as core_pool
from mongofw.core.pool import Pool, PoolOptions
from mongofw.monitoring.pool_events import (
    ConnectionCheckOutFailedReason,
    ConnectionClosedEvent,
    ConnectionClosedReason,
    PoolClearedEvent,
)
from mongofw.monitoring.publisher import EventPublisher
from pymongo.monitoring import CommandListener, ConnectionPoolListener


def test_the_core_uses_the_documented_reason_strings():
    assert (core_pool.CLOSED_STALE, core_pool.CLOSED_IDLE, core_pool.CLOSED_ERROR,
            core_pool.CLOSED_POOL_CLOSED) == (
        ConnectionClosedReason.STALE, ConnectionClosedReason.IDLE,
        ConnectionClosedReason.ERROR, ConnectionClosedReason.POOL_CLOSED)
    assert (core_pool.CHECK_OUT_TIMEOUT, core_pool.CHECK_OUT_POOL_CLOSED,
            core_pool.CHECK_OUT_CONN_ERROR) == (
        ConnectionCheckOutFailedReason.TIMEOUT, ConnectionCheckOutFailedReason.POOL_CLOSED,
        ConnectionCheckOutFailedReason.CONN_ERROR)
    assert (ConnectionClosedReason.POOL_CLOSED, ConnectionCheckOutFailedReason.CONN_ERROR) \
        == ("poolClosed", "connectionError")


def test_non_default_options_name_what_was_set_in_uri_units():
    assert PoolOptions().non_default_options == {}
    options = PoolOptions(max_pool_size=5, min_pool_size=1, max_idle_time_seconds=2.5,
                          wait_queue_timeout=0.25)
    assert options.non_default_options == {"maxPoolSize": 5, "minPoolSize": 1,
                                           "maxIdleTimeMS": 2500.0,
                                           "waitQueueTimeoutMS": 250.0}


def test_events_are_frozen_values_with_the_documented_fields():
    event = ConnectionClosedEvent(("h", 1), 3, ConnectionClosedReason.IDLE)
    assert (event.address, event.connection_id, event.reason) == (("h", 1), 3, "idle")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.reason = "stale"
    assert PoolClearedEvent(("h", 1)).service_id is None


def test_a_pool_publishes_only_to_pool_listeners():
    assert Pool(("h", 1), publisher=EventPublisher([CommandListener()]))._cmap is None
    assert Pool(("h", 1))._cmap is None
    publisher = EventPublisher([ConnectionPoolListener()])
    assert publisher.enabled_for_cmap
    assert Pool(("h", 1), publisher=publisher)._cmap is publisher


def test_a_failing_pool_listener_does_not_break_the_pool():
    class Broken(ConnectionPoolListener):
        def pool_created(self, event):
            raise RuntimeError("listener bug")

    pool = Pool(("h", 1), publisher=EventPublisher([Broken()]))
    with pytest.warns(UserWarning, match="Broken raised RuntimeError"):
        pool.open()
    pool.close()
    assert pool.closed
