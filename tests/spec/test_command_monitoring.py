"""Command monitoring spec: the command events of each operation, against the real server.

Two formats from ``../shared/specs/command-monitoring``:

- ``legacy/``: one operation per case, then the exact list of started / succeeded / failed
  events.  Extra fields are allowed at the top level of a command or reply only (``$db``,
  ``lsid`` …); sub-documents compare exactly, with the spec's placeholders: a cursor id
  of 42 is "the same positive id everywhere", a write error ``code: 42`` is "present and
  positive", ``errmsg: ""`` is "non-empty".  Update statements may carry their defaults
  (``upsert: false``, ``multi: false``), which the spec lets a driver send.
- ``unified/redacted-commands.json``: ``runCommand`` operations whose events must come
  with empty bodies (security-sensitive commands); matched with ``$$exists``.

Cases excluded by their own ``ignore_if_*`` / ``runOnRequirements`` keys (server version,
topology) are skipped at run time with the key that excludes them.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest

from bson.int64 import Int64
from bson.son import SON
from mongofw.client.operations import (
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)
from mongofw.errors import BulkWriteError, WriteError
from mongofw.monitoring.events import (
    CommandFailedEvent,
    CommandStartedEvent,
    CommandSucceededEvent,
    is_sensitive_command,
)
from pymongo import MongoClient
from pymongo.read_preferences import ReadPreference
from pymongo.write_concern import WriteConcern
from tests.spec.loader import file_cases, load, params, spec_path
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import GAPS, against_ferretdb

pytestmark = pytest.mark.server

# The placeholder the legacy files use for cursor ids and write error codes.
PLACEHOLDER = 42

# Legacy cases whose server reply FerretDB gets wrong (case-id glob -> server_gaps feature):
# there the command events our side sends are still checked, then the case is skipped.
REPLY_GAPS = {"update*.json::* with write errors": "update write error n"}


def _version(text: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3])


@pytest.fixture(scope="module")
def server_facts(server_uri) -> Dict[str, Any]:
    """Version and topology of the test server, asked once."""
    with MongoClient(server_uri, serverSelectionTimeoutMS=10000) as client:
        info = client.server_info()
        hello = client.admin.command("ismaster")
    topology = "sharded" if hello.get("msg") == "isdbgrid" else \
        "replicaset" if hello.get("setName") else "single"
    return {"version": _version(info["version"]), "version_text": info["version"],
            "topology": topology}


# ---------------------------------------------------------------- event matching


class _Ids:
    """The one real cursor id every ``42`` placeholder of a case stands for."""

    def __init__(self) -> None:
        self.cursor_id: Optional[int] = None

    def check(self, actual: Any, where: str) -> None:
        assert isinstance(actual, int) and actual > 0, f"{where}: {actual!r} is not a cursor id"
        if self.cursor_id is None:
            self.cursor_id = actual
        assert actual == self.cursor_id, \
            f"{where}: cursor id {actual} differs from the first one, {self.cursor_id}"


_CURSOR_ID_KEYS = frozenset(["id", "getMore"])
_CURSOR_ID_LISTS = frozenset(["cursors", "cursorsUnknown", "cursorsKilled"])


def _match_value(expected: Any, actual: Any, where: str, ids: _Ids, key: str) -> None:
    if isinstance(expected, Int64) and expected == PLACEHOLDER and key in _CURSOR_ID_KEYS:
        ids.check(actual, where)
    elif isinstance(expected, Mapping):
        _match_doc(expected, actual, where, ids, top=False)
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), \
            f"{where}: expected {len(expected)} items, got {len(actual)}: {actual!r}"
        for index, (exp, act) in enumerate(zip(expected, actual)):
            item_key = "id" if key in _CURSOR_ID_LISTS else key
            _match_value(exp, act, f"{where}[{index}]", ids, item_key)
    elif isinstance(expected, bool) or isinstance(actual, bool):
        assert type(actual) is type(expected) and actual == expected, \
            f"{where}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, (int, float)):
        assert isinstance(actual, (int, float)) and actual == expected, \
            f"{where}: expected {expected!r}, got {actual!r}"
    else:
        assert type(actual) is type(expected) and actual == expected, \
            f"{where}: expected {expected!r}, got {actual!r}"


def _match_doc(expected: Mapping[str, Any], actual: Any, where: str, ids: _Ids,
               top: bool, parent: str = "") -> None:
    assert isinstance(actual, Mapping), f"{where}: expected a document, got {actual!r}"
    extra = set(actual) - set(expected)
    if parent == "writeErrors":
        if expected.get("code") == PLACEHOLDER:
            assert isinstance(actual.get("code"), int) and actual["code"] > 0, \
                f"{where}.code: expected a positive code, got {actual.get('code')!r}"
            expected = {k: v for k, v in expected.items() if k != "code"}
        if expected.get("errmsg") == "":
            assert isinstance(actual.get("errmsg"), str) and actual["errmsg"], \
                f"{where}.errmsg: expected a non-empty message, got {actual.get('errmsg')!r}"
            expected = {k: v for k, v in expected.items() if k != "errmsg"}
        extra -= {"code", "errmsg"}
    if parent == "updates":
        # The spec allows the statement defaults to be sent explicitly.
        extra = {k for k in extra if not (k in ("upsert", "multi") and actual[k] is False)}
    if not top:
        assert not extra, f"{where}: unexpected fields {sorted(extra)} in {actual!r}"
    for key, value in expected.items():
        assert key in actual, f"{where}: missing {key!r} in {actual!r}"
        if isinstance(value, list) and key in ("writeErrors", "updates"):
            assert isinstance(actual[key], list) and len(actual[key]) == len(value), \
                f"{where}.{key}: expected {value!r}, got {actual[key]!r}"
            for index, (exp, act) in enumerate(zip(value, actual[key])):
                _match_doc(exp, act, f"{where}.{key}[{index}]", ids, False, key)
        else:
            _match_value(value, actual[key], f"{where}.{key}", ids, key)


def check_expectations(expectations: List[Mapping[str, Any]], events: List[Any]) -> None:
    """The recorded events equal the expected ones, in order, with the spec's placeholders."""
    names = [type(e).__name__ for e in events]
    assert len(events) == len(expectations), \
        f"expected {len(expectations)} events, got {len(events)}: {names}"
    ids = _Ids()
    for number, (expectation, event) in enumerate(zip(expectations, events)):
        [(kind, exp)] = expectation.items()
        where = f"event {number} ({kind})"
        if kind == "command_started_event":
            assert isinstance(event, CommandStartedEvent), f"{where}: got {event!r}"
            assert event.database_name == exp["database_name"], where
            _match_doc(exp["command"], event.command, f"{where}.command", ids, top=True)
        elif kind == "command_succeeded_event":
            assert isinstance(event, CommandSucceededEvent), f"{where}: got {event!r}"
            _match_doc(exp["reply"], event.reply, f"{where}.reply", ids, top=True)
        elif kind == "command_failed_event":
            assert isinstance(event, CommandFailedEvent), f"{where}: got {event!r}"
        else:
            raise AssertionError(f"unknown expectation {kind}")
        assert event.command_name == exp["command_name"], \
            f"{where}: command_name {event.command_name!r}, expected {exp['command_name']!r}"
        assert event.connection_id is not None and event.request_id is not None, where
        if not isinstance(event, CommandStartedEvent):
            assert isinstance(event.duration_micros, int) and event.duration_micros >= 0, where


