"""No mongofw module grows past about 600 lines: split by responsibility instead."""
from __future__ import annotations

from pathlib import Path

import pytest

MONGOFW = Path(__file__).resolve().parents[2] / "mongofw"
LIMIT = 600


def _modules():
    return sorted(MONGOFW.rglob("*.py"))


def test_the_package_is_where_the_test_looks():
    assert (MONGOFW / "core" / "pool.py").is_file()
    assert len(_modules()) > 50


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(MONGOFW)))
def test_module_is_at_most_600_lines(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{path.relative_to(MONGOFW)} has {lines} lines (limit {LIMIT})"
