"""The runner of the legacy spec format shared by transactions, sessions, retryable writes
and retryable reads (``operations`` / ``expectations`` / ``outcome``, ``failPoint``,
``clientOptions``, ``sessionOptions``), after the transactions tests' README.

:func:`run_case` sets the collection up through a client of the test server itself,
opens the proxy peer when the case runs there, starts a monitored client (and
``session0`` / ``session1``), runs the operations, ends the sessions, then checks the
command-started events (``expectations``), the collection (``outcome``), and that the
proxy met nothing it does not model.

Matching follows the README: a ``null`` field must be absent, ``lsid: "session0"`` is
that session's id, ``afterClusterTime: 42`` / ``recoveryToken: 42`` only need to be
there, ``getMore: 42`` is any cursor id; extra fields are allowed at the top level of a
command only.  Results compare as the CRUD runner compares them; a ``runCommand`` reply
only in the fields listed.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

import pytest

from mongofw.errors import BulkWriteError, OperationFailure, PyMongoError
from mongofw.monitoring.events import CommandStartedEvent
from pymongo import MongoClient
from tests.support import legacy_operations as ops
from tests.support.listeners import RecordingListener
from tests.support.spec_targets import (
    Target,
    client_uri,
    configure_fail_point,
    disable_fail_points,
    proxy_for,
)

_ERROR_KEYS = ("errorContains", "errorCodeName", "errorLabelsContain", "errorLabelsOmit")
_SESSIONS = ("session0", "session1")


class Case:
    """One test of a file: the file's names and data, the test, where it runs."""

    def __init__(self, doc: Mapping[str, Any], test: Mapping[str, Any], target: Target,
                 server_uri: str, setup: Any, default_db: str = "test-db") -> None:
        self.doc, self.test, self.target = doc, test, target
        self.server_uri, self.setup = server_uri, setup
        self.db_name = doc.get("database_name") or default_db
        self.coll_name = doc.get("collection_name") or "test"
        self.listener = RecordingListener()
        self.proxy: Any = None
        self.client: Any = None
        self.sessions: Dict[str, Any] = {}
        self.lsids: Dict[str, Any] = {}
        self.gap: Optional[str] = None   # a FerretDB gap that stopped an operation

    # ------------------------------------------------------------ set-up

    def prepare(self, create: bool) -> None:
        """Drop and fill the collection(s) through the test server itself."""
        database = self.setup[self.db_name]
        data = self.doc.get("data")
        if isinstance(data, Mapping):  # GridFS files: collection name -> documents
            for name, documents in data.items():
                database.drop_collection(name)
                if documents:
                    database[name].insert_many([dict(d) for d in documents])
            return
        database.drop_collection(self.coll_name)
        if create:
            database.create_collection(self.coll_name)
        if data:
            database[self.coll_name].insert_many([dict(d) for d in data])

    def open_client(self) -> Any:
        options = dict(self.test.get("clientOptions") or {})
        options.setdefault("serverSelectionTimeoutMS", 10000)
        uri = client_uri(self.target, self.proxy, self.server_uri)
        self.client = MongoClient(uri, event_listeners=[self.listener], **options)
        return self.client

    def start_sessions(self) -> None:
        from pymongo.client_session import TransactionOptions

        for name in _SESSIONS:
            options = dict((self.test.get("sessionOptions") or {}).get(name) or {})
            kwargs: Dict[str, Any] = {}
            if "causalConsistency" in options:
                kwargs["causal_consistency"] = options["causalConsistency"]
            if "defaultTransactionOptions" in options:
                kwargs["default_transaction_options"] = TransactionOptions(
                    **ops.concern_options(options["defaultTransactionOptions"]))
            session = self.client.start_session(**kwargs)
            self.sessions[name] = session
            self.lsids[name] = session.session_id

    # ------------------------------------------------------------ operations

    def collection(self, operation: Mapping[str, Any]) -> Any:
        database = self.client.get_database(
            self.db_name, **ops.concern_options(operation.get("databaseOptions")))
        return database.get_collection(
            self.coll_name, **ops.concern_options(operation.get("collectionOptions")))

    def execute(self, operation: Mapping[str, Any],
                special: Callable[[str, Mapping[str, Any]], Any]) -> Any:
        """Run one operation; return its result or the exception it raised."""
        name, target = operation["name"], operation.get("object", "collection")
        args = dict(operation.get("arguments") or {})
        if target == "testRunner":
            return special(name, args)
        session = self.sessions.get(args.pop("session", None))
        try:
            if target in self.sessions:
                return ops.session_operation(self.sessions[target], name, args)
            if target == "collection":
                return ops.collection_operation(self.collection(operation), name, args, session)
            if target == "database":
                database = self.client.get_database(
                    self.db_name, **ops.concern_options(operation.get("databaseOptions")))
                return ops.database_operation(database, name, args, session,
                                              operation.get("command_name"))
            if target == "client":
                return ops.client_operation(self.client, name, args, session)
            if target == "gridfsbucket":
                import gridfs

                bucket = gridfs.GridFSBucket(self.client[self.db_name],
                                             self.doc.get("bucket_name", "fs"))
                return ops.bucket_operation(bucket, name, args)
        except (PyMongoError, ValueError, TypeError) as exc:
            return exc
        raise AssertionError(f"unknown object {target!r}")

    def end_sessions(self) -> None:
        for session in self.sessions.values():
            session.end_session()

    # ------------------------------------------------------------ checks

    def started(self, ignore: Sequence[str] = ()) -> List[Any]:
        return [e for e in self.listener.events if isinstance(e, CommandStartedEvent)
                and e.command_name not in ("endSessions", *ignore)]

    def check_expectations(self, expectations: List[Mapping[str, Any]],
                           ignore: Sequence[str] = ()) -> None:
        started = self.started(ignore)
        assert len(started) == len(expectations), \
            f"expected {len(expectations)} commands, got " \
            f"{[(e.command_name, dict(e.command)) for e in started]}"
        for number, (expectation, event) in enumerate(zip(expectations, started)):
            expected = expectation["command_started_event"]
            where = f"command {number} ({event.command_name})"
            match_command(expected["command"], event.command, where, self.lsids)
            for key, attribute in (("command_name", "command_name"),
                                   ("database_name", "database_name")):
                if key in expected:
                    assert getattr(event, attribute) == expected[key], \
                        f"{where}: {key} {getattr(event, attribute)!r}, " \
                        f"expected {expected[key]!r}"

    def check_collection(self, outcome: Optional[Mapping[str, Any]]) -> None:
        if not outcome or "collection" not in outcome:
            return
        expected = outcome["collection"]
        name = expected.get("name", self.coll_name)
        stored = list(self.setup[self.db_name][name].find(sort=[("_id", 1)]))
        assert stored == sorted(expected["data"], key=lambda d: d["_id"]), \
            f"collection {name}: {stored}, expected {expected['data']}"

    def check_proxy(self) -> None:
        if self.proxy is not None:
            assert not self.proxy.problems, f"the proxy peer failed: {self.proxy.problems}"


