"""Retryable reads, legacy format (retryable-reads/legacy): which reads are sent once more
after a network error or a retryable server error, and the commands sent.

A case without a fail point runs on the test server itself when the server satisfies the
file's ``runOn`` (FerretDB: MongoDB 7.0, standalone); cases with a fail point, and the
change stream cases, run on the proxy peer (:mod:`tests.support.spec_targets`).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest

from mongofw.errors import ConnectionFailure, OperationFailure
from tests.spec.loader import file_cases, params, with_xfails
from tests.support.legacy_runner import Case, run_case
from tests.support.server_gaps import GAPS
from tests.support.spec_targets import choose, fast_rediscovery, server_facts

pytestmark = pytest.mark.server

# Driver bugs: description -> (what the case then raises, case-id globs).
XFAILS: Dict[str, Tuple[type, List[str]]] = {}

# FerretDB gaps an operation runs into: (operation, part of FerretDB's refusal) -> gap.
# A mapReduce's JavaScript functions make FerretDB close the connection.
_GAP_ERRORS = {("mapReduce", "connection closed"): "javascript values",
               ("aggregate", '"$merge" is not implemented yet'): "aggregate $merge"}


def _cases() -> List[Any]:
    return with_xfails(params(file_cases(("retryable-reads", "legacy"), extended=True)),
                       XFAILS)


def _needs(test: Mapping[str, Any]) -> List[str]:
    needs = ["fail points"] if "failPoint" in test else []
    if any(op["name"] == "watch" for op in test["operations"]):
        needs.append("change streams")
    return needs


def _gap_for(operation: Mapping[str, Any], result: Any) -> Optional[str]:
    """FerretDB refused the operation for a known gap (on the server or behind the proxy)."""
    if not isinstance(result, (OperationFailure, ConnectionFailure)) or operation.get("error"):
        return None
    for (name, words), gap in _GAP_ERRORS.items():
        if operation["name"] == name and words in str(result):
            return f"FerretDB 1.24: {GAPS[gap]}"
    return None


def _no_special(case: Case, name: str, args: Mapping[str, Any]) -> Any:
    raise AssertionError(f"retryable-reads files use no test-runner operation ({name})")


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


@pytest.mark.parametrize("case", _cases())
def test_retryable_reads(case: Any, request: Any, server_uri: str, client: Any) -> None:
    path, doc, test = case
    target = choose([doc.get("runOn") or []], _needs(test), server_facts(server_uri))
    if target is None:
        pytest.fail(f"no server for runOn {doc.get('runOn')}")
    legacy = Case(doc, test, target, server_uri, client)
    # A change stream is closed once opened: the unified version of these files leaves
    # its killCursors out of the events, as this runner does.
    watching = any(op["name"] == "watch" for op in test["operations"])
    run_case(legacy, request, test["operations"], _no_special, with_sessions=False,
             gap_for=_gap_for, ignore=("killCursors",) if watching else ())
