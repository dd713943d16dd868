"""BSON regular expressions, kept as pattern text plus flags."""
from __future__ import annotations

import re
from typing import Any, Pattern, Tuple, Union

# BSON option letters and the Python ``re`` flags they stand for, in BSON's (sorted) order.
# Plain ints: bit tests on ``re.RegexFlag`` members go through slow enum code.
_FLAG_LETTERS: Tuple[Tuple[str, int], ...] = (
    ("i", int(re.IGNORECASE)), ("l", int(re.LOCALE)), ("m", int(re.MULTILINE)),
    ("s", int(re.DOTALL)), ("u", int(re.UNICODE)), ("x", int(re.VERBOSE)),
)
# The same as ``re`` flags, for str_flags_to_int: ORing them gives a ``re.RegexFlag``,
# whose repr (``re.IGNORECASE|re.MULTILINE``) is what 3.4 showed.
_LETTER_TO_RE_FLAG = {"i": re.IGNORECASE, "l": re.LOCALE, "m": re.MULTILINE,
                      "s": re.DOTALL, "u": re.UNICODE, "x": re.VERBOSE}
_PATTERN_TYPE = type(re.compile(""))
_STR_FLAGS_CACHE: dict = {}


def str_flags_to_int(str_flags: str) -> int:
    """Convert BSON option letters (``"imx"``) to Python ``re`` flags.

    :param str_flags: the ``str`` of option letters, as stored in a BSON regular
        expression.
    :returns: the flags OR-ed together, for :func:`re.compile`.

    Letters other than ``ilmsux`` are ignored, as PyMongo 3.4 did (the server knows
    no others).  No letter gives the int 0, any gives a ``re.RegexFlag``.
    """
    flags = _STR_FLAGS_CACHE.get(str_flags)
    if flags is None:
        flags = 0
        for letter, flag in _LETTER_TO_RE_FLAG.items():
            if letter in str_flags:
                flags |= flag
        if len(_STR_FLAGS_CACHE) < 1024:
            _STR_FLAGS_CACHE[str_flags] = flags
    return flags


_FLAGS_TEXT_CACHE: dict = {}


def int_flags_to_str(flags: int) -> str:
    """The BSON option letters, sorted, for Python ``re`` flags (unknown bits dropped)."""
    text = _FLAGS_TEXT_CACHE.get(flags)
    if text is None:
        flags = int(flags)
        text = "".join(letter for letter, bit in _FLAG_LETTERS if flags & bit)
        if len(_FLAGS_TEXT_CACHE) < 1024:
            _FLAGS_TEXT_CACHE[flags] = text
    return text


class Regex:
    """BSON regular expression data: a ``pattern`` and integer ``flags``.

    Useful for regular expressions that Python's dialect cannot compile.  ``flags`` is
    an integer bitmask or a string of option letters such as ``"im"``.
    """

    __slots__ = ("pattern", "flags")
    _type_marker = 11

    @classmethod
    def from_native(cls, regex: Pattern) -> Regex:
        """Convert a compiled Python regular expression into a Regex instance.

        A pattern compiled from a ``str`` has ``re.UNICODE`` set; unset it first
        (``regex.flags ^= re.UNICODE``) to keep that flag out of the stored regex.
        """
        if not isinstance(regex, _PATTERN_TYPE):
            raise TypeError(f"regex must be a compiled regular expression, not {type(regex)!r}")
        return Regex(regex.pattern, regex.flags)

    def __init__(self, pattern: Union[str, bytes], flags: Union[int, str] = 0) -> None:
        if not isinstance(pattern, (str, bytes)):
            raise TypeError(f"pattern must be a string, not {type(pattern)!r}")
        self.pattern = pattern
        if isinstance(flags, str):
            self.flags = str_flags_to_int(flags)
        elif isinstance(flags, int):
            self.flags = flags
        else:
            raise TypeError(f"flags must be a string or int, not {type(flags)!r}")

    def __getstate__(self) -> Tuple[Any, int]:
        return self.pattern, self.flags

    def __setstate__(self, state: Tuple[Any, int]) -> None:
        self.pattern, self.flags = state

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Regex):
            return self.pattern == other.pattern and self.flags == other.flags
        return NotImplemented

    # Mutable (the documented ``regex.flags ^= re.UNICODE``), so not hashable.
    __hash__ = None  # type: ignore[assignment]

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r}, {self.flags!r})"

    def try_compile(self) -> Pattern:
        """Compile this Regex as a Python regular expression; may raise ``re.error``."""
        return re.compile(self.pattern, self.flags)
