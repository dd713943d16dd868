"""SASLprep (RFC 4013), the stringprep profile SCRAM-SHA-256 applies to passwords.

Built on the standard library's :mod:`stringprep` tables (RFC 3454), so no third-party
package is needed.  Errors never echo the string: it is usually a password.
"""
from __future__ import annotations

import stringprep
import unicodedata
from typing import Callable, Tuple

# RFC 4013 section 2.3: the prohibited output, as stringprep table predicates.
_PROHIBITED: Tuple[Callable[[str], bool], ...] = (
    stringprep.in_table_c12,  # non-ASCII space characters
    stringprep.in_table_c21_c22,  # control characters
    stringprep.in_table_c3,  # private use
    stringprep.in_table_c4,  # non-character code points
    stringprep.in_table_c5,  # surrogate codes
    stringprep.in_table_c6,  # inappropriate for plain text
    stringprep.in_table_c7,  # inappropriate for canonical representation
    stringprep.in_table_c8,  # change display properties / deprecated
    stringprep.in_table_c9,  # tagging characters
)


def _map(text: str) -> str:
    # Section 2.1: non-ASCII spaces become SPACE; "commonly mapped to nothing" vanish.
    out = []
    for char in text:
        if stringprep.in_table_c12(char):
            out.append(" ")
        elif not stringprep.in_table_b1(char):
            out.append(char)
    return "".join(out)


def _check_bidi(text: str) -> None:
    # RFC 3454 section 6: a string holding RandALCat characters must not hold LCat ones,
    # and must then start and end with a RandALCat character.
    rand_al = [stringprep.in_table_d1(char) for char in text]
    if not any(rand_al):
        return
    if any(stringprep.in_table_d2(char) for char in text):
        raise ValueError("SASLprep: a string may not mix right-to-left and left-to-right "
                         "characters")
    if not (rand_al[0] and rand_al[-1]):
        raise ValueError("SASLprep: a string with right-to-left characters must start and "
                         "end with one")


def saslprep(text: str, allow_unassigned: bool = False) -> str:
    """``text`` prepared per RFC 4013 (mapping, NFKC, prohibited output, bidi checks).

    ``allow_unassigned`` chooses between the "query" (True) and "stored string" (False)
    rules for code points unassigned in Unicode 3.2.  Raises ``ValueError`` naming the
    rule broken and the position, never the text or its characters.  An ASCII-printable string is returned
    unchanged without further work (the common case for passwords).
    """
    if not isinstance(text, str):
        raise TypeError(f"SASLprep needs a str, not {type(text).__name__}")
    if text.isascii() and text.isprintable():
        return text
    prepared = unicodedata.ucd_3_2_0.normalize("NFKC", _map(text))
    for position, char in enumerate(prepared):
        if any(in_table(char) for in_table in _PROHIBITED):
            raise ValueError(f"SASLprep: prohibited character at position {position}")
        if not allow_unassigned and stringprep.in_table_a1(char):
            raise ValueError(f"SASLprep: unassigned code point at position {position}")
    _check_bidi(prepared)
    return prepared


__all__ = ["saslprep"]
