"""Decimal128: the documented examples, BID encoding and value semantics."""
from __future__ import annotations

import copy
import decimal
import pickle
from decimal import Decimal

import pytest

from bson.decimal128 import Decimal128, create_decimal128_context


def test_documented_constructors():
    assert repr(Decimal128(Decimal("0.0005"))) == "Decimal128('0.0005')"
    assert repr(Decimal128("0.0005")) == "Decimal128('0.0005')"
    assert repr(Decimal128((3474527112516337664, 5))) == "Decimal128('0.0005')"


def test_documented_traps():
    with pytest.raises(decimal.InvalidOperation):
        Decimal128(".13.1")
    with pytest.raises(decimal.Inexact):
        Decimal128("1E-6177")
    with pytest.raises(decimal.Overflow):
        Decimal128("1E6145")


def test_documented_context_examples():
    ctx = create_decimal128_context()
    with decimal.localcontext(ctx) as local:
        assert repr(Decimal128(local.create_decimal(".13.3"))) == "Decimal128('NaN')"
        assert repr(Decimal128(local.create_decimal("1E-6177"))) == "Decimal128('0E-6176')"
        assert repr(Decimal128(local.create_decimal("1E6145"))) == "Decimal128('Infinity')"
    assert ctx.prec == 34 and ctx.Emax == 6144 and ctx.Emin == -6143 and ctx.clamp == 1


@pytest.mark.parametrize("text", ["NaN", "-NaN", "sNaN", "-sNaN"])
def test_documented_nan_behaviour(text):
    value = Decimal128(Decimal(text))
    assert repr(value) == "Decimal128('NaN')"
    assert str(value.to_decimal()) == text


def test_documented_equality():
    assert Decimal128("NaN") == Decimal128("NaN")
    assert Decimal128("NaN").bid == Decimal128("NaN").bid
    assert Decimal128("1.0") != Decimal128("1.00")
    with pytest.raises(TypeError):
        hash(Decimal128("1.5"))  # unhashable, as in PyMongo 3.4


@pytest.mark.parametrize("bad", [" 1", "1 ", "1_000", "١", "", "Infinityx"])
def test_rejects_strings_decimal_would_accept_or_bad(bad):
    with pytest.raises(decimal.InvalidOperation, match="not a valid Decimal128 string"):
        Decimal128(bad)


def test_bid_round_trip_and_from_bid():
    value = Decimal128("-1.23E+5000")
    assert len(value.bid) == 16
    assert Decimal128.from_bid(value.bid) == value
    assert value.to_decimal() == Decimal("-1.23E+5000")
    with pytest.raises(ValueError, match="exactly 16 bytes"):
        Decimal128.from_bid(b"\x00" * 15)
    with pytest.raises(TypeError, match="bytes"):
        Decimal128.from_bid("0" * 16)


def test_non_canonical_coefficient_reads_as_zero():
    # Second form ("11" after the sign): coefficient >= 2**113 is non-canonical.
    value = Decimal128((0x6C10000000000000, 0))
    assert value.to_decimal() == Decimal(0)


def test_bad_arguments():
    with pytest.raises(TypeError, match="Cannot convert 1.5"):
        Decimal128(1.5)
    with pytest.raises(ValueError, match="exactly 2 unsigned 64-bit ints"):
        Decimal128((1, 2, 3))
    with pytest.raises(ValueError, match="diagnostic payload"):
        Decimal128(Decimal("NaN123"))


def test_pickle_and_copy():
    value = Decimal128("3.14")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(value, protocol)) == value
    assert copy.copy(value) == value and copy.deepcopy(value) == value
