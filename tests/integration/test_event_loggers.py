"""pymongo.event_loggers (3.11): each example logger logs what happened, at INFO."""
from __future__ import annotations

import logging

from pymongo import MongoClient
from pymongo.event_loggers import CommandLogger, HeartbeatLogger, ServerLogger, TopologyLogger


def test_the_example_loggers_log_a_client_s_life(server_uri, caplog):
    caplog.set_level(logging.INFO, logger="mongofw.event_loggers")
    listeners = [CommandLogger(), ServerLogger(), HeartbeatLogger(), TopologyLogger()]
    with MongoClient(server_uri, event_listeners=listeners) as client:
        client.admin.command("ping")
    messages = [r.getMessage() for r in caplog.records if r.name == "mongofw.event_loggers"]
    assert any(m.startswith("Command ping with request id ") and "started on server" in m
               for m in messages)
    assert any(m.startswith("Command ping") and "succeeded in" in m for m in messages)
    assert any(m.startswith("Heartbeat sent to server") for m in messages)
    assert any(m.startswith("Topology with id") and m.endswith("opened") for m in messages)
    assert any(m.startswith("Topology with id") and m.endswith("closed") for m in messages)
    assert any(m.startswith("Server ") and "added to topology" in m for m in messages)
