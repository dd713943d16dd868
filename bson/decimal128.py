"""BSON Decimal128: IEEE 754-2008 128-bit decimal floating point in BID encoding."""
from __future__ import annotations

import decimal
import re
import struct
from typing import Any, Tuple, Union

_PACK_LE = struct.Struct("<QQ")  # (low, high): BSON stores the low 64 bits first

_EXPONENT_BIAS = 6176
_EXPONENT_MAX = 6144
_EXPONENT_MIN = -6143
_MAX_DIGITS = 34
_MAX_COEFFICIENT = 10 ** 34 - 1

_SIGN = 0x8000000000000000
_NAN = 0x7C00000000000000
_SNAN = 0x7E00000000000000
_INF = 0x7800000000000000
_TWO_HIGH_BITS = 0x6000000000000000  # "11" after the sign: the second (large) form
_LOW_MASK = (1 << 64) - 1

# What Decimal128(str) accepts: ASCII digits only, no whitespace or underscores (which
# ``decimal.Decimal`` would accept), Infinity/NaN spelled as the IEEE text forms allow.
_DECIMAL_STRING = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|s?nan[0-9]*)",
    re.IGNORECASE)

_DEC128_TRAPS = [decimal.InvalidOperation, decimal.Overflow, decimal.Inexact]


def create_decimal128_context() -> decimal.Context:
    """A :class:`decimal.Context` for IEEE-754 128-bit decimal floating point values.

    Arithmetic in it always gives a result that Decimal128 can store (rounding,
    overflowing to Infinity, clamping exponents) rather than raising.
    """
    return decimal.Context(prec=_MAX_DIGITS, rounding=decimal.ROUND_HALF_EVEN,
                           Emin=_EXPONENT_MIN, Emax=_EXPONENT_MAX, capitals=1, clamp=1,
                           flags=[], traps=[])


# Validation context: same limits, but any rounding, overflow or bad syntax raises.
_DEC128_CTX = decimal.Context(prec=_MAX_DIGITS, rounding=decimal.ROUND_HALF_EVEN,
                              Emin=_EXPONENT_MIN, Emax=_EXPONENT_MAX, capitals=1, clamp=1,
                              flags=[], traps=_DEC128_TRAPS)


def _decimal_to_bid(value: decimal.Decimal) -> Tuple[int, int]:
    """(high, low) BID words for a Decimal, which must fit Decimal128 exactly."""
    value = _DEC128_CTX.create_decimal(value)
    sign, digits, exponent = value.as_tuple()
    high = _SIGN if sign else 0
    if value.is_infinite():
        return high | _INF, 0
    if value.is_nan():
        if any(digits):
            raise ValueError(f"NaN with a diagnostic payload is not supported: {value!r}")
        return high | (_SNAN if value.is_snan() else _NAN), 0
    coefficient = int("".join(map(str, digits))) if digits else 0
    biased = exponent + _EXPONENT_BIAS
    # The strict context clamps and rounds, so these hold; checked to fail loudly, not wrap.
    if coefficient > _MAX_COEFFICIENT or not 0 <= biased <= 0x2FFF:
        raise decimal.Overflow(f"{value!r} cannot be represented as Decimal128")
    high |= (biased << 49) | (coefficient >> 64)
    return high, coefficient & _LOW_MASK


def _bid_to_decimal(high: int, low: int) -> decimal.Decimal:
    sign = 1 if high & _SIGN else 0
    if (high & _SNAN) == _SNAN:
        return decimal.Decimal("-sNaN" if sign else "sNaN")
    if (high & _NAN) == _NAN:
        return decimal.Decimal("-NaN" if sign else "NaN")
    if (high & _INF) == _INF:
        return decimal.Decimal("-Infinity" if sign else "Infinity")
    if (high & _TWO_HIGH_BITS) == _TWO_HIGH_BITS:
        # Second form: the implied coefficient is at least 2**113 > 10**34 - 1, which
        # IEEE 754-2008 says is non-canonical and reads as zero.
        exponent = ((high >> 47) & 0x3FFF) - _EXPONENT_BIAS
        coefficient = 0
    else:
        exponent = ((high >> 49) & 0x3FFF) - _EXPONENT_BIAS
        coefficient = ((high & 0x1FFFFFFFFFFFF) << 64) | low
        if coefficient > _MAX_COEFFICIENT:
            coefficient = 0
    # Text is the quickest exact way in (the constructor never rounds).
    return decimal.Decimal(f"{'-' if sign else ''}{coefficient}E{exponent}")