# ---------------------------------------------------------------- results and errors


def check_result(operation: Mapping[str, Any], result: Any, expect_error: bool = False) -> None:
    """The operation's outcome is what ``result`` / ``error`` say."""
    expected = operation.get("result")
    error_doc = isinstance(expected, Mapping) and any(k in expected for k in _ERROR_KEYS)
    name = operation["name"]
    if expect_error or operation.get("error") or error_doc:
        assert isinstance(result, Exception), f"{name}: expected an error, got {result!r}"
        if error_doc:
            check_error(expected, result, name)
        return
    if isinstance(result, Exception):
        raise AssertionError(f"{name} raised {result!r}") from result
    if "result" in operation:
        match_result(expected, result, name)


def error_text(error: BaseException) -> str:
    """An error's message; a BulkWriteError's says only "batch op errors occurred" in the
    3.x API, its write errors' messages are in its details."""
    if isinstance(error, BulkWriteError):
        return f"{error} {error.details}"
    return str(error)


def check_error(expected: Mapping[str, Any], error: BaseException, name: str) -> None:
    if "errorContains" in expected:
        assert expected["errorContains"].lower() in error_text(error).lower(), \
            f"{name}: {expected['errorContains']!r} not in {error_text(error)!r}"
    if "errorCodeName" in expected:
        details = getattr(error, "details", None) or {}
        assert isinstance(error, OperationFailure) and \
            details.get("codeName") == expected["errorCodeName"], \
            f"{name}: expected code name {expected['errorCodeName']}, got {error!r} {details}"
    for label in expected.get("errorLabelsContain", ()):
        assert error.has_error_label(label), f"{name}: {error!r} lacks label {label}"
    for label in expected.get("errorLabelsOmit", ()):
        assert not error.has_error_label(label), f"{name}: {error!r} has label {label}"


