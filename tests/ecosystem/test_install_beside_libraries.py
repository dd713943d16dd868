"""A user's install, done for real: mongofw as the README says, then libraries on the 3.x API.

A fresh virtual environment gets mongofw and its ``pymongo`` distribution from this
checkout, ``python -m mongofw pin``, then ``pip install mongoengine==0.29.3
flask-pymongo`` from PyPI.  PyMongo must not be downloaded, ``import pymongo`` must still
be ours, and ``pip check`` must pass.  Needs network access to PyPI; about a minute.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(*cmd: str, cwd: Path) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_libraries_install_beside_mongofw_without_fetching_pymongo(tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", str(venv), cwd=tmp_path)
    python = str(venv / "bin" / "python")
    pip = (python, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "install", str(ROOT), str(ROOT / "packaging" / "pymongo"), cwd=tmp_path)
    _run(python, "-m", "mongofw", "pin", cwd=tmp_path)
    report = tmp_path / "report.json"
    _run(*pip, "install", "--report", str(report), "mongoengine==0.29.3", "flask-pymongo",
         cwd=tmp_path)
    installed = {item["metadata"]["name"].lower(): item["metadata"]["version"]
                 for item in json.loads(report.read_text())["install"]}
    assert "pymongo" not in installed and "mongoengine" in installed, installed
    # Flask-PyMongo 3 needs PyMongo 4: the pin makes pip choose the 2.x line instead.
    assert installed["flask-pymongo"].startswith("2."), installed
    _run(*pip, "check", cwd=tmp_path)
    shown = _run(python, "-c", "import importlib.metadata as m, pymongo, mongoengine, "
                 "flask_pymongo; print(m.version('pymongo')); print(pymongo.__file__)",
                 cwd=tmp_path).split()
    assert shown[0] == f"{_api_version()}+mongofw.{_mongofw_version()}"
    assert shown[1].startswith(str(venv))
    assert _run(python, "-m", "mongofw", "check", cwd=tmp_path).strip() == \
        "pymongo, gridfs and bson are mongofw's"


def _api_version() -> str:
    import pymongo

    return pymongo.version


def _mongofw_version() -> str:
    import mongofw

    return mongofw.__version__