class Decimal128:
    """BSON Decimal128 type: an IEEE 754-2008 128-bit decimal floating point number.

    :param value: a :class:`decimal.Decimal`, a ``str`` in decimal notation (``"1.5"``,
        ``"-0"``, ``"Infinity"``, ``"NaN"``), or a ``(high, low)`` list or tuple of the
        two unsigned 64-bit words of the BID encoding.
    :raises decimal.InvalidOperation: when a string is not a decimal number.
    :raises decimal.Inexact: when a value has more significant digits than Decimal128
        holds (``decimal.Overflow``, a subclass, when its exponent is too large).
    :raises ValueError: when a list or tuple is not two unsigned 64-bit ints, or a NaN
        carries a diagnostic payload.
    :raises TypeError: for any other type (``float`` included: convert it to a string
        or Decimal first, choosing its digits).

    Strings and Decimals are validated in a Decimal128 context whose
    ``InvalidOperation``, ``Inexact`` and ``Overflow`` signals raise; use
    :func:`create_decimal128_context` for arithmetic whose results always fit.  Two
    instances are equal when their BID encodings are.
    """

    __slots__ = ("__high", "__low")
    _type_marker = 19

    def __init__(self, value: Union[decimal.Decimal, str, Tuple[int, int], list]) -> None:
        if isinstance(value, str):
            if _DECIMAL_STRING.fullmatch(value) is None:
                raise decimal.InvalidOperation(
                    f"{value!r} is not a valid Decimal128 string "
                    f"[{decimal.ConversionSyntax!r}]")
            self.__high, self.__low = _decimal_to_bid(decimal.Decimal(value))
        elif isinstance(value, decimal.Decimal):
            self.__high, self.__low = _decimal_to_bid(value)
        elif isinstance(value, (list, tuple)):
            if len(value) != 2 or not all(
                    isinstance(v, int) and 0 <= v <= _LOW_MASK for v in value):
                raise ValueError("Invalid size for creation of Decimal128 from list or tuple; "
                                 f"must have exactly 2 unsigned 64-bit ints, not {value!r}")
            self.__high, self.__low = value
        else:
            raise TypeError(f"Cannot convert {value!r} to Decimal128")

    @classmethod
    def from_bid(cls, value: bytes) -> Decimal128:
        """Create a Decimal128 from its BID encoding (a classmethod).

        :param value: the 16 ``bytes`` of the Binary Integer Decimal encoding, little
            endian, as in a BSON document (the inverse of :attr:`bid`).
        :raises TypeError: when ``value`` is not ``bytes``.
        :raises ValueError: when it is not exactly 16 bytes long.
        """
        if not isinstance(value, bytes):
            raise TypeError(f"value must be an instance of bytes, not {type(value)!r}")
        if len(value) != 16:
            raise ValueError(f"value must be exactly 16 bytes, not {len(value)}")
        low, high = _PACK_LE.unpack(value)
        return cls((high, low))

    @property
    def bid(self) -> bytes:
        """The Binary Integer Decimal (BID) encoding of this instance."""
        return _PACK_LE.pack(self.__low, self.__high)

    def to_decimal(self) -> decimal.Decimal:
        """The exact :class:`decimal.Decimal` value (NaN sign and signalling kept)."""
        return _bid_to_decimal(self.__high, self.__low)

    def __str__(self) -> str:
        dec = self.to_decimal()
        # MongoDB prints every NaN as "NaN", whatever its sign or kind.
        return "NaN" if dec.is_nan() else str(dec)

    def __repr__(self) -> str:
        return f"Decimal128('{self}')"

    def __getstate__(self) -> Tuple[int, int]:
        return self.__high, self.__low

    def __setstate__(self, value: Tuple[int, int]) -> None:
        self.__high, self.__low = value

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Decimal128):
            return self.bid == other.bid
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    # Unhashable, as in 3.4 (it defined __eq__ only).
    __hash__ = None  # type: ignore[assignment]
