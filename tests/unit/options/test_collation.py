"""Collation: the document it builds, its checks, equality."""
from __future__ import annotations

import pytest

from pymongo.collation import (
    Collation,
    CollationAlternate,
    CollationCaseFirst,
    CollationMaxVariable,
    CollationStrength,
    validate_collation_or_none,
)


def test_document_holds_locale_and_only_the_options_given_in_order():
    collation = Collation("fr_CA", strength=CollationStrength.SECONDARY, backwards=True,
                          caseFirst=CollationCaseFirst.UPPER, extra="x")
    assert list(collation.document.items()) == [
        ("locale", "fr_CA"), ("caseFirst", "upper"), ("strength", 2), ("backwards", True),
        ("extra", "x")]


def test_every_documented_option():
    doc = Collation("en", caseLevel=True, caseFirst="off", strength=5, numericOrdering=True,
                    alternate=CollationAlternate.SHIFTED,
                    maxVariable=CollationMaxVariable.SPACE, normalization=False,
                    backwards=False).document
    assert doc == {"locale": "en", "caseLevel": True, "caseFirst": "off", "strength": 5,
                   "numericOrdering": True, "alternate": "shifted", "maxVariable": "space",
                   "normalization": False, "backwards": False}


def test_enum_values():
    assert (CollationStrength.PRIMARY, CollationStrength.TERTIARY,
            CollationStrength.QUATERNARY, CollationStrength.IDENTICAL) == (1, 3, 4, 5)
    assert (CollationAlternate.NON_IGNORABLE, CollationMaxVariable.PUNCT,
            CollationCaseFirst.LOWER) == ("non-ignorable", "punct", "lower")


@pytest.mark.parametrize("kwargs, error, message", [
    ({"locale": 5}, TypeError, "locale must be an instance of str, not int"),
    ({"locale": "en", "caseLevel": 1}, TypeError, "caseLevel must be True or False, not 1"),
    ({"locale": "en", "strength": 2.0}, TypeError, "strength must be an integer"),
    ({"locale": "en", "strength": "two"}, ValueError, "strength must be an integer, not 'two'"),
    ({"locale": "en", "alternate": 1}, TypeError, "alternate must be an instance of str"),
])
def test_bad_options_are_rejected_with_the_value(kwargs, error, message):
    with pytest.raises(error, match=message):
        Collation(**kwargs)


def test_equality_repr_and_the_document_is_a_copy():
    a, b = Collation("en", strength=2), Collation("en", strength=2)
    assert a == b and not a != b
    with pytest.raises(TypeError):
        hash(a)  # unhashable, as in PyMongo 3.4
    assert a != Collation("en")
    assert repr(a) == "Collation(locale='en', strength=2)"
    a.document["locale"] = "de"
    assert a.document["locale"] == "en"


def test_validate_collation_or_none():
    assert validate_collation_or_none(None) is None
    assert validate_collation_or_none(Collation("en")) == {"locale": "en"}
    assert validate_collation_or_none({"locale": "de"}) == {"locale": "de"}
    with pytest.raises(TypeError, match="collation must be a dict or an instance of"):
        validate_collation_or_none("en")
