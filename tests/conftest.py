"""Test-run wiring: the real server (started once, on first use), client fixtures, and the
folders that need the shared data beside the checkout."""
from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from tests.support.shared import NEEDS, SHARED, SHARED_ENV

pytest_plugins = ["tests.support.server"]

_TESTS = Path(__file__).resolve().parent
# Folder name -> the data it would have read, for the one line at the end of the run.
_LEFT_OUT: Dict[str, Path] = {}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config):
    """Leave out tests/spec and tests/reference when their data is not there."""
    path = Path(collection_path)
    if path.parent != _TESTS or path.name not in NEEDS:
        return None
    data, _variable = NEEDS[path.name]
    if data.is_dir():
        return None
    _LEFT_OUT[path.name] = data
    return True


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/integration/" in str(item.fspath) or "/plugins/" in str(item.fspath):
            item.add_marker(pytest.mark.server)


def pytest_terminal_summary(terminalreporter):
    if not _LEFT_OUT:
        return
    folders = " and ".join(f"tests/{name}" for name in sorted(_LEFT_OUT))
    missing = ", ".join(str(data) for data in _LEFT_OUT.values())
    variables = " / ".join(NEEDS[name][1] for name in sorted(_LEFT_OUT))
    terminalreporter.write_line(
        f"NOT RUN: {folders}: shared test data not found ({missing}); set {SHARED_ENV} to "
        f"the folder holding specs/ and api/ (now {SHARED}), or {variables}")
