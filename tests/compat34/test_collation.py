"""pymongo.collation.Collation as PyMongo 3.4's."""
from __future__ import annotations

import pytest

from bson.son import SON
from pymongo.collation import Collation, validate_collation_or_none


@pytest.mark.parametrize("strength,expected", [("2", 2), (True, True), (9, 9)])
def test_strength_takes_any_int_or_digits(strength, expected):
    assert Collation("en", strength=strength).document["strength"] == expected


def test_collation_is_unhashable():
    with pytest.raises(TypeError):
        hash(Collation("en"))


def test_validate_collation_or_none_passes_a_dict_as_it_is():
    son = SON(locale="fr")
    assert validate_collation_or_none(son) is son
    with pytest.raises(TypeError):
        validate_collation_or_none("en")


def test_bools_stay_strict():
    with pytest.raises(TypeError):
        Collation("en", caseLevel="true")