# ---------------------------------------------------------------- legacy format


def _pairs(document: Mapping[str, Any]) -> List[Tuple[str, Any]]:
    return list(document.items())


def _request(request: Mapping[str, Any]) -> Any:
    name, args = request["name"], request["arguments"]
    if name == "insertOne":
        return InsertOne(args["document"])
    if name == "deleteOne":
        return DeleteOne(args["filter"])
    if name == "deleteMany":
        return DeleteMany(args["filter"])
    if name == "replaceOne":
        return ReplaceOne(args["filter"], args["replacement"], args.get("upsert", False))
    if name == "updateOne":
        return UpdateOne(args["filter"], args["update"], args.get("upsert", False))
    if name == "updateMany":
        return UpdateMany(args["filter"], args["update"], args.get("upsert", False))
    raise AssertionError(f"unknown bulk request {name}")


# find option -> Cursor method; returnKey and showRecordId are 3.4 query modifiers.
_CURSOR_METHODS = {"skip": "skip", "limit": "limit", "batchSize": "batch_size",
                   "comment": "comment", "maxTimeMS": "max_time_ms"}
_INDEX_SPEC_METHODS = {"sort": "sort", "hint": "hint", "max": "max", "min": "min"}
_MODIFIERS = {"returnKey": "$returnKey", "showRecordId": "$showDiskLoc"}


