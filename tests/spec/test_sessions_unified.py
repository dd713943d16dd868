"""Driver sessions, unified format (sessions/unified): server support, dirty sessions,
the default causal consistency of implicit sessions, and snapshot reads (MongoDB 5.0).

Cases that need only session ids run on the test server (FerretDB takes them); those
with fail points, transactions or snapshot reads run on the proxy peer, which reads a
snapshot from its log of changes (:mod:`tests.support.proxy_streams`).
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from tests.spec.loader import file_cases, params, with_xfails
from tests.support.spec_targets import fast_rediscovery, server_facts
from tests.support.unified_runner import run_unified

pytestmark = pytest.mark.server

# Driver bugs: description -> (what the case then raises, case-id globs).
XFAILS: Dict[str, Tuple[type, List[str]]] = {}


def _cases() -> List[Any]:
    return with_xfails(params(file_cases(("sessions", "unified"), extended=True)), XFAILS)


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


@pytest.mark.parametrize("case", _cases())
def test_sessions_unified(case: Any, request: Any, server_uri: str, client: Any) -> None:
    run_unified(case, request, server_uri, client, server_facts(server_uri))
