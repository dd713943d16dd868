"""The convenient transactions API, unified format (transactions-convenient-api/unified):
``ClientSession.with_transaction`` retries the callback after a transient error and the
commit after an unknown commit result, and gives up after 120 seconds.

Transactions need a replica set, so every case runs on the proxy peer
(:mod:`tests.support.proxy_peer`).
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
    return with_xfails(params(file_cases(("transactions-convenient-api", "unified"),
                                         extended=True)), XFAILS)


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


@pytest.mark.parametrize("case", _cases())
def test_transactions_convenient_api(case: Any, request: Any, server_uri: str,
                                     client: Any) -> None:
    run_unified(case, request, server_uri, client, server_facts(server_uri))
