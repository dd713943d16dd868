"""pymongo.read_preferences as PyMongo 3.4's: tag sets as given, unhashable modes."""
from __future__ import annotations

import pytest

from bson.son import SON
from pymongo.read_preferences import Nearest, Secondary


def test_tag_sets_must_be_a_list():
    with pytest.raises(TypeError, match="must be a list"):
        Secondary(({"dc": "ny"},))


def test_tag_sets_are_kept_as_given():
    tags = [SON([("dc", "ny")])]
    pref = Secondary(tags)
    assert type(pref.tag_sets[0]) is SON and pref.tag_sets[0] is tags[0]
    tags.append({})
    assert pref.tag_sets == [SON([("dc", "ny")]), {}]


def test_modes_are_unhashable():
    with pytest.raises(TypeError):
        hash(Nearest())


def test_a_bool_max_staleness_is_an_int():
    assert Secondary(max_staleness=True).max_staleness is True
