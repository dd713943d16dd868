"""Every code example of the README and of docs/ runs, against the bundled server.

Each fenced block is taken from the page as it is: a Python block runs as a script of its
own (with the project's environment), a shell block's commands run one by one with that
environment's ``python`` first on ``PATH``, a TOML block must parse.  The only change is
the server's address: examples say ``127.0.0.1:27017``, the test server listens elsewhere.
A block that deliberately cannot run carries a marker on the line before it,
``<!-- example: not run: <why, and what tests it instead> -->``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from pymongo.uri_parser import parse_uri
from tests.docs.blocks import Block, blocks

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

ROOT = Path(__file__).resolve().parents[2]
DOC_ADDRESS = "127.0.0.1:27017"
# Pages whose examples another test runs: path -> that test.
RUN_ELSEWHERE = {
    "docs/guides/writing-a-plugin.md": "tests/docs/test_plugin_guide.py follows the whole "
                                      "page in a fresh environment where the plugin is "
                                      "installed",
}
# Block languages that are not code (diagrams, plain text).
NOT_CODE = {"", "text"}


def pages() -> List[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [page for page in found if "_build" not in page.parts
            and page.relative_to(ROOT).as_posix() not in RUN_ELSEWHERE]


def examples() -> List[Block]:
    return [block for page in pages() for block in blocks(page) if block.lang not in NOT_CODE]


def _id(block: Block) -> str:
    return f"{block.path.relative_to(ROOT).as_posix()}:{block.line}"


def _environment() -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.mark.parametrize("block", [b for b in examples() if b.not_run is None], ids=_id)
def test_example_runs(block: Block, server_uri, tmp_path):
    host, port = parse_uri(server_uri)["nodelist"][0]
    code = block.code.replace(DOC_ADDRESS, f"{host}:{port}")
    if block.lang == "toml":
        if tomllib is None:
            pytest.skip("tomllib is Python 3.11+")
        tomllib.loads(code)
        return
    if block.lang == "python":
        commands = [[sys.executable, "-c", code]]
    elif block.lang == "sh":
        commands = [["bash", "-c", line] for line in code.splitlines() if line.strip()]
    else:
        raise AssertionError(f"{_id(block)}: no rule for running a {block.lang!r} block")
    for command in commands:
        done = subprocess.run(command, cwd=tmp_path, env=_environment(), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"{_id(block)}:\n{done.stdout}\n{done.stderr}"


def test_every_example_not_run_says_why():
    """A not-run marker names a reason (and so, where there is one, the test that covers it)."""
    for block in examples():
        if block.not_run is not None:
            assert len(block.not_run.split()) >= 4, f"{_id(block)}: {block.not_run!r}"


def test_the_pages_have_examples():
    """The extraction finds the blocks (a broken parser would make every test above pass)."""
    found = examples()
    assert sum(b.lang == "python" and b.not_run is None for b in found) >= 8, found
    assert any(b.path.name == "README.md" for b in found)
