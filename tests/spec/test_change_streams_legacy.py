"""Change streams, legacy format (change-streams/legacy): the aggregation ``watch()`` sends,
the changes it returns (insert, update, replace, delete, drop, rename, invalidate) and
how it resumes after an error.

FerretDB 1.24 has no ``$changeStream``: every case runs on the proxy peer, which records
the writes it forwards and answers change streams from that log
(:mod:`tests.support.proxy_streams`).  As the format's README says, the operations run
through a second client (of the same server) and the changes and events are matched as
subsets, ``42`` standing for any value; killCursors events are passed over.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Mapping, Tuple

import pytest

from mongofw.errors import PyMongoError
from mongofw.monitoring.events import CommandStartedEvent
from pymongo import MongoClient
from tests.spec.loader import file_cases, params, with_xfails
from tests.support.listeners import RecordingListener
from tests.support.spec_targets import (
    choose,
    client_uri,
    configure_fail_point,
    fast_rediscovery,
    proxy_for,
    server_facts,
)

pytestmark = pytest.mark.server

# Driver bugs: description -> (what the case then raises, case-id globs).
XFAILS: Dict[str, Tuple[type, List[str]]] = {}
_OPTIONS = {"batchSize": "batch_size", "fullDocument": "full_document",
            "resumeAfter": "resume_after", "startAfter": "start_after",
            "startAtOperationTime": "start_at_operation_time"}


def _cases() -> List[Any]:
    return with_xfails(params(file_cases(("change-streams", "legacy"), extended=True)),
                       XFAILS)


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


def matches(expected: Any, actual: Any, where: str) -> None:
    """The README's MATCH: ``expected`` is a subset of ``actual``; 42 / "42" is anything."""
    if expected in (42, "42") and not isinstance(expected, bool):
        assert actual is not None, f"{where}: missing"
        return
    if isinstance(expected, Mapping):
        assert isinstance(actual, Mapping), f"{where}: expected a document, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}: {key!r} missing from {dict(actual)}"
            matches(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) >= len(expected), \
            f"{where}: expected {expected!r}, got {actual!r}"
        for index, value in enumerate(expected):
            matches(value, actual[index], f"{where}[{index}]")
    else:
        assert actual == expected and (type(actual) is type(expected) or (
            isinstance(actual, (int, float)) and isinstance(expected, (int, float)))), \
            f"{where}: expected {expected!r}, got {actual!r}"


def _watch(client: Any, doc: Mapping[str, Any], test: Mapping[str, Any]) -> Any:
    target = {"collection": client[doc["database_name"]][doc["collection_name"]],
              "database": client[doc["database_name"]], "client": client}[test["target"]]
    options = {_OPTIONS[k]: v for k, v in test["changeStreamOptions"].items()}
    return target.watch(test["changeStreamPipeline"] or None, **options)


def _operate(client: Any, operation: Mapping[str, Any]) -> None:
    collection = client[operation["database"]][operation["collection"]]
    name, args = operation["name"], operation.get("arguments") or {}
    if name == "insertOne":
        collection.insert_one(args["document"])
    elif name == "updateOne":
        collection.update_one(args["filter"], args["update"])
    elif name == "replaceOne":
        collection.replace_one(args["filter"], args["replacement"])
    elif name == "deleteOne":
        collection.delete_one(args["filter"])
    elif name == "drop":
        collection.drop()
    elif name == "rename":
        collection.rename(args["to"])
    else:
        raise AssertionError(f"the runner does not know operation {name!r}")


def _changes(stream: Any, count: int, seconds: float = 10.0) -> List[Any]:
    """Iterate until ``count`` changes came (or, for count 0, once)."""
    changes: List[Any] = []
    deadline = time.monotonic() + seconds
    while len(changes) < max(count, 1) and time.monotonic() < deadline:
        change = stream.try_next()
        if change is not None:
            changes.append(change)
        elif count == 0 or not stream.alive:
            break
    return changes


@pytest.mark.parametrize("case", _cases())
def test_change_streams_legacy(case: Any, request: Any, server_uri: str, client: Any
                               ) -> None:
    path, doc, test = case
    requirement = {k: test[k] for k in ("minServerVersion", "maxServerVersion", "topology")
                   if k in test}
    needs = ["change streams"] + (["fail points"] if "failPoint" in test else [])
    target = choose([[requirement]], needs, server_facts(server_uri))
    if target is None:
        pytest.fail(f"no server for {requirement}")
    request.node.user_properties.append(("spec_target", target.label))
    for db_key, coll_key in (("database_name", "collection_name"),
                             ("database2_name", "collection2_name")):
        if db_key in doc:
            client.drop_database(doc[db_key])
            client[doc[db_key]].create_collection(doc[coll_key])
    listener = RecordingListener()
    expected = test["result"]
    with proxy_for(target, server_uri) as proxy:
        if "failPoint" in test:
            configure_fail_point(proxy, client, test["failPoint"])
        uri = client_uri(target, proxy, server_uri)
        error, changes = None, []
        with MongoClient(uri, event_listeners=[listener]) as watcher, \
                MongoClient(uri) as global_client:
            try:
                stream = _watch(watcher, doc, test)
                try:
                    for operation in test["operations"]:
                        _operate(global_client, operation)
                    wanted = 0 if "error" in expected else len(expected["success"])
                    changes = _changes(stream, wanted)
                finally:
                    stream.close()
            except PyMongoError as exc:
                error = exc
        if proxy is not None:
            assert not proxy.problems, f"the proxy peer failed: {proxy.problems}"
    if "error" in expected:
        assert error is not None, f"expected an error, got the changes {changes}"
        shown = {"code": getattr(error, "code", None),
                 "errorLabels": [label for label in ("ResumableChangeStreamError",
                                                     "NonResumableChangeStreamError")
                                 if error.has_error_label(label)]}
        matches(expected["error"], shown, "error")
    else:
        assert error is None, f"the change stream raised {error!r}"
        assert len(changes) == len(expected["success"]), \
            f"expected {len(expected['success'])} changes, got {changes}"
        matches(expected["success"], changes, "changes")
    started = [e for e in listener.events if isinstance(e, CommandStartedEvent)
               and e.command_name not in ("killCursors", "endSessions")]
    for index, expectation in enumerate(test.get("expectations") or []):
        event = expectation["command_started_event"]
        assert index < len(started), f"expected {event}, got only {len(started)} commands"
        matches(event["command"], started[index].command, f"command {index}")
        assert started[index].command_name == event["command_name"]
        assert started[index].database_name == event["database_name"]
