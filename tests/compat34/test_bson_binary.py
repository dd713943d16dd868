"""bson.binary.Binary as in PyMongo 3.4: any int subtype, 3.4's hash (and the bytes-like
data PyMongo 3.9 added)."""
from __future__ import annotations

import pytest

from bson.binary import Binary


@pytest.mark.parametrize("data", ["x", 5, [1]])
def test_data_that_is_not_bytes_like_is_a_type_error(data):
    with pytest.raises(TypeError, match="data must be a bytes-like object"):
        Binary(data)


def test_data_is_checked_before_subtype():
    with pytest.raises(TypeError, match="data must be"):
        Binary("x", 300)


def test_difference_data_may_be_any_bytes_like_object():
    """3.4 took bytes only (TypeError for a bytearray); PyMongo 3.9 takes anything with
    the buffer protocol, and so does mongofw, which provides that newer API."""
    assert Binary(bytearray(b"x")) == Binary(b"x")
    assert Binary(memoryview(b"xy"), 5) == Binary(b"xy", 5)


def test_a_bool_subtype_is_an_int_subtype():
    value = Binary(b"x", True)
    assert value.subtype is True and repr(value) == "Binary(b'x', True)"


def test_subtype_0_hashes_as_its_bytes_but_never_equals_them():
    assert hash(Binary(b"x", 0)) == hash(b"x")
    assert Binary(b"x", 0) != b"x" and {b"x": 1}.get(Binary(b"x")) is None
