"""The two distributions (mongofw, and the pymongo names it serves) agree on versions, and
``python -m mongofw check|pin|unpin`` do what they say."""
from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import mongofw
import pymongo
from mongofw import installation
from mongofw.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_pymongo_distribution_version_is_the_api_version_with_our_label():
    text = (ROOT / "packaging" / "pymongo" / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"', text, re.M).group(1)
    assert declared == f"{pymongo.version}+mongofw.{mongofw.__version__}"
    assert re.search(r'dependencies = \["mongofw==([^"]+)"\]', text).group(1) == \
        mongofw.__version__
    assert version("pymongo") == declared
    assert version("mongofw") == mongofw.__version__
    assert pymongo.version_tuple == tuple(int(p) for p in pymongo.version.split("."))


def test_check_reports_this_environment_as_ours(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "pymongo, gridfs and bson are mongofw's\n"
    assert installation.problems() == []


def test_check_names_a_replaced_pymongo(monkeypatch, capsys):
    monkeypatch.setattr(installation, "_distribution_version", lambda name: "4.20.1")
    assert main(["check"]) == 1
    assert "the installed 'pymongo' distribution is 4.20.1, not mongofw's" in \
        capsys.readouterr().out


def test_pin_writes_a_constraint_into_the_environment_pip_config(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(sys, "base_prefix", "/somewhere/else")
    (tmp_path / "pip.conf").write_text("[global]\ntimeout = 30\n")
    constraints = installation.pin()
    assert constraints.read_text().splitlines()[-1] == f"pymongo=={version('pymongo')}"
    config = (tmp_path / "pip.conf").read_text()
    assert f"constraint = {constraints}" in config and "timeout = 30" in config
    assert installation.unpin() is True
    assert "constraint" not in (tmp_path / "pip.conf").read_text()
    assert not constraints.exists()
    assert installation.unpin() is False


def test_pin_refuses_outside_a_virtual_environment(monkeypatch, capsys):
    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    assert main(["pin"]) == 1
    assert "not in a virtual environment" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="not in a virtual environment"):
        installation.unpin()


def test_pin_refuses_a_pymongo_that_is_not_ours(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(sys, "base_prefix", "/somewhere/else")
    monkeypatch.setattr(installation, "_distribution_version", lambda name: "3.13.0")
    with pytest.raises(RuntimeError, match=r"the installed pymongo \(3\.13\.0\) is not mongofw's"):
        installation.pin()
    assert not (tmp_path / "pip.conf").exists()
