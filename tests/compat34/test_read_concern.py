"""pymongo.read_concern.ReadConcern as PyMongo 3.4's."""
from __future__ import annotations

import pytest

from pymongo.read_concern import ReadConcern


def test_repr():
    assert repr(ReadConcern()) == "ReadConcern()"
    assert repr(ReadConcern("majority")) == "ReadConcern(majority)"


def test_an_empty_level_is_the_server_default():
    assert ReadConcern("").document == {} and repr(ReadConcern("")) == "ReadConcern()"


def test_unhashable_and_compared_by_document():
    assert ReadConcern() == ReadConcern(None) and ReadConcern("") == ReadConcern()
    with pytest.raises(TypeError):
        hash(ReadConcern())


def test_attributes_can_be_set():
    concern = ReadConcern()
    concern.note = 1
    assert concern.note == 1
