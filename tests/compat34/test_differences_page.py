"""docs/differences.md and tests/compat34 agree: every entry names a test that exists,
every test_difference_* test is on the page, and the README links to the page."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "differences.md"
HERE = Path(__file__).resolve().parent
REFERENCE = re.compile(r"`(tests/compat34/(test_\w+\.py)::(test_\w+))`")


def _test_names(path: Path) -> set:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def test_every_referenced_test_exists():
    references = REFERENCE.findall(_page())
    assert references
    missing = [ref for ref, module, name in references
               if not (HERE / module).exists() or name not in _test_names(HERE / module)]
    assert missing == []


def test_every_numbered_entry_names_a_test():
    entries = re.split(r"\n(?=\d+\. \*\*)", _page())[1:]
    assert len(entries) >= 40
    assert [entry.split("\n")[0] for entry in entries if not REFERENCE.search(entry)] == []


def test_every_difference_test_is_on_the_page():
    referenced = {(module, name) for _ref, module, name in REFERENCE.findall(_page())}
    unlisted = [(path.name, name) for path in sorted(HERE.glob("test_*.py"))
                for name in sorted(_test_names(path))
                if name.startswith("test_difference_") and (path.name, name) not in referenced]
    assert unlisted == []


def test_readme_links_to_the_page():
    assert "(docs/differences.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
