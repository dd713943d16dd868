"""Transactions, legacy format (transactions/legacy): start, commit and abort, what each
command of a transaction carries, errors and their labels, and the collection after.

FerretDB 1.24 is a standalone without transactions, so every case runs on the proxy
peer (:mod:`tests.support.proxy_peer`), which plays the replica-set primary of the
newest release the file's ``runOn`` allows and keeps each transaction in scratch copies
of the collections it touches until it commits.  Files that run only on a sharded
cluster run on the proxy as two mongoses (one when a case does not say
``useMultipleMongoses``), sharing one backend and the transactions.
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
    return with_xfails(params(file_cases(("transactions", "legacy"), extended=True)), XFAILS)


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


@pytest.mark.parametrize("case", _cases())
def test_transactions(case: Any, request: Any, server_uri: str, client: Any) -> None:
    path, doc, test = case
    needs = ["transactions"] + (["fail points"] if "failPoint" in test else [])
    target = choose([doc.get("runOn") or []], needs, server_facts(server_uri), sharded=True)
    if target is None:
        pytest.fail(f"no server for runOn {doc.get('runOn')}")
    legacy = Case(doc, test, target, server_uri, client)
    run_case(legacy, request, test["operations"], run_special, create=True)
