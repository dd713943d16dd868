"""Collations (documented as ``pymongo.collation``): language-aware string comparison.

A :class:`Collation` is a checked description of the ``collation`` document the server
takes on queries, aggregations, index builds and writes (MongoDB 3.4, wire version 5).
"""
from __future__ import annotations

from typing import Any, Dict, Optional


class CollationStrength:
    """Values for ``strength``: how many ICU comparison levels apply."""

    #: Differentiate base (unadorned) characters.
    PRIMARY = 1
    #: Differentiate character accents.
    SECONDARY = 2
    #: Differentiate character case.
    TERTIARY = 3
    #: Differentiate words with and without punctuation.
    QUATERNARY = 4
    #: Differentiate unicode code point (characters are exactly identical).
    IDENTICAL = 5


class CollationAlternate:
    """Values for ``alternate``: whether spaces and punctuation are base characters."""

    #: Spaces and punctuation are treated as base characters.
    NON_IGNORABLE = "non-ignorable"
    #: Spaces and punctuation are not considered base characters.
    SHIFTED = "shifted"


class CollationMaxVariable:
    """Values for ``maxVariable``: what ``alternate=SHIFTED`` ignores."""

    #: Both punctuation and spaces are ignored.
    PUNCT = "punct"
    #: Spaces alone are ignored.
    SPACE = "space"


class CollationCaseFirst:
    """Values for ``caseFirst``: which case sorts first."""

    #: Sort uppercase characters first.
    UPPER = "upper"
    #: Sort lowercase characters first.
    LOWER = "lower"
    #: Default for locale or collation strength.
    OFF = "off"


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {value!r}")
    return value


def _check_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be an instance of str, not {type(value).__name__}")
    return value


def _check_strength(name: str, value: Any) -> int:
    # As 3.4's validate_integer: any int, or a string of digits; the server checks range.
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()):
            raise ValueError(f"{name} must be an integer, not {value!r}")
        return int(value)
    raise TypeError(f"{name} must be an integer, not {type(value).__name__}")


# Documented options in the order the document lists them, with their checks.
_OPTIONS = (
    ("caseLevel", _check_bool), ("caseFirst", _check_str), ("strength", _check_strength),
    ("numericOrdering", _check_bool), ("alternate", _check_str),
    ("maxVariable", _check_str), ("normalization", _check_bool), ("backwards", _check_bool),
)


class Collation:
    """A collation: the language rules that string comparisons follow (MongoDB 3.4+).

    Pass one as ``collation=`` to queries, aggregations, index builds and writes.
    Each option left ``None`` (the default) is not sent, so the locale's default holds.

    :param locale: an ICU locale ID (``str``), such as ``"en_US"`` or ``"fr_CA"``;
        ``"simple"`` compares binary.
    :param caseLevel: ``bool``: when ``True``, compare case at strength 1 and 2 too.
    :param caseFirst: ``str``, a :class:`CollationCaseFirst` value (``"upper"``,
        ``"lower"``, ``"off"``): which case sorts first at strength 3 and above.
    :param strength: ``int``, a :class:`CollationStrength` value from 1 (base
        letters only) to 5 (identical); a string of digits is accepted.
    :param numericOrdering: ``bool``: when ``True``, digit runs compare as numbers
        (``"10"`` after ``"9"``).
    :param alternate: ``str``, a :class:`CollationAlternate` value: whether spaces
        and punctuation count as base characters.
    :param maxVariable: ``str``, a :class:`CollationMaxVariable` value: which
        characters ``alternate="shifted"`` ignores.
    :param normalization: ``bool``: when ``True``, normalize text to NFD first.
    :param backwards: ``bool``: when ``True``, compare secondary differences (accents)
        from the end of the string, as French dictionaries do.
    :param kwargs: more collation fields, sent as given.
    :raises TypeError: when an option has the wrong type.
    :raises ValueError: when ``strength`` is a string that is not a number.
    """

    __slots__ = ("__document",)

    def __init__(self, locale: str, caseLevel: Optional[bool] = None,
                 caseFirst: Optional[str] = None, strength: Optional[int] = None,
                 numericOrdering: Optional[bool] = None, alternate: Optional[str] = None,
                 maxVariable: Optional[str] = None, normalization: Optional[bool] = None,
                 backwards: Optional[bool] = None, **kwargs: Any) -> None:
        given = {"caseLevel": caseLevel, "caseFirst": caseFirst, "strength": strength,
                 "numericOrdering": numericOrdering, "alternate": alternate,
                 "maxVariable": maxVariable, "normalization": normalization,
                 "backwards": backwards}
        document: Dict[str, Any] = {"locale": _check_str("locale", locale)}
        for name, check in _OPTIONS:
            if given[name] is not None:
                document[name] = check(name, given[name])
        document.update(kwargs)
        self.__document = document

    @property
    def document(self) -> Dict[str, Any]:
        """The collation document sent to the server (a copy)."""
        return dict(self.__document)

    def __repr__(self) -> str:
        inner = ", ".join(f"{key}={value!r}" for key, value in self.__document.items())
        return f"Collation({inner})"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Collation):
            return self.__document == other.document
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]  # unhashable, as in 3.4


def validate_collation_or_none(value: Any) -> Optional[Dict[str, Any]]:
    """The collation document for ``value`` (a Collation, or a dict passed as it is), or
    None; another type is a TypeError, as in 3.4."""
    if value is None:
        return None
    if isinstance(value, Collation):
        return value.document
    if isinstance(value, dict):
        return value
    raise TypeError(f"collation must be a dict or an instance of pymongo.collation.Collation, "
                    f"not {type(value).__name__}")
