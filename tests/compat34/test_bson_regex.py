"""bson.regex.Regex: 3.4's flag parsing (unknown letters ignored, re flags) and repr."""
from __future__ import annotations

import re

from bson.regex import Regex, str_flags_to_int


def test_unknown_flag_letters_are_ignored():
    assert Regex("a", "qz").flags == 0
    assert Regex("a", "gim").flags == re.I | re.M


def test_letter_flags_are_re_flags_with_their_repr():
    assert repr(Regex("a", "im")) == "Regex('a', re.IGNORECASE|re.MULTILINE)"
    assert isinstance(str_flags_to_int("x"), re.RegexFlag)
    assert repr(Regex("a", "")) == "Regex('a', 0)"
    assert repr(Regex("a", 2)) == "Regex('a', 2)"


def test_bool_flags_are_ints():
    assert repr(Regex("a", True)) == "Regex('a', True)"


def test_difference_equality_compares_the_patterns():
    """3.4 compared self.pattern with itself, so any two Regex with equal flags were
    equal.  Ours compares the patterns."""
    assert Regex("a") != Regex("b")  # 3.4: equal
    assert Regex("a", "i") == Regex("a", "i")
