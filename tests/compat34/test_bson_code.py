"""bson.code.Code as in PyMongo 3.4: unhashable, a lone scope kept as given."""
from __future__ import annotations

import types

import pytest

from bson.code import Code
from bson.son import SON


def test_code_is_unhashable():
    with pytest.raises(TypeError, match="unhashable"):
        hash(Code("x"))
    with pytest.raises(TypeError):
        {Code("x")}  # noqa: B018


def test_a_lone_scope_is_kept_as_the_object_given():
    scope = {"a": 1}
    code = Code("x", scope)
    assert code.scope is scope
    assert type(Code("x", SON(a=1)).scope) is SON
    proxy = types.MappingProxyType({"a": 1})
    assert Code("x", proxy).scope is proxy


def test_code_of_a_code_shares_its_scope():
    first = Code("x", {"a": 1})
    assert Code(first).scope is first.scope


def test_keyword_scope_and_no_scope():
    assert Code("x", a=1).scope == {"a": 1}
    assert Code("x").scope is None
    assert repr(Code("x", {"a": 1})) == "Code('x', {'a': 1})"


def test_difference_merging_scopes_builds_a_new_dict():
    """3.4 merged by updating the first scope in place: the other Code's scope, or the
    caller's dict, changed.  Ours leaves both alone."""
    first = Code("x", {"a": 1})
    second = Code(first, {"b": 2})
    assert second.scope == {"a": 1, "b": 2}
    assert first.scope == {"a": 1}  # 3.4: {'a': 1, 'b': 2}
    given = {"a": 1}
    assert Code("x", given, b=2).scope == {"a": 1, "b": 2}
    assert given == {"a": 1}  # 3.4: {'a': 1, 'b': 2}
