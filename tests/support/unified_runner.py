"""A small interpreter of the unified test format, for the files of sessions/unified,
transactions-convenient-api/unified and change-streams/unified.

It implements what those files use: client, database, collection and session entities
(change streams and saved values come from ``saveResultAsEntity``), the operations of
:mod:`tests.support.unified_operations`, the test-runner operations below, and the
matching rules of :mod:`tests.support.unified_matching`.  A test runs where
:func:`tests.support.spec_targets.choose` puts it; its initial data and outcome go
through a client of the test server itself.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

import pytest

from mongofw.client.change_stream import ChangeStream
from mongofw.errors import OperationFailure, PyMongoError
from mongofw.monitoring.events import CommandFailedEvent, CommandStartedEvent
from pymongo import MongoClient
from tests.support import unified_operations as ops
from tests.support.legacy_special import run_special
from tests.support.listeners import RecordingListener
from tests.support.spec_targets import (
    Target,
    choose,
    client_uri,
    configure_fail_point,
    disable_fail_points,
    proxy_for,
)
from tests.support.unified_matching import Matcher, check_error, check_events

_OBSERVABLE = {"commandStartedEvent": CommandStartedEvent,
               "commandFailedEvent": CommandFailedEvent}
# Errors an operation may raise for the test to examine (anything else is a runner fault).
_OPERATION_ERRORS = (PyMongoError, ValueError, TypeError)


def walk(operations: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """Every operation, those of withTransaction callbacks included."""
    out: List[Mapping[str, Any]] = []
    for operation in operations:
        out.append(operation)
        if operation["name"] == "withTransaction":
            out.extend(walk(operation["arguments"]["callback"]))
    return out


def needs_of(doc: Mapping[str, Any], test: Mapping[str, Any]) -> List[str]:
    """The server features (names of the gaps list) a test needs."""
    names = {op["name"] for op in walk(test["operations"])}
    needs = []
    if "failPoint" in names:
        needs.append("fail points")
    if names & {"startTransaction", "withTransaction"}:
        needs.append("transactions")
    if "createChangeStream" in names:
        needs.append("change streams")
    sessions = [e["session"] for e in doc.get("createEntities", []) if "session" in e]
    if any((s.get("sessionOptions") or {}).get("snapshot") for s in sessions):
        needs.append("snapshot reads")
    return needs


class ClientEntity:
    """A client entity: the MongoClient and the events it is asked to observe."""

    def __init__(self, client: Any, listener: RecordingListener, spec: Mapping[str, Any]
                 ) -> None:
        self.client, self.listener = client, listener
        self.observe = tuple(_OBSERVABLE[name] for name in spec.get("observeEvents", ())
                             if name in _OBSERVABLE)
        self.ignore = set(spec.get("ignoreCommandMonitoringEvents", ())) | {
            "configureFailPoint", "endSessions"}

    def observed(self) -> List[Any]:
        return [e for e in self.listener.events if isinstance(e, self.observe)
                and e.command_name not in self.ignore]

    def started(self) -> List[Any]:
        return [e for e in self.listener.events if isinstance(e, CommandStartedEvent)
                and e.command_name not in self.ignore]


class UnifiedTest:
    """One test of a unified-format file."""

    def __init__(self, doc: Mapping[str, Any], test: Mapping[str, Any], target: Target,
                 server_uri: str, setup: Any, gap_for: Any) -> None:
        self.doc, self.test, self.target = doc, test, target
        self.server_uri, self.setup, self.gap_for = server_uri, setup, gap_for
        self.entities: Dict[str, Any] = {}
        self.clients: Dict[str, ClientEntity] = {}
        self.lsids: Dict[str, Any] = {}
        self.matcher = Matcher(self.entities, self.lsids)
        self.proxy: Any = None
        self.fail_points: List[str] = []
        self.gap: Optional[str] = None

    # ------------------------------------------------------------ entities

    def create_entities(self, specs: Sequence[Mapping[str, Any]]) -> None:
        for spec in specs:
            (kind, body), = spec.items()
            ident = body["id"]
            assert ident not in self.entities, f"entity {ident} defined twice"
            if kind == "client":
                options = dict(body.get("uriOptions") or {})
                options.setdefault("serverSelectionTimeoutMS", 10000)
                listener = RecordingListener()
                client = MongoClient(client_uri(self.target, self.proxy, self.server_uri),
                                     event_listeners=[listener], **options)
                self.clients[ident] = ClientEntity(client, listener, body)
                self.entities[ident] = client
            elif kind == "database":
                client = self.entities[body["client"]]
                self.entities[ident] = client.get_database(
                    body["databaseName"], **ops.transaction_options(
                        body.get("databaseOptions") or {}))
            elif kind == "collection":
                database = self.entities[body["database"]]
                self.entities[ident] = database.get_collection(
                    body["collectionName"], **ops.transaction_options(
                        body.get("collectionOptions") or {}))
            elif kind == "session":
                self.entities[ident] = self._session(body)
                self.lsids[ident] = self.entities[ident].session_id
            else:
                raise ops.Unsupported(f"{kind} entities")

    def _session(self, body: Mapping[str, Any]) -> Any:
        from pymongo.client_session import TransactionOptions

        options = dict(body.get("sessionOptions") or {})
        kwargs: Dict[str, Any] = {}
        if "causalConsistency" in options:
            kwargs["causal_consistency"] = options.pop("causalConsistency")
        if "snapshot" in options:
            kwargs["snapshot"] = options.pop("snapshot")
        if "defaultTransactionOptions" in options:
            kwargs["default_transaction_options"] = TransactionOptions(
                **ops.transaction_options(options.pop("defaultTransactionOptions")))
        if options:
            raise ops.Unsupported(f"session options {sorted(options)}")
        return self.entities[body["client"]].start_session(**kwargs)

    # ------------------------------------------------------------ operations

    def _arguments(self, operation: Mapping[str, Any]) -> Dict[str, Any]:
        args = dict(operation.get("arguments") or {})
        if "session" in args:
            args["session"] = self.entities[args["session"]]
        return args

    def _call(self, operation: Mapping[str, Any]) -> Any:
        name, target = operation["name"], operation["object"]
        args = self._arguments(operation)
        if target == "testRunner":
            return self._special(name, args)
        entity = self.entities[target]
        if target in self.clients:
            return ops.client_operation(entity, name, args)
        kind = type(entity).__name__
        if kind == "Database":
            return ops.database_operation(entity, name, args)
        if kind == "Collection":
            return ops.collection_operation(entity, name, args)
        if kind == "ClientSession":
            return ops.session_operation(entity, name, args, self._callback)
        if name == "iterateUntilDocumentOrError" and isinstance(entity, ChangeStream):
            return ops.iterate(entity)
        raise ops.Unsupported(f"{name} on {kind}")

    def execute(self, operation: Mapping[str, Any], in_callback: bool = False) -> None:
        where = f"{operation['name']} on {operation['object']}"
        try:
            result, error = self._call(operation), None
        except ops.Unsupported:
            raise
        except _OPERATION_ERRORS as exc:
            result, error = None, exc
        if error is not None and "expectError" not in operation and self.gap is None:
            self.gap = self.gap_for(operation, error)
            if self.gap is not None:
                raise _Stop()
        if operation.get("ignoreResultAndError"):
            if in_callback and error is not None:
                raise error
            return
        if "expectError" in operation:
            assert error is not None, f"{where}: expected an error, got {result!r}"
            check_error(operation["expectError"], error, self.matcher, where)
            if in_callback:
                raise error
            return
        if error is not None:
            raise AssertionError(f"{where} raised {error!r}") from error
        if "expectResult" in operation:
            expected = operation["expectResult"]
            if operation["name"] in ("find", "aggregate") and isinstance(expected, list):
                self.matcher.match_each_root(expected, result, where)
            else:
                self.matcher.match(expected, result, where)
        if "saveResultAsEntity" in operation:
            self.entities[operation["saveResultAsEntity"]] = result

    def _callback(self, operations: Sequence[Mapping[str, Any]]) -> None:
        for operation in operations:
            self.execute(operation, in_callback=True)

    def _special(self, name: str, args: Mapping[str, Any]) -> Any:
        if name == "failPoint":
            configure_fail_point(self.proxy, self.setup, args["failPoint"])
            self.fail_points.append(args["failPoint"]["configureFailPoint"])
            return None
        if name == "createEntities":
            return self.create_entities(args["entities"])
        if name in ("assertSameLsidOnLastTwoCommands", "assertDifferentLsidOnLastTwoCommands"):
            return run_special(_Started(self.clients[args["client"]]), name, args)
        if name in ("assertSessionDirty", "assertSessionNotDirty",
                    "assertSessionTransactionState"):
            return run_special(_Sessions(args["session"]), name,
                               {**args, "session": "session"})
        raise ops.Unsupported(f"test-runner operation {name}")

    # ------------------------------------------------------------ the whole test

    def prepare(self) -> None:
        for data in self.doc.get("initialData") or []:
            database = self.setup[data["databaseName"]]
            database.drop_collection(data["collectionName"])
            if data["documents"]:
                database[data["collectionName"]].insert_many(
                    [dict(d) for d in data["documents"]])
            else:
                database.create_collection(data["collectionName"])

    def run(self, request: Any) -> None:
        request.node.user_properties.append(("spec_target", self.target.label))
        self.prepare()
        with proxy_for(self.target, self.server_uri) as proxy:
            self.proxy = proxy
            try:
                self.create_entities(self.doc.get("createEntities") or [])
                try:
                    for operation in self.test["operations"]:
                        self.execute(operation)
                except _Stop:
                    pass
                if self.fail_points:
                    disable_fail_points(proxy, self.setup, self.fail_points)
                if self.gap is None:
                    for expected in self.test.get("expectEvents") or []:
                        check_events(expected, self.clients[expected["client"]].observed(),
                                     self.matcher)
            finally:
                self.close()
            if proxy is not None:
                assert not proxy.problems, f"the proxy peer failed: {proxy.problems}"
        if self.gap is not None:
            pytest.skip(self.gap)
        for data in self.test.get("outcome") or []:
            stored = list(self.setup[data["databaseName"]][data["collectionName"]].find(
                sort=[("_id", 1)]))
            assert stored == data["documents"], \
                f"{data['collectionName']}: {stored}, expected {data['documents']}"

    def close(self) -> None:
        for value in list(self.entities.values()):
            kind = type(value).__name__
            if kind == "ClientSession":
                try:
                    value.end_session()
                except PyMongoError:
                    pass
            elif isinstance(value, ChangeStream):
                value.close()
        for entity in self.clients.values():
            entity.client.close()


class _Stop(Exception):
    """A FerretDB gap stopped the test (it is then skipped with the gap's reason)."""


class _Started:
    """What run_special reads for the lsid assertions: the client's started commands."""

    def __init__(self, entity: ClientEntity) -> None:
        self._entity = entity

    def started(self) -> List[Any]:
        return self._entity.started()


class _Sessions:
    """What run_special reads for the session assertions: one session named "session"."""

    def __init__(self, session: Any) -> None:
        self.sessions = {"session": session}


def run_unified(case: Any, request: Any, server_uri: str, setup: Any, facts: Mapping[str, Any],
                gap_for: Any = lambda operation, error: None) -> None:
    path, doc, test = case
    requirements = [doc.get("runOnRequirements") or [], test.get("runOnRequirements") or []]
    target = choose(requirements, needs_of(doc, test), facts)
    if target is None:
        pytest.fail(f"no server for {requirements}")
    UnifiedTest(doc, test, target, server_uri, setup, gap_for).run(request)


def ferretdb_gap(gap_errors: Mapping[str, str]) -> Any:
    """A ``gap_for`` hook: the FerretDB gap whose refusal an error carries, as a reason."""
    from tests.support.server_gaps import GAPS

    def gap_for(operation: Mapping[str, Any], error: BaseException) -> Optional[str]:
        if not isinstance(error, OperationFailure):
            return None
        for gap, words in gap_errors.items():
            if words in str(error):
                return f"FerretDB 1.24: {GAPS[gap]} (the operations before it were checked)"
        return None

    return gap_for
