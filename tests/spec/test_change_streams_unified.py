"""Change streams, unified format (change-streams/unified): the aggregation ``watch()``
sends, the changes it returns, errors, and resuming after errors (by code before MongoDB
4.4, by the ResumableChangeStreamError label after).

FerretDB 1.24 has no ``$changeStream``: every case runs on the proxy peer, which answers
change streams from the writes it forwarded (:mod:`tests.support.proxy_streams`).
Options that are newer than the 3.x ``watch()`` are in the skip list.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from tests.spec.loader import file_cases, params, with_xfails
from tests.support.spec_targets import fast_rediscovery, server_facts
from tests.support.unified_runner import ferretdb_gap, run_unified

pytestmark = pytest.mark.server

# Driver bugs: description -> (what the case then raises, case-id globs).
XFAILS: Dict[str, Tuple[type, List[str]]] = {}
# FerretDB gaps an operation may run into (behind the proxy): gap -> part of its refusal.
_GAP_ERRORS = {"update pipelines": "BSON field 'update.updates.u' is the wrong type 'array'"}


def _cases() -> List[Any]:
    return with_xfails(params(file_cases(("change-streams", "unified"), extended=True)),
                       XFAILS)


@pytest.fixture(autouse=True)
def _fast_rediscovery(monkeypatch: Any) -> None:
    fast_rediscovery(monkeypatch)


@pytest.mark.parametrize("case", _cases())
def test_change_streams_unified(case: Any, request: Any, server_uri: str, client: Any) -> None:
    run_unified(case, request, server_uri, client, server_facts(server_uri),
                gap_for=ferretdb_gap(_GAP_ERRORS))
