"""pymongo.write_concern.WriteConcern as PyMongo 3.4's."""
from __future__ import annotations

import pytest

from pymongo.errors import ConfigurationError
from pymongo.write_concern import WriteConcern


def test_document_order_and_repr():
    concern = WriteConcern(w=2, wtimeout=100, j=True)
    assert list(concern.document.items()) == [("wtimeout", 100), ("j", True), ("w", 2)]
    assert repr(concern) == "WriteConcern(wtimeout=100, j=True, w=2)"
    assert repr(WriteConcern(w="majority")) == "WriteConcern(w=majority)"


def test_an_empty_write_concern_is_false():
    assert bool(WriteConcern()) is False and bool(WriteConcern(w=1)) is True


@pytest.mark.parametrize("w,acknowledged", [(-1, False), (0, False), (True, True),
                                            ("majority", True)])
def test_any_int_or_string_w(w, acknowledged):
    concern = WriteConcern(w=w)
    assert concern.document == {"w": w} and concern.acknowledged is acknowledged


@pytest.mark.parametrize("wtimeout", [-1, True])
def test_any_int_wtimeout(wtimeout):
    assert WriteConcern(wtimeout=wtimeout).document == {"wtimeout": wtimeout}


def test_write_concern_is_unhashable():
    with pytest.raises(TypeError):
        hash(WriteConcern())


def test_errors():
    with pytest.raises(TypeError):
        WriteConcern(w=1.5)
    with pytest.raises(TypeError):
        WriteConcern(j=1)
    with pytest.raises(ConfigurationError):
        WriteConcern(j=True, fsync=True)
    with pytest.raises(ConfigurationError):
        WriteConcern(w=0, j=True)


def test_difference_w_0_with_wtimeout_or_j_false():
    """3.4 refused w=0 with any other option; the read/write concern specification
    allows w=0 with wtimeout or journal=false, and so do we."""
    assert WriteConcern(w=0, wtimeout=5).document == {"wtimeout": 5, "w": 0}
    assert WriteConcern(w=0, j=False).acknowledged is False


def test_difference_comparing_with_another_type_is_false():
    """3.4 raised AttributeError ('dict' object has no attribute 'document')."""
    assert (WriteConcern() == {}) is False and (WriteConcern() != None) is True  # noqa: E711
