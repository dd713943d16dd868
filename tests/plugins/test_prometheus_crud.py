"""The Prometheus plugin records a CRUD run once it is installed, with no code to enable it.

``scripts/bootstrap`` pip-installs ``plugins/mongofw-prometheus`` into the test
environment.  A fresh interpreter imports only ``pymongo``, runs CRUD operations against
the real server, and reads the samples of ``prometheus_client.REGISTRY`` (the plugin's
default registry): the plugin was found through its entry point alone.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any, Dict

import pytest

ROOT = Path(__file__).resolve().parents[2]

CRUD_RUN = textwrap.dedent("""
    import json
    import sys

    import pymongo
    from pymongo.errors import DuplicateKeyError, OperationFailure

    assert "mongofw_prometheus" not in sys.modules
    client = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000,
                                 **json.loads(sys.argv[2]))
    coll = client[sys.argv[3]].items
    coll.insert_many([{"_id": i, "x": i} for i in range(3)])
    assert coll.find_one({"_id": 1})["x"] == 1
    assert coll.update_one({"_id": 2}, {"$set": {"x": 20}}).modified_count == 1
    assert coll.delete_many({"x": {"$lt": 2}}).deleted_count == 2
    try:
        coll.insert_one({"_id": 2})
    except DuplicateKeyError:
        pass
    try:
        client[sys.argv[3]].command("noSuchCommandAnywhere")
    except OperationFailure:
        pass
    client.drop_database(sys.argv[3])
    client.close()

    from prometheus_client import REGISTRY
    samples = [[s.name, s.labels, s.value] for metric in REGISTRY.collect()
               for s in metric.samples if s.name.startswith("mongofw_")]
    print(json.dumps({"plugin_loaded": "mongofw_prometheus" in sys.modules,
                      "samples": samples}))
""")


def _crud_run(server_uri: str, db_name: str, **client_options: Any) -> Dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("MONGOFW_DISABLE_PLUGINS", None)
    done = subprocess.run([sys.executable, "-c", CRUD_RUN, server_uri,
                           json.dumps(client_options), db_name],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _value(samples: Any, name: str, **labels: str) -> float:
    found = [value for sample_name, sample_labels, value in samples
             if sample_name == name and all(sample_labels.get(k) == v
                                            for k, v in labels.items())]
    assert len(found) == 1, f"{name} {labels}: {len(found)} samples"
    return found[0]


@pytest.fixture(scope="module")
def plugin_installed() -> None:
    try:
        dist = metadata.distribution("mongofw-prometheus")
    except metadata.PackageNotFoundError:
        pytest.fail("mongofw-prometheus is not installed; run scripts/bootstrap")
    assert any(ep.group == "mongofw" and ep.name == "prometheus" for ep in dist.entry_points)


def test_a_crud_run_is_counted_by_command_and_outcome(plugin_installed, server_uri):
    result = _crud_run(server_uri, "t_prometheus_crud")
    assert result["plugin_loaded"] is True
    samples = result["samples"]
    server = server_uri.split("//", 1)[1].split("/", 1)[0]
    for command, ok, failed in [("insert", 2, 0), ("find", 1, 0), ("update", 1, 0),
                                ("delete", 1, 0), ("dropDatabase", 1, 0),
                                ("noSuchCommandAnywhere", 0, 1)]:
        for outcome, count in (("succeeded", ok), ("failed", failed)):
            if count:
                assert _value(samples, "mongofw_commands_total", command=command,
                              server=server, outcome=outcome) == count, (command, outcome)
                assert _value(samples, "mongofw_command_duration_seconds_count",
                              command=command, outcome=outcome) == count
    # A duplicate key is a write error inside a successful reply, not a failed command.
    assert not [s for s in samples if s[0] == "mongofw_commands_total"
                and s[1]["command"] == "insert" and s[1]["outcome"] == "failed"]
    assert _value(samples, "mongofw_command_errors_total", command="noSuchCommandAnywhere",
                  code="59") == 1
    assert _value(samples, "mongofw_commands_in_flight", server=server) == 0
    assert _value(samples, "mongofw_heartbeats_total", server=server,
                  outcome="succeeded") >= 1
    total = _value(samples, "mongofw_command_duration_seconds_sum", command="find",
                   outcome="succeeded")
    assert 0 < total < 10
    # Read after client.close(): every pooled connection was given back, then closed.
    assert _value(samples, "mongofw_pool_checked_out", server=server) == 0
    assert _value(samples, "mongofw_pool_connections", server=server) == 0
    assert _value(samples, "mongofw_pool_connections_closed_total", server=server,
                  reason="poolClosed") >= 1


def test_prometheus_metrics_false_records_nothing(plugin_installed, server_uri):
    result = _crud_run(server_uri, "t_prometheus_off", prometheus_metrics=False)
    assert [s for s in result["samples"] if s[0] == "mongofw_commands_total"] == []
