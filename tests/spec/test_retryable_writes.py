"""Retryable writes, legacy format (retryable-writes/legacy): which writes are sent again
after a network error or a retryable server error, with the same ``txnNumber``, and what
the collection holds afterwards.

Every file asks for a replica set (or sharded cluster), and almost every case for a fail
point (``failCommand``, or ``onPrimaryTransactionalWrite``, which fires per statement of
a retryable write): they run on the proxy peer in front of the test server
(:mod:`tests.support.spec_targets`).  A bulk write that fails keeps no partial result
in the 3.x API (a network error raises AutoReconnect alone), so an ``error`` outcome is
checked by its error labels and the collection.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

import pytest

from tests.spec.loader import file_cases, params, with_xfails
from tests.support.legacy_runner import Case, run_case
from tests.support.spec_targets import choose, fast_rediscovery, server_facts

pytestmark = pytest.mark.server

# Driver bugs: description -> (what the case then raises, case-id globs).
XFAILS: Dict[str, Tuple[type, List[str]]] = {}


def _cases() -> List[Any]:
    return with_xfails(params(file_cases(("retryable-writes", "legacy"), extended=True)),
                       XFAILS)


def _no_special(case: Case, name: str, args: Mapping[str, Any]) -> Any:
    raise AssertionError(f"retryable-writes files use no test-runner operation ({name})")


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


@pytest.mark.parametrize("case", _cases())
def test_retryable_writes(case: Any, request: Any, server_uri: str, client: Any) -> None:
    path, doc, test = case
    needs = ["retryable writes"] + (["fail points"] if "failPoint" in test else [])
    target = choose([doc.get("runOn") or []], needs, server_facts(server_uri))
    if target is None:
        pytest.fail(f"no server for runOn {doc.get('runOn')}")
    operation = dict(test["operation"])
    outcome = test.get("outcome") or {}
    if "result" in outcome:
        operation["result"] = outcome["result"]
    if outcome.get("error"):
        operation["error"] = True
    legacy = Case(doc, test, target, server_uri, client, default_db="retryable-writes-tests")
    legacy.coll_name = "coll"
    run_case(legacy, request, [operation], _no_special, with_sessions=False)
