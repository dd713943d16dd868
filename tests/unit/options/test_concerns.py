"""WriteConcern and ReadConcern: documents, flags, equality, repr and validation."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mongofw.errors import ConfigurationError
from mongofw.options.client_options import ClientOptions
from mongofw.options.read_concern import ReadConcern
from mongofw.options.uri_parser import parse_uri
from mongofw.options.write_concern import WriteConcern


def test_default_write_concern_is_server_default_and_acknowledged():
    concern = WriteConcern()
    assert (concern.document, concern.is_server_default, concern.acknowledged) == \
        ({}, True, True)


def test_document_keeps_only_given_fields_in_order():
    # PyMongo 3.4's order: wtimeout, j, fsync, w.
    assert list(WriteConcern("majority", 100, True).document.items()) == \
        [("wtimeout", 100), ("j", True), ("w", "majority")]
    assert WriteConcern(fsync=True).document == {"fsync": True}


def test_document_is_a_fresh_copy():
    concern = WriteConcern(w=2)
    concern.document["w"] = 5
    assert concern.document == {"w": 2}


def test_write_concern_is_immutable():
    with pytest.raises(AttributeError):
        WriteConcern(w=1).w = 2
    with pytest.raises(AttributeError):
        WriteConcern(w=1).other = 2


def test_unacknowledged():
    assert WriteConcern(w=0).acknowledged is False
    assert WriteConcern(w=0, wtimeout=5, j=False).acknowledged is False


def test_equality_and_hash_follow_the_document():
    assert WriteConcern(w=1, j=True) == WriteConcern(1, None, True)
    assert WriteConcern(w=1) != WriteConcern(w="1")
    with pytest.raises(TypeError):
        hash(WriteConcern(w=2))  # unhashable, as in PyMongo 3.4
    assert WriteConcern() != {}


def test_repr_shows_the_document():
    assert repr(WriteConcern(w=2, wtimeout=10)) == "WriteConcern(wtimeout=10, w=2)"
    assert repr(WriteConcern()) == "WriteConcern()"


@pytest.mark.parametrize("kwargs,error,message", [
    ({"w": 1.5}, TypeError, "w must be an integer or a string, not float 1.5"),
    ({"wtimeout": "5"}, TypeError, "wtimeout must be an integer \\(milliseconds\\), not str"),
    ({"j": 1}, TypeError, "j must be True or False, not 1"),
    ({"fsync": "yes"}, TypeError, "fsync must be True or False, not 'yes'"),
    ({"j": True, "fsync": True}, ConfigurationError, "Can't set both j and fsync"),
    ({"w": 0, "j": True}, ConfigurationError, "w=0 \\(unacknowledged\\) cannot be combined "
                                              "with j=True"),
    ({"w": 0, "fsync": True}, ConfigurationError, "cannot be combined with fsync=True"),
])
def test_write_concern_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        WriteConcern(**kwargs)


@given(st.one_of(st.none(), st.integers(0, 50), st.text(min_size=1)),
       st.one_of(st.none(), st.integers(0, 10**6)), st.one_of(st.none(), st.booleans()))
def test_document_round_trips_through_constructor(w, wtimeout, j):
    if w == 0 and j:
        return
    concern = WriteConcern(w, wtimeout, j)
    assert WriteConcern(**concern.document) == concern


def test_read_concern_default():
    concern = ReadConcern()
    assert (concern.level, concern.document, concern.is_server_default,
            concern.ok_for_legacy) == (None, {}, True, True)


def test_read_concern_level():
    concern = ReadConcern("majority")
    assert (concern.document, concern.is_server_default, concern.ok_for_legacy) == \
        ({"level": "majority"}, False, False)
    assert ReadConcern("local").ok_for_legacy is True


def test_read_concern_equality_and_repr():
    assert ReadConcern("local") == ReadConcern(level="local")
    assert ReadConcern("local") != ReadConcern()
    assert repr(ReadConcern("snapshot")) == "ReadConcern(snapshot)"  # PyMongo 3.4's form
    assert repr(ReadConcern()) == "ReadConcern()"


def test_read_concern_document_is_a_fresh_copy():
    concern = ReadConcern("local")
    concern.document["level"] = "majority"
    assert concern.level == "local"


def test_read_concern_level_type():
    with pytest.raises(TypeError, match="level must be a string or None, not int 1"):
        ReadConcern(1)


def test_pymongo_modules_reexport_core_classes():
    import pymongo.read_concern
    import pymongo.write_concern

    assert pymongo.write_concern.WriteConcern is WriteConcern
    assert pymongo.read_concern.ReadConcern is ReadConcern


def test_write_concern_from_uri_names():
    options = ClientOptions.from_uri(parse_uri("mongodb://h/?w=3&wTimeoutMS=100&journal=true"))
    assert options.write_concern == WriteConcern(w=3, wtimeout=100, j=True)


def test_keyword_j_replaces_uri_journal():
    options = ClientOptions.from_uri(parse_uri("mongodb://h/?journal=true"), {"j": False})
    assert options.write_concern.j is False
