"""bson.decimal128.Decimal128 as in 3.4: unhashable, a NaN payload is a ValueError."""
from __future__ import annotations

import pytest

from bson.decimal128 import Decimal128


def test_decimal128_is_unhashable():
    with pytest.raises(TypeError, match="unhashable"):
        hash(Decimal128("1"))


@pytest.mark.parametrize("text", ["NaN12", "-sNaN1"])
def test_nan_with_a_payload_is_a_value_error(text):
    with pytest.raises(ValueError, match="NaN with a diagnostic payload is not supported"):
        Decimal128(text)


def test_difference_a_bid_tuple_must_hold_two_unsigned_64_bit_ints():
    """3.4 stored any two values and gave an object whose repr and encoding failed."""
    with pytest.raises(ValueError, match="exactly 2 unsigned 64-bit ints"):
        Decimal128(("a", "b"))
    with pytest.raises(ValueError):
        Decimal128((-1, 0))