def _find(coll: Any, args: Mapping[str, Any]) -> List[Any]:
    modifiers = {_MODIFIERS[k]: v for k, v in args.items() if k in _MODIFIERS}
    cursor = coll.find(args.get("filter", {}), modifiers=modifiers or None)
    for key, value in args.items():
        if key in _CURSOR_METHODS:
            cursor = getattr(cursor, _CURSOR_METHODS[key])(value)
        elif key in _INDEX_SPEC_METHODS:
            cursor = getattr(cursor, _INDEX_SPEC_METHODS[key])(_pairs(value))
        elif key not in _MODIFIERS and key != "filter":
            raise AssertionError(f"unknown find option {key}")
    return list(cursor)


def run_legacy_operation(coll: Any, operation: Mapping[str, Any]) -> Any:
    """Run a legacy-format operation through the 3.4 API."""
    name, args = operation["name"], dict(operation.get("arguments", {}))
    options = dict(args.pop("options", {}))
    if name == "bulkWrite":
        return coll.bulk_write([_request(r) for r in args["requests"]], **options)
    if name == "count":
        return coll.count(args["filter"])
    if name == "find":
        return _find(coll, args)
    if name == "insertOne":
        return coll.insert_one(args["document"])
    if name == "insertMany":
        return coll.insert_many(args["documents"], **options)
    if name in ("deleteOne", "deleteMany"):
        return getattr(coll, "delete_one" if name == "deleteOne" else "delete_many")(
            args["filter"])
    if name in ("updateOne", "updateMany"):
        method = coll.update_one if name == "updateOne" else coll.update_many
        return method(args["filter"], args["update"], upsert=args.get("upsert", False))
    raise AssertionError(f"unknown operation {name}")


def _legacy_exclusion(test: Mapping[str, Any], facts: Mapping[str, Any]) -> Optional[str]:
    version, text = facts["version"], facts["version_text"]
    above = test.get("ignore_if_server_version_greater_than")
    if above and version > _version(above) + (99,) * (3 - len(_version(above))):
        return f"ignore_if_server_version_greater_than {above} (server {text})"
    below = test.get("ignore_if_server_version_less_than")
    if below and version < _version(below):
        return f"ignore_if_server_version_less_than {below} (server {text})"
    if facts["topology"] in test.get("ignore_if_topology_type", []):
        return f"ignore_if_topology_type {test['ignore_if_topology_type']}"
    return None


@pytest.mark.parametrize("case", params(file_cases(("command-monitoring", "legacy"),
                                                   extended=True)))
def test_legacy(case, request, server_uri, server_facts):
    path, doc, test = case
    excluded = _legacy_exclusion(test, server_facts)
    if excluded:
        pytest.skip(f"excluded by the case itself: {excluded}")
    with MongoClient(server_uri, serverSelectionTimeoutMS=10000) as setup:
        coll = setup[doc["database_name"]][doc["collection_name"]]
        coll.drop()
        if doc["data"]:
            coll.insert_many(doc["data"])
    listener = RecordingListener()
    with MongoClient(server_uri, serverSelectionTimeoutMS=10000,
                     event_listeners=[listener]) as client:
        operation = test["operation"]
        coll = client[doc["database_name"]][doc["collection_name"]]
        if "writeConcern" in operation.get("collectionOptions", {}):
            coll = coll.with_options(
                write_concern=WriteConcern(**operation["collectionOptions"]["writeConcern"]))
        if operation.get("read_preference", {}).get("mode") == "primaryPreferred":
            coll = coll.with_options(read_preference=ReadPreference.PRIMARY_PREFERRED)
        expect_failure = any("command_failed_event" in e for e in test["expectations"])
        try:
            run_legacy_operation(coll, operation)
        except (WriteError, BulkWriteError):
            pass  # "... with write errors": a successful command event, then the error
        except Exception:  # noqa: BLE001 - failures are part of some cases
            if not expect_failure:
                raise
        events = list(listener.events)
    gap = _reply_gap(request.node.callspec.id)
    if gap is None:
        check_expectations(test["expectations"], events)
        return
    started = [e for e in test["expectations"] if "command_started_event" in e]
    check_expectations(started, [e for e in events if isinstance(e, CommandStartedEvent)])
    pytest.skip(f"FerretDB 1.24: {GAPS[gap]} (the command events were checked)")


def _reply_gap(case_id: str) -> Optional[str]:
    if not against_ferretdb():
        return None
    return next((gap for pattern, gap in REPLY_GAPS.items() if fnmatchcase(case_id, pattern)),
                None)


# ---------------------------------------------------------------- unified format (redaction)

