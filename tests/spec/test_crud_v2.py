"""CRUD spec, v2 format (crud/v2): each operation's result or error, the commands it sends,
and the collection afterwards.

Where a case runs follows its file's ``runOn``:

- on the test server when the server's version and topology satisfy one entry (or there
  is no ``runOn``).  FerretDB 1.24 reports MongoDB 7.0 and runs standalone;
  ``MONGOFW_TEST_URI`` names another server;
- otherwise on the scripted wire peer, playing the newest MongoDB release from 3.0 to 4.4
  that satisfies an entry: standalone, or a replica-set primary when the entry names only
  replica sets and sharded clusters.  The peer holds no data.  It answers the commands of
  these files as that release does (see :class:`OldServer`), so an old server refuses a
  ``hint`` or ``allowDiskUse`` it does not know.

``expectations`` lists the command-started events, in order and all of them.  Extra fields
are allowed only at the top level of a command (``$db``, ``writeConcern``, ``new`` ...).
A null value means "absent", and update statements may carry their defaults
(``upsert: false``, ``multi: false``).  The spec names no exception types; a runner checks
what the 3.x API raises (:func:`_expected_error`).

FerretDB gaps (``tests/support/server_gaps.py``) do not stop a case from running: its
command events are checked.  It is then skipped only when the server refuses it with the
gap's own error.  On the peer, an ``outcome`` equal to the file's data is shown by the peer
having accepted no write.  Any other outcome cannot be shown without data: such a case is
checked up to that point and skipped.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import pytest

from mongofw.client.operations import DeleteMany, DeleteOne, ReplaceOne, UpdateMany, UpdateOne
from mongofw.errors import ConfigurationError, OperationFailure
from mongofw.monitoring.events import CommandStartedEvent
from pymongo import MongoClient
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern
from tests.spec.loader import file_cases, params
from tests.support.listeners import RecordingListener
from tests.support.old_servers import (
    LegacyQueryPeer,
    OldServer,
    Target,
    release_for,
    satisfies,
    version_tuple,
    writing_stage,
)
from tests.support.server_gaps import GAPS, against_ferretdb

pytestmark = pytest.mark.server

# Known driver bugs: the case runs and fails on the assertion the bug breaks (strict, so a
# fix shows up as XPASS).  Reason -> case-id globs.
XFAILS: Dict[str, List[str]] = {
    "mongofw refuses a hint on update statements below MongoDB 4.2 (wire version 8) and on "
    "delete statements below 4.4 (wire 9) with ConfigurationError, sending nothing; the CRUD "
    "spec raises client-side only below 3.4 (wire 5) and sends the hint to 3.4+ servers, "
    "which report the error (OperationFailure)": [
        "updateOne-hint-serverError.json::*", "updateMany-hint-serverError.json::*",
        "bulkWrite-update-hint-serverError.json::*", "deleteOne-hint-serverError.json::*",
        "deleteMany-hint-serverError.json::*", "bulkWrite-delete-hint-serverError.json::*"],
    "mongofw refuses a hint on findAndModify below MongoDB 4.4 (wire version 9) with "
    "ConfigurationError, sending nothing; the CRUD spec raises client-side only below 4.2 "
    "(wire 8) and sends the hint to 4.2 servers, which report the error (OperationFailure)": [
        "findOneAndDelete-hint-serverError.json::*", "findOneAndReplace-hint-serverError.json::*",
        "findOneAndUpdate-hint-serverError.json::*"],
    "an aggregate whose pipeline ends in $out or $merge never sends the collection's read "
    "concern (collection_reads.aggregate passes read_concern=None); the read/write concern "
    "spec sends it to MongoDB 4.2+ (wire version 8)": [
        "aggregate-out-readConcern.json::*", "aggregate-merge.json::*readConcern"],
    "find with allow_disk_use on a server before MongoDB 3.2 (wire version < 4) goes out as "
    "a legacy OP_QUERY that silently drops allowDiskUse; the CRUD spec raises a client-side "
    "error there, sending nothing": ["find-allowdiskuse-clientError.json::*"],
}


def _cases() -> List[Any]:
    out = []
    for param in params(file_cases(("crud", "v2"), extended=True)):
        marks = list(param.marks)
        for reason, patterns in XFAILS.items():
            if any(fnmatchcase(param.id, pattern) for pattern in patterns):
                marks.append(pytest.mark.xfail(reason=f"driver bug: {reason}", strict=True,
                                               raises=AssertionError))
        out.append(pytest.param(*param.values, id=param.id, marks=marks))
    return out


# ---------------------------------------------------------------- where a case runs


def _target(run_on: Optional[List[Mapping[str, Any]]], facts: Mapping[str, Any]) -> Target:
    """The test server if it satisfies ``runOn``, else the peer as a release that does."""
    if not run_on or any(satisfies(e, facts["version"], facts["topology"]) for e in run_on):
        return Target()
    target = release_for(run_on)
    if target is None:
        pytest.fail(f"no server for runOn {run_on}: neither the test server nor a release "
                    f"the peer plays satisfies it")
    return target


@pytest.fixture(scope="module")
def server_facts(server_uri) -> Dict[str, Any]:
    """Version and topology of the test server, asked once."""
    with MongoClient(server_uri, serverSelectionTimeoutMS=10000) as client:
        version = client.server_info()["version"]
        hello = client.admin.command("ismaster")
    topology = "sharded" if hello.get("msg") == "isdbgrid" else \
        "replicaset" if hello.get("setName") else "single"
    return {"version": version_tuple(version), "version_text": version, "topology": topology}


# ---------------------------------------------------------------- operations


def _hint(arguments: Mapping[str, Any]) -> Dict[str, Any]:
    """The 3.x API takes a hint as an index name or a list of (key, direction) pairs."""
    if "hint" not in arguments:
        return {}
    hint = arguments["hint"]
    return {"hint": hint if isinstance(hint, str) else list(hint.items())}


def _statement_options(arguments: Mapping[str, Any]) -> Dict[str, Any]:
    options = _hint(arguments)
    if "arrayFilters" in arguments:
        options["array_filters"] = arguments["arrayFilters"]
    return options


def _request(request: Mapping[str, Any]) -> Any:
    name, args = request["name"], request["arguments"]
    options = _statement_options(args)
    if name == "deleteOne":
        return DeleteOne(args["filter"], **options)
    if name == "deleteMany":
        return DeleteMany(args["filter"], **options)
    if name == "replaceOne":
        return ReplaceOne(args["filter"], args["replacement"], args.get("upsert", False),
                          **options)
    model = {"updateOne": UpdateOne, "updateMany": UpdateMany}[name]
    return model(args["filter"], args["update"], args.get("upsert", False), **options)


class Fields(dict):
    """Result fields derived from a 3.x result object (a spec result may list fewer)."""


def _bulk_fields(result: Any) -> Fields:
    api = result.bulk_api_result
    return Fields({"deletedCount": api["nRemoved"], "insertedCount": api["nInserted"],
            "insertedIds": {}, "matchedCount": api["nMatched"],
            "modifiedCount": api["nModified"], "upsertedCount": api["nUpserted"],
            "upsertedIds": {str(u["index"]): u["_id"] for u in api["upserted"]}})


def _update_fields(result: Any) -> Fields:
    fields = Fields({"matchedCount": result.matched_count, "modifiedCount": result.modified_count,
              "upsertedCount": 0 if result.upserted_id is None else 1})
    if result.upserted_id is not None:
        fields["upsertedId"] = result.upserted_id
    return fields


def run_operation(database: Any, collection: Any, operation: Mapping[str, Any]) -> Any:
    """Call the 3.x method for one spec operation; return a spec-shaped result."""
    name, args = operation["name"], operation["arguments"]
    if name == "aggregate":
        kwargs = {k: args[k] for k in ("allowDiskUse", "batchSize") if k in args}
        target = database if operation.get("object") == "database" else collection
        return list(target.aggregate(args["pipeline"], **kwargs))
    if name == "find":
        kwargs = {"allow_disk_use": args["allowDiskUse"]} if "allowDiskUse" in args else {}
        return list(collection.find(args["filter"], **kwargs))
    if name == "bulkWrite":
        requests = [_request(r) for r in args["requests"]]
        ordered = args.get("options", {}).get("ordered", True)
        return _bulk_fields(collection.bulk_write(requests, ordered=ordered))
    options = _statement_options(args)
    if name in ("deleteOne", "deleteMany"):
        method = collection.delete_one if name == "deleteOne" else collection.delete_many
        return Fields({"deletedCount": method(args["filter"], **options).deleted_count})
    if name == "replaceOne":
        return _update_fields(collection.replace_one(args["filter"], args["replacement"],
                                                     args.get("upsert", False), **options))
    if name in ("updateOne", "updateMany"):
        method = collection.update_one if name == "updateOne" else collection.update_many
        return _update_fields(method(args["filter"], args["update"], args.get("upsert", False),
                                     **options))
    if name == "findOneAndDelete":
        return collection.find_one_and_delete(args["filter"], **options)
    if name == "findOneAndReplace":
        return collection.find_one_and_replace(args["filter"], args["replacement"], **options)
    if name == "findOneAndUpdate":
        return collection.find_one_and_update(args["filter"], args["update"], **options)
    raise AssertionError(f"unknown operation {name}")


def _with_options(collection: Any, operation: Mapping[str, Any]) -> Any:
    options = operation.get("collectionOptions", {})
    kwargs: Dict[str, Any] = {}
    if "readConcern" in options:
        kwargs["read_concern"] = ReadConcern(options["readConcern"]["level"])
    if "writeConcern" in options:
        kwargs["write_concern"] = WriteConcern(**options["writeConcern"])
    return collection.with_options(**kwargs) if kwargs else collection


def _expected_error(path_name: str) -> type:
    """What the 3.x API raises where a file says ``error: true``.

    Argument checks (``*-validation``) raise ValueError; options the server or the write
    concern cannot take are refused before sending (``*-clientError``) with
    ConfigurationError; anything the server refuses raises OperationFailure.
    """
    if path_name.endswith("-validation.json"):
        return ValueError
    if "clientError" in path_name:
        return ConfigurationError
    return OperationFailure


def _execute(database: Any, collection: Any, operation: Mapping[str, Any]
             ) -> Tuple[Any, Optional[BaseException]]:
    try:
        return run_operation(database, _with_options(collection, operation), operation), None
    except Exception as error:  # noqa: BLE001 - the checks report it, with its type
        return None, error


def _check_result(path_name: str, operation: Mapping[str, Any], result: Any,
                  error: Optional[BaseException]) -> None:
    if operation.get("error"):
        expected = _expected_error(path_name)
        assert isinstance(error, expected), \
            f"{operation['name']}: expected {expected.__name__}, got {error!r}"
        return
    assert error is None, f"{operation['name']} raised {error!r}"
    if "result" in operation:
        _match_result(operation["result"], result)


def _match_result(expected: Any, actual: Any) -> None:
    if isinstance(actual, Fields):
        # Every field the spec lists, with its value.
        for key, value in expected.items():
            assert key in actual, f"{key} missing from {actual!r}"
            assert actual[key] == value, f"{key}: expected {value!r}, got {actual[key]!r}"
        return
    assert actual == expected


# ---------------------------------------------------------------- command events


def _match(expected: Any, actual: Any, where: str, parent: str = "") -> None:
    if isinstance(expected, Mapping):
        assert isinstance(actual, Mapping), f"{where}: expected a document, got {actual!r}"
        for key, value in expected.items():
            if value is None:
                assert key not in actual, f"{where}.{key}: expected absent, got {actual[key]!r}"
                continue
            assert key in actual, f"{where}: missing {key!r} in {actual!r}"
            _match(value, actual[key], f"{where}.{key}", key)
        extra = set(actual) - set(expected)
        if parent == "updates":
            # An update statement may spell out its defaults.
            extra = {k for k in extra if not (k in ("upsert", "multi") and actual[k] is False)}
        if parent != "command":
            assert not extra, f"{where}: unexpected fields {sorted(extra)} in {actual!r}"
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), \
            f"{where}: expected {expected!r}, got {actual!r}"
        for index, (exp, act) in enumerate(zip(expected, actual)):
            _match(exp, act, f"{where}[{index}]", parent)
    elif isinstance(expected, bool) or isinstance(actual, bool):
        assert actual is expected, f"{where}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, (int, float)):
        assert isinstance(actual, (int, float)) and actual == expected, \
            f"{where}: expected {expected!r}, got {actual!r}"
    else:
        assert type(actual) is type(expected) and actual == expected, \
            f"{where}: expected {expected!r}, got {actual!r}"


def check_expectations(expectations: List[Mapping[str, Any]], listener: RecordingListener
                       ) -> None:
    """The command-started events are the expected ones, in order and in number."""
    started = [e for e in listener.events if isinstance(e, CommandStartedEvent)]
    assert len(started) == len(expectations), \
        f"expected {len(expectations)} commands, got {[dict(e.command) for e in started]}"
    for number, (expectation, event) in enumerate(zip(expectations, started)):
        expected = expectation["command_started_event"]
        where = f"command {number}"
        _match(expected["command"], event.command, where, "command")
        for key, attribute in (("command_name", "command_name"),
                               ("database_name", "database_name")):
            if key in expected:
                assert getattr(event, attribute) == expected[key], \
                    f"{where}: {key} {getattr(event, attribute)!r}, expected {expected[key]!r}"


# ---------------------------------------------------------------- FerretDB gaps

# Gap -> the error FerretDB 1.24 refuses it with (part of the message).
GAP_ERRORS = {
    "arrayFilters": 'support for field "arrayFilters"',
    "update pipelines": "BSON field 'update.updates.u' is the wrong type 'array'",
    "findAndModify pipeline": "Aggregation pipelines are not supported yet",
    "aggregate $merge": '`aggregate` stage "$merge" is not implemented yet',
    "aggregate $out": '`aggregate` stage "$out" is not implemented yet',
    "database aggregate": "the 'aggregate' field must specify a collection name or 1",
}


def _gaps(operation: Mapping[str, Any]) -> List[str]:
    """The FerretDB gaps an operation runs into, found from what it asks for."""
    args = operation["arguments"]
    statements = [r["arguments"] for r in args.get("requests", [])] or [args]
    gaps = []
    if any("arrayFilters" in s for s in statements):
        gaps.append("arrayFilters")
    if any(isinstance(s.get("update"), list) for s in statements):
        gaps.append("findAndModify pipeline" if operation["name"] == "findOneAndUpdate"
                    else "update pipelines")
    if operation["name"] == "aggregate":
        if operation.get("object") == "database":
            gaps.append("database aggregate")
        stage = writing_stage(args["pipeline"])
        if stage:
            gaps.append(f"aggregate {stage}")
    return gaps


def _refused_for_gap(operation: Mapping[str, Any], error: Optional[BaseException]
                     ) -> Optional[str]:
    """The gap FerretDB refused the operation for, with that gap's own error."""
    if not against_ferretdb() or not isinstance(error, OperationFailure):
        return None
    return next((gap for gap in _gaps(operation) if GAP_ERRORS[gap] in str(error)), None)


