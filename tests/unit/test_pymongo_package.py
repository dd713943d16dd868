"""The ``pymongo`` package: documented names resolve; the import itself stays light."""
from __future__ import annotations

import subprocess
import sys

import pytest

import pymongo


def test_import_pymongo_loads_neither_the_core_nor_the_plugin_manager():
    code = ("import sys, pymongo; "
            "print(sorted(m for m in sys.modules if m.startswith(('mongofw.core', 'pluggy', "
            "'importlib.metadata'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(pymongo._LAZY))
def test_each_documented_name_resolves_to_its_core_object(name):
    import importlib

    value = getattr(pymongo, name)
    assert value is getattr(importlib.import_module(pymongo._LAZY[name]), name)


def test_submodules_are_reachable_as_attributes():
    assert pymongo.collection.Collection.__name__ == "Collection"
    assert pymongo.errors.AutoReconnect.__mro__[1].__name__ == "ConnectionFailure"


def test_an_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchName'"):
        pymongo.NoSuchName  # noqa: B018


def test_constants_have_their_documented_values():
    assert (pymongo.ASCENDING, pymongo.DESCENDING, pymongo.GEO2D, pymongo.GEOHAYSTACK,
            pymongo.GEOSPHERE, pymongo.HASHED, pymongo.TEXT) == \
        (1, -1, "2d", "geoHaystack", "2dsphere", "hashed", "text")
    assert (pymongo.OFF, pymongo.SLOW_ONLY, pymongo.ALL) == (0, 1, 2)
    assert (pymongo.version, pymongo.version_tuple) == ("3.8.0", (3, 8, 0))
    assert (pymongo.MIN_SUPPORTED_WIRE_VERSION, pymongo.MAX_SUPPORTED_WIRE_VERSION) == (2, 25)