_UNIFIED_FILE = ("command-monitoring", "unified", "redacted-commands.json")
_OBSERVED = {"commandStartedEvent": CommandStartedEvent,
             "commandSucceededEvent": CommandSucceededEvent,
             "commandFailedEvent": CommandFailedEvent}


def _unified_cases() -> List[Any]:
    path = spec_path(*_UNIFIED_FILE)
    doc = load(path, extended=True)
    return params((f"{path.name}::{test['description']}", (doc, test))
                  for test in doc["tests"])


def _unified_exclusion(requirements: List[Mapping[str, Any]],
                       facts: Mapping[str, Any]) -> Optional[str]:
    """Why none of ``requirements`` holds on this server (None if one does, or none given)."""
    if not requirements:
        return None
    reasons = []
    for requirement in requirements:
        unmet = []
        low, high = requirement.get("minServerVersion"), requirement.get("maxServerVersion")
        if low and facts["version"] < _version(low):
            unmet.append(f"minServerVersion {low}")
        if high and facts["version"] > _version(high):
            unmet.append(f"maxServerVersion {high}")
        if requirement.get("auth") is True:
            unmet.append("auth: true (the test server runs without authentication)")
        if not unmet:
            return None
        reasons.append(", ".join(unmet))
    return f"runOnRequirements {'; '.join(reasons)} (server {facts['version_text']})"


def _match_unified(expected: Any, actual: Any, where: str, root: bool) -> None:
    """The unified format's matching: extra keys only in root documents, ``$$exists``."""
    if isinstance(expected, Mapping):
        operators = [key for key in expected if key.startswith("$$")]
        if operators:
            assert operators == ["$$exists"], f"{where}: operator {operators} not supported"
            raise AssertionError(f"{where}: $$exists must be matched by the parent document")
        assert isinstance(actual, Mapping), f"{where}: expected a document, got {actual!r}"
        for key, value in expected.items():
            if isinstance(value, Mapping) and "$$exists" in value:
                assert (key in actual) is value["$$exists"], \
                    f"{where}.{key}: $$exists {value['$$exists']}, document {actual!r}"
                continue
            assert key in actual, f"{where}: missing {key!r} in {actual!r}"
            _match_unified(value, actual[key], f"{where}.{key}", False)
        if not root:
            extra = set(actual) - set(expected)
            assert not extra, f"{where}: unexpected fields {sorted(extra)}"
    else:
        _match_value(expected, actual, where, _Ids(), "")


@pytest.mark.parametrize("case", _unified_cases())
def test_redacted_commands(case, server_uri, server_facts):
    doc, test = case
    excluded = _unified_exclusion(doc.get("runOnRequirements", []), server_facts) or \
        _unified_exclusion(test.get("runOnRequirements", []), server_facts)
    if excluded:
        pytest.skip(f"excluded by the case itself: {excluded}")
    [client_entity, database_entity] = [e for e in doc["createEntities"]]
    client_spec, database_spec = client_entity["client"], database_entity["database"]
    observed = tuple(_OBSERVED[name] for name in client_spec["observeEvents"])
    sensitive_too = client_spec.get("observeSensitiveCommands", False)
    listener = RecordingListener()
    with MongoClient(server_uri, serverSelectionTimeoutMS=10000,
                     event_listeners=[listener]) as client:
        database = client[database_spec["databaseName"]]
        for operation in test["operations"]:
            assert operation["name"] == "runCommand" and operation["object"] == "database"
            command = SON(operation["arguments"]["command"])
            if "expectError" in operation:
                with pytest.raises(Exception):  # noqa: B017,PT011 - the spec says only "an error"
                    database.command(command)
            else:
                database.command(command)
        events = [e for e in listener.events if isinstance(e, observed)]
    if not sensitive_too:
        events = [e for e in events if not is_sensitive_command(e.command_name)]
    [expected_for_client] = test["expectEvents"]
    expected = expected_for_client["events"]
    assert len(events) == len(expected), \
        f"expected {len(expected)} events, got {[type(e).__name__ for e in events]}"
    for number, (expectation, event) in enumerate(zip(expected, events)):
        [(kind, exp)] = expectation.items()
        where = f"event {number} ({kind})"
        assert isinstance(event, _OBSERVED[kind]), f"{where}: got {event!r}"
        assert event.command_name == exp["commandName"], where
        if "command" in exp:
            _match_unified(exp["command"], event.command, f"{where}.command", True)
        if "reply" in exp:
            _match_unified(exp["reply"], event.reply, f"{where}.reply", True)
