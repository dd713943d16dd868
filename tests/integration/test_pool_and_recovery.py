"""The pool under load and recovery from a server restart, against the real server."""
from __future__ import annotations

import threading
import time

import pytest

from mongofw.errors import AutoReconnect
from pymongo import MongoClient
from tests.support.server import start_server, stop_server


def test_50_threads_share_a_pool_of_10_and_it_never_grows_past_10(server_uri):
    client = MongoClient(server_uri, maxPoolSize=10)
    coll = client.t_pool_load.items
    coll.drop()
    errors = []

    def work(thread_no: int) -> None:
        try:
            for i in range(200):
                if i % 2:
                    coll.insert_one({"_id": f"{thread_no}-{i}", "t": thread_no})
                else:
                    coll.find_one({"_id": f"{thread_no}-{i - 1}"})
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    try:
        assert not errors
        assert sum(1 for _ in coll.find({}, projection={"_id": 1})) == 50 * 100
        [server] = client._topology.select_servers(lambda s: s)
        stats = server.pool.stats()
        assert stats["peak"] <= 10
        assert stats["active"] == 0
    finally:
        client.drop_database("t_pool_load")
        client.close()


@pytest.fixture
def restartable_server():
    srv = start_server(f"pytest-restart-{id(object())}")
    yield srv
    stop_server(srv)


def test_a_server_restart_gives_auto_reconnect_then_the_same_client_recovers(
        restartable_server):
    client = MongoClient(restartable_server.uri, serverSelectionTimeoutMS=2000,
                         socketTimeoutMS=5000, heartbeatFrequencyMS=500)
    coll = client.t_restart.items
    coll.insert_one({"before": True})
    outcomes = []
    try:
        for n in range(10):
            coll.insert_one({"n": n})
            outcomes.append("ok")
        restartable_server.kill()
        start = time.monotonic()
        for _ in range(3):
            with pytest.raises(AutoReconnect):
                coll.insert_one({"while": "down"})
            outcomes.append("reconnect")
        # Bounded: each attempt waits at most serverSelectionTimeoutMS, never hangs.
        assert time.monotonic() - start < 3 * 2 + 5
        restartable_server.revive()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                coll.insert_one({"after": True})
                outcomes.append("ok")
                break
            except AutoReconnect:
                outcomes.append("reconnect")
        for n in range(5):
            coll.insert_one({"again": n})
            outcomes.append("ok")
        assert outcomes[-6:] == ["ok"] * 6
        assert coll.find_one({"before": True}) is not None
    finally:
        client.close()


def _pool(client):
    [server] = client._topology.select_servers(lambda s: s)
    return server.pool


def _wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)
    return predicate()


def test_min_pool_size_keeps_that_many_connections_open(server_uri):
    with MongoClient(server_uri, minPoolSize=3, heartbeatFrequencyMS=500) as client:
        client.admin.command("ping")
        pool = _pool(client)
        # The monitor tops the pool up between heartbeats.
        assert _wait_for(lambda: pool.stats()["idle"] >= 3)
        assert pool.stats()["idle"] == 3


def test_max_idle_time_ms_retires_idle_connections(server_uri):
    with MongoClient(server_uri, maxIdleTimeMS=200) as client:
        client.admin.command("ping")
        pool = _pool(client)
        [first] = list(pool.sockets)
        time.sleep(0.4)
        client.admin.command("ping")  # the idle socket is too old: a new one serves this
        [second] = list(pool.sockets)
        assert second is not first and first.closed
        assert client.max_idle_time_ms == 200
