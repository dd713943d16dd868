"""Real libraries built on the 3.x API, run against the bundled server like any application."""
from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/ecosystem/" in str(item.fspath) and "install_beside" not in item.nodeid:
            item.add_marker(pytest.mark.server)
