"""Test-run wiring: the real server (started once, on first use) and client fixtures."""
from __future__ import annotations

import pytest

pytest_plugins = ["tests.support.server"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/integration/" in str(item.fspath) or "/plugins/" in str(item.fspath):
            item.add_marker(pytest.mark.server)
