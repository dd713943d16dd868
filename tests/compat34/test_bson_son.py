"""bson.son.SON as PyMongo 3.4 had it: the Python 2 dict protocol, lists from keys(),
and the oldest item from popitem()."""
from __future__ import annotations

import pytest

from bson.son import SON


def _son():
    return SON([("b", 1), ("a", 2), ("c", 3)])


def test_keys_values_items_are_lists_in_insertion_order():
    son = _son()
    assert son.keys() == ["b", "a", "c"]
    assert son.values() == [1, 2, 3]
    assert son.items() == [("b", 1), ("a", 2), ("c", 3)]
    assert son.keys()[0] == "b"


def test_python2_protocol_methods():
    son = _son()
    assert son.has_key("a") is True and son.has_key("z") is False
    assert list(son.iterkeys()) == ["b", "a", "c"]
    assert list(son.itervalues()) == [1, 2, 3]
    assert list(son.iteritems()) == [("b", 1), ("a", 2), ("c", 3)]


def test_popitem_takes_the_first_item():
    son = _son()
    assert son.popitem() == ("b", 1)
    assert son == SON([("a", 2), ("c", 3)])


def test_popitem_on_empty_son_raises_key_error():
    with pytest.raises(KeyError, match="container is empty"):
        SON().popitem()


def test_update_accepts_an_object_with_keys_and_getitem():
    class KeysOnly:
        def keys(self):
            return ["q", "r"]

        def __getitem__(self, key):
            return key * 2

    son = SON()
    son.update(KeysOnly())
    assert son.items() == [("q", "qq"), ("r", "rr")]


def test_keys_list_does_not_equal_a_set():
    assert (SON(a=1).keys() == {"a"}) is False


def test_changing_a_son_while_iterating_is_allowed():
    son = SON([("a", 1), ("b", 2)])
    for key in son:
        son["c"] = key
    assert son["c"] in ("b", "c")


def test_difference_iteration_sees_the_keys_present_when_it_starts():
    """3.4 walked its live key list: keys added in the loop were visited, and deleting
    the current key skipped the next one.  Ours iterates over a snapshot."""
    son = SON([("a", 1), ("b", 2)])
    for key in son:
        son["c"] = key
    assert son.items() == [("a", 1), ("b", 2), ("c", "b")]  # 3.4: ("c", "c")
    son = SON([("a", 1), ("b", 2), ("c", 3)])
    for key in son:
        del son[key]
    assert son.items() == []  # 3.4: [("b", 2)]


def test_pop_with_too_many_arguments_is_a_type_error():
    with pytest.raises(TypeError):
        SON().pop("x", 1, 2)


def test_son_is_unhashable():
    with pytest.raises(TypeError):
        hash(SON())
