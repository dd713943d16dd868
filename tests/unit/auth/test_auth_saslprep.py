"""SASLprep against the RFC 4013 section 3 examples, and properties of the fast path."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mongofw.auth.saslprep import saslprep


@pytest.mark.parametrize("text,prepared", [
    ("I\u00adX", "IX"),          # SOFT HYPHEN mapped to nothing
    ("user", "user"),            # no transformation
    ("USER", "USER"),            # case preserved
    ("\u00aa", "a"),             # NFKC: feminine ordinal indicator
    ("\u2168", "IX"),            # NFKC: ROMAN NUMERAL NINE
    ("a\u00a0b", "a b"),         # non-ASCII space becomes SPACE
    ("\u0627\u0031\u0628", "\u0627\u0031\u0628"),  # right-to-left, properly bracketed
])
def test_rfc4013_examples(text, prepared):
    assert saslprep(text) == prepared


@pytest.mark.parametrize("text,message", [
    ("a\u0007", "prohibited character at position 1"),     # control character
    ("\ue000x", "prohibited character at position 0"),     # private use
    ("\u0627\u0031", "must start and end with one"),       # RandALCat not at the end
    ("\u0627a\u0628", "may not mix"),                      # RandALCat with LCat
])
def test_rfc4013_errors_name_the_rule_not_the_text(text, message):
    with pytest.raises(ValueError, match=message) as info:
        saslprep(text)
    assert text not in str(info.value)


def test_unassigned_code_points_depend_on_the_profile():
    unassigned = "\u0221"  # unassigned in Unicode 3.2
    with pytest.raises(ValueError, match="unassigned code point at position 0"):
        saslprep(unassigned)
    assert saslprep(unassigned, allow_unassigned=True) == unassigned


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="needs a str, not bytes"):
        saslprep(b"pencil")


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_printable_ascii_is_unchanged(text):
    assert saslprep(text) == text


@given(st.text())
def test_prepared_output_is_stable(text):
    """Preparing an already prepared string changes nothing (or it was refused)."""
    try:
        once = saslprep(text, allow_unassigned=True)
    except ValueError:
        return
    assert saslprep(once, allow_unassigned=True) == once
