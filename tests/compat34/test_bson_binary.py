"""bson.binary.Binary as in PyMongo 3.4: bytes only, any int subtype, 3.4's hash."""
from __future__ import annotations

import pytest

from bson.binary import Binary


@pytest.mark.parametrize("data", [bytearray(b"x"), memoryview(b"x"), "x"])
def test_data_must_be_bytes(data):
    with pytest.raises(TypeError, match="data must be an instance of bytes"):
        Binary(data)


def test_data_is_checked_before_subtype():
    with pytest.raises(TypeError, match="data must be"):
        Binary(bytearray(b"x"), 300)


def test_a_bool_subtype_is_an_int_subtype():
    value = Binary(b"x", True)
    assert value.subtype is True and repr(value) == "Binary(b'x', True)"


def test_subtype_0_hashes_as_its_bytes_but_never_equals_them():
    assert hash(Binary(b"x", 0)) == hash(b"x")
    assert Binary(b"x", 0) != b"x" and {b"x": 1}.get(Binary(b"x")) is None