def match_result(expected: Any, actual: Any, name: str) -> None:
    if isinstance(actual, ops.Fields):
        for key, value in expected.items():
            assert key in actual, f"{name}: {key} missing from {actual!r}"
            assert actual[key] == value, \
                f"{name}: {key} expected {value!r}, got {actual[key]!r}"
        return
    if name == "runCommand":
        for key, value in expected.items():
            assert actual.get(key) == value, f"{name}: {key} {actual.get(key)!r} != {value!r}"
        return
    assert actual == expected, f"{name}: expected {expected!r}, got {actual!r}"


# ---------------------------------------------------------------- command documents


def match_command(expected: Mapping[str, Any], actual: Mapping[str, Any], where: str,
                  lsids: Mapping[str, Any]) -> None:
    for key, value in expected.items():
        if value is None:
            assert key not in actual, f"{where}: {key} should be absent, got {actual[key]!r}"
            continue
        assert key in actual, f"{where}: {key} missing from {dict(actual)}"
        if key == "updates" and isinstance(actual[key], list):
            actual = dict(actual)
            actual[key] = [_without_defaults(s) for s in actual[key]]
        if key == "lsid" and isinstance(value, str):
            assert actual[key] == lsids[value], f"{where}: lsid is not {value}'s"
            continue
        if key in ("getMore", "recoveryToken") and value == 42:
            continue
        if key == "readConcern" and isinstance(value, Mapping) and \
                value.get("afterClusterTime") == 42:
            assert "afterClusterTime" in actual[key], f"{where}: no afterClusterTime"
            value = {k: v for k, v in value.items() if k != "afterClusterTime"}
            actual_rc = {k: v for k, v in actual[key].items() if k != "afterClusterTime"}
            match_value(value, actual_rc, f"{where}.readConcern")
            continue
        match_value(value, actual[key], f"{where}.{key}")


def _without_defaults(statement: Any) -> Any:
    """An update statement may spell out its defaults (``upsert: false``, ``multi: false``),
    as the CRUD v2 runner allows."""
    if not isinstance(statement, Mapping):
        return statement
    return {k: v for k, v in statement.items()
            if not (k in ("upsert", "multi") and v is False)}


def match_value(expected: Any, actual: Any, where: str) -> None:
    """Exact below the top level: the same keys, values and (numbers aside) types."""
    if isinstance(expected, Mapping):
        assert isinstance(actual, Mapping), f"{where}: expected a document, got {actual!r}"
        assert set(actual) == {k for k, v in expected.items() if v is not None}, \
            f"{where}: expected {dict(expected)}, got {dict(actual)}"
        for key, value in expected.items():
            if value is not None:
                match_value(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), \
            f"{where}: expected {expected!r}, got {actual!r}"
        for index, (exp, act) in enumerate(zip(expected, actual)):
            match_value(exp, act, f"{where}[{index}]")
    elif isinstance(expected, bool) or isinstance(actual, bool):
        assert actual is expected, f"{where}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, (int, float)):
        assert isinstance(actual, (int, float)) and actual == expected, \
            f"{where}: expected {expected!r}, got {actual!r}"
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


# ---------------------------------------------------------------- one case


def run_case(case: Case, request: Any, operations: List[Mapping[str, Any]],
             special: Callable[[Case, str, Mapping[str, Any]], Any],
             create: bool = False, with_sessions: bool = True,
             gap_for: Callable[[Mapping[str, Any], Any], Optional[str]] = lambda o, r: None,
             expect_error: Callable[[Mapping[str, Any]], bool] = lambda o: False,
             ignore: Sequence[str] = ()) -> None:
    """The whole life of one legacy case (see the module docstring)."""
    request.node.user_properties.append(("spec_target", case.target.label))
    case.prepare(create)
    fail_point = case.test.get("failPoint")
    routers = 2 if case.test.get("useMultipleMongoses") else 1
    with proxy_for(case.target, case.server_uri, routers) as proxy:
        case.proxy = proxy
        if fail_point:
            configure_fail_point(proxy, case.setup, fail_point)
        try:
            with case.open_client():
                if with_sessions:
                    case.start_sessions()
                for operation in operations:
                    result = case.execute(operation, lambda n, a: special(case, n, a))
                    gap = gap_for(operation, result)
                    if gap is not None:
                        case.gap = gap
                        break
                    check_result(operation, result, expect_error(operation))
                case.end_sessions()
                if case.gap is None and "expectations" in case.test:
                    case.check_expectations(case.test["expectations"], ignore)
        finally:
            if fail_point:
                disable_fail_points(proxy, case.setup, [fail_point["configureFailPoint"]])
        case.check_proxy()
    if case.gap is not None:
        pytest.skip(case.gap)
    case.check_collection(case.test.get("outcome"))
