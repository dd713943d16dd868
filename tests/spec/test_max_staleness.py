"""maxStalenessSeconds: staleness estimates, rejected values, and the servers left.

Same shape as ``server-selection/server_selection`` plus ``heartbeatFrequencyMS``,
per-server ``lastUpdateTime`` / ``lastWrite`` / ``maxWireVersion`` and ``error: true``
when the read preference must be rejected; driven by the server selection runner.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest

from tests.spec.loader import json_files, params, spec_path
from tests.spec.test_sdam import load_extended
from tests.spec.test_server_selection import run_selection_case

AREA = "max-staleness"


def _cases() -> List[Any]:
    base = spec_path(AREA)
    items = []
    for path in json_files(AREA):
        doc = load_extended(path)
        rel = Path(path).relative_to(base).as_posix()
        items.append((f"max-staleness/{rel}::{doc.get('description', Path(path).stem)}", doc))
    return params(items)


@pytest.mark.parametrize("doc", _cases())
def test_max_staleness(doc: Dict[str, Any]) -> None:
    run_selection_case(doc)
