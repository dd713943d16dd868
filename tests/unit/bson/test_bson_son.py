"""SON: ordering, equality rules, to_dict, pickling and copying."""
from __future__ import annotations

import copy
import pickle

from bson.son import SON


def test_keeps_insertion_order():
    son = SON([("b", 1), ("a", 2)], c=3)
    assert list(son) == ["b", "a", "c"]
    son["a"] = 5
    assert list(son.items()) == [("b", 1), ("a", 5), ("c", 3)]
    del son["b"]
    assert list(son) == ["a", "c"]


def test_equality_rules():
    assert SON([("a", 1), ("b", 2)]) == SON([("a", 1), ("b", 2)])
    assert SON([("a", 1), ("b", 2)]) != SON([("b", 2), ("a", 1)])
    assert SON([("a", 1), ("b", 2)]) == {"b": 2, "a": 1}
    assert {"b": 2, "a": 1} == SON([("a", 1), ("b", 2)])
    assert SON([("a", 1)]) != {"a": 2}
    assert (SON() == [1]) is False


def test_to_dict_is_recursive():
    son = SON([("a", SON([("b", [SON([("c", 1)])])]))])
    plain = son.to_dict()
    assert plain == {"a": {"b": [{"c": 1}]}}
    assert type(plain) is dict and type(plain["a"]) is dict and type(plain["a"]["b"][0]) is dict


def test_repr_and_mapping_methods():
    son = SON([("a", 1)])
    assert repr(son) == "SON([('a', 1)])"
    assert son.setdefault("b", 2) == 2 and son.setdefault("a", 9) == 1
    assert son.get("missing") is None and "a" in son
    assert son.pop("b") == 2
    copied = son.copy()
    assert type(copied) is SON and copied == son


def test_pickle_copy_and_deepcopy_keep_order():
    son = SON([("z", [1, {"x": 2}]), ("a", 1)])
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        other = pickle.loads(pickle.dumps(son, protocol))
        assert type(other) is SON and list(other.items()) == list(son.items())
    deep = copy.deepcopy(son)
    assert list(deep) == ["z", "a"] and deep["z"] is not son["z"]
    assert copy.copy(son) == son
