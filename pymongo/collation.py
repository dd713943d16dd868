"""Tools for working with collations."""
from mongofw.options.collation import (  # noqa: F401
    Collation,
    CollationAlternate,
    CollationCaseFirst,
    CollationMaxVariable,
    CollationStrength,
    validate_collation_or_none,
)