# ---------------------------------------------------------------- the runner


def _sorted(documents: Sequence[Any]) -> List[Any]:
    return sorted(documents, key=lambda d: d["_id"])


def _run_on_server(request: Any, path: Any, doc: Mapping[str, Any], test: Mapping[str, Any],
                   server_uri: str) -> None:
    setup = request.getfixturevalue("client")
    database_name = doc.get("database_name") or request.getfixturevalue("db").name
    collection_name = doc.get("collection_name", "test")
    outcome = test.get("outcome", {}).get("collection")
    names = {collection_name, (outcome or {}).get("name", collection_name)}
    if database_name != "admin":
        for name in names:
            setup[database_name].drop_collection(name)
    if doc.get("data"):
        setup[database_name][collection_name].insert_many([dict(d) for d in doc["data"]])
    try:
        _run_and_check_server(path, test, server_uri, database_name, collection_name,
                              setup, outcome)
    finally:
        if database_name != "admin":
            for name in names:
                setup[database_name].drop_collection(name)


def _run_and_check_server(path: Any, test: Mapping[str, Any], server_uri: str,
                          database_name: str, collection_name: str, setup: Any,
                          outcome: Optional[Mapping[str, Any]]) -> None:
    listener = RecordingListener()
    gap = None
    with MongoClient(server_uri, serverSelectionTimeoutMS=10000,
                     event_listeners=[listener]) as client:
        database = client[database_name]
        for operation in test["operations"]:
            result, error = _execute(database, database[collection_name], operation)
            gap = gap or _refused_for_gap(operation, error)
            if gap is None:
                _check_result(path.name, operation, result, error)
    if "expectations" in test:
        check_expectations(test["expectations"], listener)
    if gap is not None:
        checked = " (the command events were checked)" if "expectations" in test else ""
        pytest.skip(f"FerretDB 1.24: {GAPS[gap]}{checked}")
    if outcome is not None:
        stored = setup[database_name][outcome.get("name", collection_name)].find()
        assert _sorted(list(stored)) == _sorted(outcome["data"])


