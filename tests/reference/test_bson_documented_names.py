"""Every name on the ``bson*`` pages of the documented API exists, with the documented
members (``#### name`` headings) on classes."""
from __future__ import annotations

import importlib
import re

import pytest

from tests.support.shared import API


def _documented():
    if not API.is_dir():
        raise FileNotFoundError(f"documented API not found at {API}; set MONGOFW_API_DIR")
    out = []
    for page in sorted(API.glob("bson*.md")):
        for section in re.split(r"^## ", page.read_text(encoding="utf-8"), flags=re.M)[1:]:
            name = section.split("\n", 1)[0].strip()
            members = re.findall(r"^#### ([A-Za-z_][A-Za-z0-9_]*)(?: = .*)?$", section, flags=re.M)
            members += re.findall(r"^classmethod ([A-Za-z_]+)\(", section, flags=re.M)
            out.append(pytest.param(name, members, id=name))
    return out


@pytest.mark.parametrize("dotted,members", _documented())
def test_documented_name_exists(dotted, members):
    module_name, _, attr = dotted.rpartition(".")
    try:
        module = importlib.import_module(dotted)  # the page may name a module itself
        obj = module
    except ImportError:
        obj = getattr(importlib.import_module(module_name), attr)
    for member in members:
        assert hasattr(obj, member), f"{dotted} lacks documented member {member}"
