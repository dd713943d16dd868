"""Driver sessions, legacy format (sessions/legacy): explicit and implicit sessions carry an
``lsid``, ids go back to the pool and are reused, and a session that saw a network error
is "dirty" and not reused.

``server-support.json`` asks only for MongoDB 3.6: FerretDB takes session ids, so it runs
there.  The dirty-session cases need a replica set and a fail point that closes the
connection: they run on the proxy peer (:mod:`tests.support.spec_targets`).
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from tests.spec.loader import file_cases, params, with_xfails
from tests.support.legacy_runner import Case, run_case
from tests.support.legacy_special import run_special
from tests.support.spec_targets import choose, fast_rediscovery, server_facts

pytestmark = pytest.mark.server

# Driver bugs: description -> (what the case then raises, case-id globs).
XFAILS: Dict[str, Tuple[type, List[str]]] = {}


def _cases() -> List[Any]:
    return with_xfails(params(file_cases(("sessions", "legacy"), extended=True)), XFAILS)


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


@pytest.mark.parametrize("case", _cases())
def test_sessions_legacy(case: Any, request: Any, server_uri: str, client: Any) -> None:
    path, doc, test = case
    needs = ["fail points"] if "failPoint" in test else []
    target = choose([doc.get("runOn") or []], needs, server_facts(server_uri))
    if target is None:
        pytest.fail(f"no server for runOn {doc.get('runOn')}")
    legacy = Case(doc, test, target, server_uri, client)
    run_case(legacy, request, test["operations"], run_special)
