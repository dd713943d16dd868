"""Read preference values: validation, documents, equality and pickling."""
from __future__ import annotations

import pickle

import pytest

from mongofw.errors import ConfigurationError
from mongofw.options.read_preferences import (
    Nearest,
    Primary,
    PrimaryPreferred,
    ReadPreference,
    Secondary,
    SecondaryPreferred,
    _ServerMode,
    make_read_preference,
    read_pref_mode_from_name,
)

MODES = [Primary, PrimaryPreferred, Secondary, SecondaryPreferred, Nearest]


def test_mode_numbers_names_and_mongos_modes():
    prefs = [ReadPreference.PRIMARY, ReadPreference.PRIMARY_PREFERRED, ReadPreference.SECONDARY,
             ReadPreference.SECONDARY_PREFERRED, ReadPreference.NEAREST]
    assert [p.mode for p in prefs] == [0, 1, 2, 3, 4]
    assert [p.name for p in prefs] == ["Primary", "PrimaryPreferred", "Secondary",
                                       "SecondaryPreferred", "Nearest"]
    assert [p.mongos_mode for p in prefs] == ["primary", "primaryPreferred", "secondary",
                                              "secondaryPreferred", "nearest"]
    assert all(isinstance(p, _ServerMode) for p in prefs)


def test_documents():
    assert Primary().document == {"mode": "primary"}
    assert Secondary().document == {"mode": "secondary"}
    assert Secondary([{}]).document == {"mode": "secondary"}
    assert Nearest([{"dc": "ny"}, {}], max_staleness=120).document == {
        "mode": "nearest", "tags": [{"dc": "ny"}, {}], "maxStalenessSeconds": 120}


def test_tag_sets_and_max_staleness_defaults():
    assert (Secondary().tag_sets, Secondary().max_staleness) == ([{}], -1)
    assert Secondary([{"dc": "ny"}]).tag_sets == [{"dc": "ny"}]
    assert (Nearest().min_wire_version, Nearest(max_staleness=90).min_wire_version) == (0, 5)


def test_repr():
    assert repr(Primary()) == "Primary()"
    assert repr(SecondaryPreferred([{"dc": "ny"}], 100)) == \
        "SecondaryPreferred(tag_sets=[{'dc': 'ny'}], max_staleness=100)"
    assert repr(ReadPreference.NEAREST) == "Nearest(tag_sets=None, max_staleness=-1)"


def test_equality_and_hash():
    assert Secondary([{"a": 1}], 100) == Secondary([{"a": 1}], 100)
    with pytest.raises(TypeError):
        hash(Secondary([{"a": 1}], 100))  # unhashable, as in PyMongo 3.4
    assert Secondary() != Nearest()
    assert Secondary() != Secondary(max_staleness=100)
    assert Secondary() == Secondary([{}])
    assert Primary() != "primary"


@pytest.mark.parametrize("pref", [Primary(), Secondary([{"dc": "ny"}], 120), Nearest()])
def test_pickle_round_trip(pref):
    copy = pickle.loads(pickle.dumps(pref))
    assert (copy, type(copy), copy.document) == (pref, type(pref), pref.document)


def test_values_cannot_grow_attributes():
    with pytest.raises(AttributeError):
        Secondary().extra = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("args, error, message", [
    (("dc",), TypeError, "tag_sets 'dc' invalid, must be a list"),
    (([],), ValueError, "must be None or contain at least one set"),
    ((["dc"],), TypeError, "tag set 'dc' invalid, must be a mapping"),
    ((None, 0), ValueError, "max_staleness must be a positive number .* not 0"),
    ((None, -2), ValueError, "not -2"),
    ((None, 1.5), TypeError, "max_staleness must be an integer"),
    ((None, "10"), TypeError, "max_staleness must be an integer"),
])
def test_validation(args, error, message):
    with pytest.raises(error, match=message):
        Secondary(*args)


def test_read_pref_mode_from_name():
    assert [read_pref_mode_from_name(n) for n in ("primary", "secondaryPreferred", "nearest")] \
        == [0, 3, 4]
    with pytest.raises(ValueError, match="'fastest' is not a read preference mode"):
        read_pref_mode_from_name("fastest")


def test_make_read_preference():
    assert make_read_preference(0, None) == Primary()
    assert make_read_preference(0, [{}]) == Primary()
    assert make_read_preference(2, [{"dc": "ny"}], 100) == Secondary([{"dc": "ny"}], 100)
    with pytest.raises(ConfigurationError, match="primary cannot be combined with tags"):
        make_read_preference(0, [{"dc": "ny"}])
    with pytest.raises(ConfigurationError, match="primary cannot be combined with maxStaleness"):
        make_read_preference(0, None, 90)
    with pytest.raises(ValueError, match="mode must be an integer from 0 to 4, not 7"):
        make_read_preference(7, None)


def test_pymongo_module_re_exports_the_documented_names():
    import pymongo.read_preferences as documented

    assert documented.ReadPreference is ReadPreference
    assert [getattr(documented, cls.__name__) for cls in MODES] == MODES
    assert documented.make_read_preference is make_read_preference


@pytest.mark.parametrize("mode", MODES[1:])
def test_hedge_goes_into_the_document_equality_repr_and_pickles(mode):
    """3.11's ``hedge``: sent to mongos in $readPreference; 3.4's repr while there is none."""
    hedged = mode(hedge={"enabled": True})
    assert hedged.hedge == {"enabled": True}
    assert hedged.document == {"mode": hedged.mongos_mode, "hedge": {"enabled": True}}
    assert hedged != mode() and hedged == mode(None, -1, {"enabled": True})
    assert repr(hedged) == f"{mode.__name__}(tag_sets=None, max_staleness=-1, " \
                           f"hedge={{'enabled': True}})"
    assert repr(mode()) == f"{mode.__name__}(tag_sets=None, max_staleness=-1)"
    assert mode().hedge is None and "hedge" not in mode(hedge={}).document
    assert pickle.loads(pickle.dumps(hedged)) == hedged
    with pytest.raises(TypeError, match="hedge must be a mapping"):
        mode(hedge=True)


def test_a_pickle_from_before_hedge_loads_without_one():
    pref = Secondary.__new__(Secondary)
    pref.__setstate__({"mode": 2, "tag_sets": None, "max_staleness": -1})
    assert pref == Secondary() and pref.hedge is None
