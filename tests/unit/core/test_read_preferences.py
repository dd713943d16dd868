"""Read preference values: validation, documents, equality, pickling, and selection."""
from __future__ import annotations

import pickle

import pytest

from mongofw.core.errors import ConfigurationError
from mongofw.core.read_preferences import (
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
from mongofw.core.server_description import ServerDescription
from mongofw.core.server_selectors import Selection
from mongofw.core.topology_description import TOPOLOGY_TYPE

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
    assert hash(Secondary([{"a": 1}], 100)) == hash(Secondary([{"a": 1}], 100))
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
    ((None, True), TypeError, "max_staleness must be an integer"),
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


# ---------------------------------------------------------------- as selectors


def _sd(host, kind, tags=None):
    replies = {"P": {"isWritablePrimary": True}, "S": {"secondary": True},
               "A": {"arbiterOnly": True}}
    reply = {"ok": 1, "setName": "rs", "maxWireVersion": 21, "tags": tags or {}, **replies[kind]}
    return ServerDescription((host, 27017), reply, 0.001)


P, S1, S2, ARB = _sd("p", "P"), _sd("s1", "S", {"dc": "ny"}), _sd("s2", "S", {"dc": "sf"}), \
    _sd("x", "A")


def _select(pref, *sds, topology_type=TOPOLOGY_TYPE.ReplicaSetWithPrimary):
    return [sd.address[0] for sd in pref(Selection(topology_type, sds)).server_descriptions]


@pytest.mark.parametrize("pref, with_primary, without_primary", [
    (Primary(), ["p"], []),
    (PrimaryPreferred(), ["p"], ["s1", "s2"]),
    (Secondary(), ["s1", "s2"], ["s1", "s2"]),
    (SecondaryPreferred(), ["s1", "s2"], ["s1", "s2"]),
    (Nearest(), ["p", "s1", "s2"], ["s1", "s2"]),
    (Secondary([{"dc": "la"}, {"dc": "sf"}]), ["s2"], ["s2"]),
    (SecondaryPreferred([{"dc": "la"}]), ["p"], []),
    (Nearest([{"dc": "ny"}]), ["s1"], ["s1"]),
])
def test_modes_as_selectors(pref, with_primary, without_primary):
    assert _select(pref, P, S1, S2, ARB) == with_primary
    assert _select(pref, S1, S2, ARB, topology_type=TOPOLOGY_TYPE.ReplicaSetNoPrimary) == \
        without_primary


def test_outside_a_replica_set_every_readable_server_qualifies():
    mongos = ServerDescription(("m", 1), {"ok": 1, "msg": "isdbgrid"}, 0.001)
    assert _select(Secondary([{"dc": "x"}]), mongos, topology_type=TOPOLOGY_TYPE.Sharded) == ["m"]


def test_max_staleness_smaller_than_heartbeat_allows_is_rejected():
    selection = Selection(TOPOLOGY_TYPE.ReplicaSetNoPrimary, (), heartbeat_frequency=100)
    with pytest.raises(ConfigurationError, match="at least 110 .* not 100"):
        Secondary(max_staleness=100)(selection)


def test_pymongo_module_re_exports_the_documented_names():
    import pymongo.read_preferences as documented

    assert documented.ReadPreference is ReadPreference
    assert [getattr(documented, cls.__name__) for cls in MODES] == MODES
    assert documented.make_read_preference is make_read_preference
