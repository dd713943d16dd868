"""The documentation site builds without a warning, and describes every public name.

The build is ``scripts/docs``'s (``-W -n --keep-going``), into a temporary folder; the
names come from the one list the reference pages are made from
(``docs/_ext/mongofw_api.py``), so a name added to a documented module without appearing
in the site fails here.
"""
from __future__ import annotations

import posixpath
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import mongofw_api  # noqa: E402

pytest.importorskip("sphinx", reason="the test extra installs Sphinx (scripts/bootstrap)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n",
                           "--keep-going", "-E", "-q", str(ROOT / "docs"), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"the docs build failed:\n{done.stdout}\n{done.stderr}"
    assert not done.stderr.strip(), done.stderr
    return out


def _inventory(site: Path) -> set:
    from sphinx.util.inventory import InventoryFile

    with open(site / "objects.inv", "rb") as handle:
        inventory = InventoryFile.load(handle, "", posixpath.join)
    return {name for kind, entries in inventory.items() if kind.startswith("py:")
            for name in entries}


def test_every_public_name_is_in_the_site(site):
    described = _inventory(site)
    expected = {f"{module}.{name}" for module in mongofw_api.DOCUMENTED_MODULES
                for name in mongofw_api.public_names(module)}
    expected |= {name for name, _ in mongofw_api.public_callables()}
    assert sorted(expected - described) == []


def test_the_guides_and_pages_are_there(site):
    for page in ("guides/writing-a-plugin", "guides/observability",
                 "guides/moving-an-application", "architecture", "differences",
                 "test-server", "api/pymongo.collection", "api/mongofw.hookspecs"):
        assert (site / f"{page}.html").is_file(), page