def _run_on_peer(path: Any, doc: Mapping[str, Any], test: Mapping[str, Any],
                 target: Target) -> None:
    server = OldServer(target)
    listener = RecordingListener()
    with LegacyQueryPeer(server.answer) as peer:
        server.address = f"127.0.0.1:{peer.port}"
        uri = peer.uri + ("?replicaSet=rs" if target.role == "primary" else "")
        with MongoClient(uri, serverSelectionTimeoutMS=2000,
                         event_listeners=[listener]) as client:
            database = client[doc.get("database_name") or "crud_v2"]
            collection = database[doc.get("collection_name", "test")]
            for operation in test["operations"]:
                result, error = _execute(database, collection, operation)
                _check_result(path.name, operation, result, error)
    assert not server.unmodelled, \
        f"the peer as {target} does not model {server.unmodelled}; the case sent it"
    if "expectations" in test:
        check_expectations(test["expectations"], listener)
    outcome = test.get("outcome", {}).get("collection")
    if outcome is None:
        return
    unchanged = outcome.get("name", doc.get("collection_name", "test")) == \
        doc.get("collection_name", "test") and \
        _sorted(outcome["data"]) == _sorted(doc.get("data") or [])
    if not unchanged:
        pytest.skip(f"{target} holds no data, so the expected collection "
                    f"{outcome.get('name', 'test')!r} cannot be shown, and the test server "
                    f"does not satisfy runOn {doc['runOn']} (the operation and its command "
                    f"events were checked)")
    assert server.accepted_writes == [], \
        f"the collection must be unchanged, but the peer accepted {server.accepted_writes}"


@pytest.mark.parametrize("case", _cases())
def test_crud_v2(case: Any, request: Any, server_uri: str, server_facts: Any) -> None:
    path, doc, test = case
    target = _target(doc.get("runOn"), server_facts)
    request.node.user_properties.append(("spec_target", "the wire peer" if target.on_peer
                                          else "the test server"))
    if target.on_peer:
        _run_on_peer(path, doc, test, target)
    else:
        _run_on_server(request, path, doc, test, server_uri)
