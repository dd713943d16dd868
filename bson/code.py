"""The BSON JavaScript code type, with an optional scope."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Tuple


class Code(str):
    """BSON's JavaScript code type: a ``str`` with an optional ``scope`` dict.

    Raises TypeError if ``code`` is not a str or ``scope`` is not None or a mapping.
    ``code`` may be another Code, whose scope becomes this one's; then ``scope`` and
    then ``**kwargs`` are applied on top.  Without any of them ``scope`` is None.

    As in PyMongo 3.4, a scope given alone is kept as the object passed (not copied),
    and Code is not hashable.  Where 3.4 merged two scopes by updating one of them in
    place (another Code's scope, or the caller's dict), this merges into a new dict.
    """

    _type_marker = 13

    def __new__(cls, code: str, scope: Optional[Mapping] = None, **kwargs: Any) -> Code:
        if not isinstance(code, str):
            raise TypeError(f"code must be an instance of str, not {type(code)!r}")
        self = str.__new__(cls, code)
        try:
            inherited = code.scope  # a Code passed as ``code`` lends its scope
        except AttributeError:
            inherited = None
        if scope is not None and not isinstance(scope, Mapping):
            raise TypeError(f"scope must be an instance of dict, not {type(scope)!r}")
        parts = [part for part in (inherited, scope, kwargs or None) if part is not None]
        if len(parts) > 1:
            merged: dict = {}
            for part in parts:
                merged.update(part)
            self.__scope = merged
        else:
            self.__scope = parts[0] if parts else None
        return self

    @property
    def scope(self) -> Optional[dict]:
        """Scope dictionary for this instance or None."""
        return self.__scope

    def __reduce__(self) -> Tuple[Any, ...]:
        return Code, (str(self), self.__scope)

    def __repr__(self) -> str:
        return f"Code({str.__repr__(self)}, {self.__scope!r})"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Code):
            return (self.__scope, str(self)) == (other.scope, str(other))
        return False

    def __ne__(self, other: Any) -> bool:
        return not self == other

    # Unhashable, as in 3.4: equality includes the (mutable) scope.
    __hash__ = None  # type: ignore[assignment]
