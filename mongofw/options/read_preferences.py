"""Read preferences: which members of a replica set may answer a read.

Each mode is an immutable value (documented as ``pymongo.read_preferences``).  What a
mode accepts during server selection is the core's business:
:mod:`mongofw.core.topology.read_preference_selection`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Sequence

from mongofw.errors import ConfigurationError

_PRIMARY = 0
_PRIMARY_PREFERRED = 1
_SECONDARY = 2
_SECONDARY_PREFERRED = 3
_NEAREST = 4

# The smallest maxStalenessSeconds the max staleness spec allows: 90 s, so a secondary that
# is only slow to report is not mistaken for a stale one.
SMALLEST_MAX_STALENESS = 90
# lastWrite appears in the handshake from MongoDB 3.4 (wire version 5) on.  The core's
# wire_versions.WIRE_VERSION_MAX_STALENESS names the same version; options sit below it.
MAX_STALENESS_MIN_WIRE_VERSION = 5

# The camelCase names the server (and mongos, in $readPreference) uses, by mode.
_MONGOS_MODES = ("primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest")


def _validate_tag_sets(tag_sets: Any) -> Optional[List[Mapping[str, Any]]]:
    """The list itself, as 3.4 kept it: its tag sets stay the mappings given."""
    if tag_sets is None:
        return None
    if not isinstance(tag_sets, list):
        raise TypeError(f"tag_sets {tag_sets!r} invalid, must be a list of dicts like "
                        f"[{{'dc': 'ny'}}]")
    if not tag_sets:
        raise ValueError(f"tag_sets {tag_sets!r} invalid, must be None or contain at least "
                         f"one set of tags")
    for tags in tag_sets:
        if not isinstance(tags, Mapping):
            raise TypeError(f"tag set {tags!r} invalid, must be a mapping like {{'dc': 'ny'}}, "
                            f"not {type(tags).__name__}")
    return tag_sets


def _validate_max_staleness(max_staleness: Any) -> int:
    if max_staleness == -1:
        return -1
    if not isinstance(max_staleness, int):
        raise TypeError(f"max_staleness must be an integer number of seconds, not "
                        f"{type(max_staleness).__name__} {max_staleness!r}")
    if max_staleness != -1 and max_staleness <= 0:
        raise ValueError(f"max_staleness must be a positive number of seconds (at least "
                         f"{SMALLEST_MAX_STALENESS}) or -1 for no maximum, "
                         f"not {max_staleness}")
    return max_staleness


def _validate_hedge(hedge: Any) -> Optional[Mapping[str, Any]]:
    if hedge is not None and not isinstance(hedge, Mapping):
        raise TypeError(f"hedge must be a mapping like {{'enabled': True}}, not "
                        f"{type(hedge).__name__} {hedge!r}")
    return hedge


class _ServerMode:
    """Base of the five read preference modes."""

    __slots__ = ("__mode", "__tag_sets", "__max_staleness", "__hedge")

    def __init__(self, mode: int, tag_sets: Optional[Sequence[Mapping[str, Any]]] = None,
                 max_staleness: int = -1, hedge: Optional[Mapping[str, Any]] = None) -> None:
        self.__mode = mode
        self.__tag_sets = _validate_tag_sets(tag_sets)
        self.__max_staleness = _validate_max_staleness(max_staleness)
        self.__hedge = _validate_hedge(hedge)

    @property
    def name(self) -> str:
        """The name of this read preference ("SecondaryPreferred")."""
        return type(self).__name__

    @property
    def mongos_mode(self) -> str:
        """The mode as the server spells it ("secondaryPreferred")."""
        return _MONGOS_MODES[self.__mode]

    @property
    def mode(self) -> int:
        """The mode of this read preference instance (0 to 4)."""
        return self.__mode

    @property
    def document(self) -> Dict[str, Any]:
        """Read preference as a document, as sent to mongos in ``$readPreference``."""
        doc: Dict[str, Any] = {"mode": self.mongos_mode}
        if self.__tag_sets not in (None, [{}]):
            doc["tags"] = list(self.__tag_sets)
        if self.__max_staleness != -1:
            doc["maxStalenessSeconds"] = self.__max_staleness
        if self.__hedge:
            doc["hedge"] = dict(self.__hedge)
        return doc

    @property
    def tag_sets(self) -> List[Mapping[str, Any]]:
        """Tag sets tried in order; ``[{}]`` (any member) when none were given."""
        return list(self.__tag_sets) if self.__tag_sets else [{}]

    @property
    def max_staleness(self) -> int:
        """Maximum estimated replication lag in seconds, or -1 for no maximum."""
        return self.__max_staleness

    @property
    def hedge(self) -> Optional[Mapping[str, Any]]:
        """Hedged reads on a sharded cluster (MongoDB 4.4+, 3.11): e.g. ``{"enabled": True}``
        lets mongos send each read to two members and take the first answer; None (the
        default) leaves the choice to the server."""
        return self.__hedge

    @property
    def min_wire_version(self) -> int:
        """maxStalenessSeconds needs every server at wire version 5 (MongoDB 3.4)."""
        return 0 if self.__max_staleness == -1 else MAX_STALENESS_MIN_WIRE_VERSION

    def __repr__(self) -> str:
        tags = self.__tag_sets
        # 3.4's repr, with the hedge (3.11) only when there is one.
        hedge = "" if self.__hedge is None else f", hedge={self.__hedge!r}"
        return f"{self.name}(tag_sets={tags!r}, max_staleness={self.__max_staleness!r}{hedge})"

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, _ServerMode):
            return NotImplemented
        return (self.mode == other.mode and self.tag_sets == other.tag_sets
                and self.max_staleness == other.max_staleness and self.hedge == other.hedge)

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    # Unhashable, as in 3.4 (its tag sets are the caller's mutable list).
    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> Dict[str, Any]:
        return {"mode": self.__mode, "tag_sets": self.__tag_sets,
                "max_staleness": self.__max_staleness, "hedge": self.__hedge}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self.__mode = state["mode"]
        self.__tag_sets = state["tag_sets"]
        self.__max_staleness = state["max_staleness"]
        self.__hedge = state.get("hedge")  # absent from a pickle made before 3.11's hedge


class Primary(_ServerMode):
    """Read from the primary only (the default)."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(_PRIMARY)

    def __repr__(self) -> str:
        return "Primary()"


class PrimaryPreferred(_ServerMode):
    """Read from the primary if there is one, otherwise from a matching secondary.

    :param tag_sets: a list of tag sets (mappings such as ``{"dc": "ny"}``), tried in
        order: secondaries are chosen among those whose tags include every pair of the first set that any member
        matches; ``{}`` matches any member.  ``None`` (the default) is ``[{}]``.
    :param max_staleness: the most seconds a secondary's data may lag behind the
        primary's (an ``int``, at least 90 when set; needs MongoDB 3.4), or ``-1``
        (the default) for no limit.
    :param hedge: for a sharded cluster, e.g. ``{"enabled": True}``: mongos sends
        each read to two members and takes the first answer (MongoDB 4.4+; new in 3.11).
        ``None`` (the default) leaves it to the server.
    :raises TypeError: when ``tag_sets`` is not a list of mappings, ``max_staleness``
        not an ``int`` or ``hedge`` not a mapping.
    :raises ValueError: when ``tag_sets`` is an empty list or ``max_staleness`` is zero
        or negative (other than ``-1``).
    """

    __slots__ = ()

    def __init__(self, tag_sets: Optional[Sequence[Mapping[str, Any]]] = None,
                 max_staleness: int = -1, hedge: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(_PRIMARY_PREFERRED, tag_sets, max_staleness, hedge)


class Secondary(_ServerMode):
    """Read from a matching secondary only.

    :param tag_sets: a list of tag sets (mappings such as ``{"dc": "ny"}``), tried in
        order: the secondaries used are those whose tags include every pair of the first set that any member
        matches; ``{}`` matches any member.  ``None`` (the default) is ``[{}]``.
    :param max_staleness: the most seconds a secondary's data may lag behind the
        primary's (an ``int``, at least 90 when set; needs MongoDB 3.4), or ``-1``
        (the default) for no limit.
    :param hedge: for a sharded cluster, e.g. ``{"enabled": True}``: mongos sends
        each read to two members and takes the first answer (MongoDB 4.4+; new in 3.11).
        ``None`` (the default) leaves it to the server.
    :raises TypeError: when ``tag_sets`` is not a list of mappings, ``max_staleness``
        not an ``int`` or ``hedge`` not a mapping.
    :raises ValueError: when ``tag_sets`` is an empty list or ``max_staleness`` is zero
        or negative (other than ``-1``).
    """

    __slots__ = ()

    def __init__(self, tag_sets: Optional[Sequence[Mapping[str, Any]]] = None,
                 max_staleness: int = -1, hedge: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(_SECONDARY, tag_sets, max_staleness, hedge)


class SecondaryPreferred(_ServerMode):
    """Read from a matching secondary, or from the primary when none matches.

    :param tag_sets: a list of tag sets (mappings such as ``{"dc": "ny"}``), tried in
        order: the secondaries used are those whose tags include every pair of the first set that any member
        matches; ``{}`` matches any member.  ``None`` (the default) is ``[{}]``.
    :param max_staleness: the most seconds a secondary's data may lag behind the
        primary's (an ``int``, at least 90 when set; needs MongoDB 3.4), or ``-1``
        (the default) for no limit.
    :param hedge: for a sharded cluster, e.g. ``{"enabled": True}``: mongos sends
        each read to two members and takes the first answer (MongoDB 4.4+; new in 3.11).
        ``None`` (the default) leaves it to the server.
    :raises TypeError: when ``tag_sets`` is not a list of mappings, ``max_staleness``
        not an ``int`` or ``hedge`` not a mapping.
    :raises ValueError: when ``tag_sets`` is an empty list or ``max_staleness`` is zero
        or negative (other than ``-1``).
    """

    __slots__ = ()

    def __init__(self, tag_sets: Optional[Sequence[Mapping[str, Any]]] = None,
                 max_staleness: int = -1, hedge: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(_SECONDARY_PREFERRED, tag_sets, max_staleness, hedge)


class Nearest(_ServerMode):
    """Read from any matching member, primary or secondary.

    :param tag_sets: a list of tag sets (mappings such as ``{"dc": "ny"}``), tried in
        order: the members used are those whose tags include every pair of the first set that any member
        matches; ``{}`` matches any member.  ``None`` (the default) is ``[{}]``.
    :param max_staleness: the most seconds a secondary's data may lag behind the
        primary's (an ``int``, at least 90 when set; needs MongoDB 3.4), or ``-1``
        (the default) for no limit.
    :param hedge: for a sharded cluster, e.g. ``{"enabled": True}``: mongos sends
        each read to two members and takes the first answer (MongoDB 4.4+; new in 3.11).
        ``None`` (the default) leaves it to the server.
    :raises TypeError: when ``tag_sets`` is not a list of mappings, ``max_staleness``
        not an ``int`` or ``hedge`` not a mapping.
    :raises ValueError: when ``tag_sets`` is an empty list or ``max_staleness`` is zero
        or negative (other than ``-1``).
    """

    __slots__ = ()

    def __init__(self, tag_sets: Optional[Sequence[Mapping[str, Any]]] = None,
                 max_staleness: int = -1, hedge: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(_NEAREST, tag_sets, max_staleness, hedge)



_ALL_READ_PREFERENCES = (Primary, PrimaryPreferred, Secondary, SecondaryPreferred, Nearest)


def read_pref_mode_from_name(name: str) -> int:
    """The mode number of a server-style name ("secondaryPreferred" -> 3)."""
    try:
        return _MONGOS_MODES.index(name)
    except ValueError:
        raise ValueError(f"{name!r} is not a read preference mode; expected one of "
                         f"{', '.join(_MONGOS_MODES)}") from None


def make_read_preference(mode: int, tag_sets: Optional[Sequence[Mapping[str, Any]]],
                         max_staleness: int = -1) -> _ServerMode:
    """The read preference for a mode number, with tags and max staleness.

    :param mode: ``0`` :class:`Primary`, ``1`` :class:`PrimaryPreferred`, ``2``
        :class:`Secondary`, ``3`` :class:`SecondaryPreferred`, ``4`` :class:`Nearest`.
    :param tag_sets: a list of tag sets, as the classes take, or None.
    :param max_staleness: seconds, or ``-1`` (the default) for no limit.
    :returns: an instance of the mode's class.
    :raises ValueError: when ``mode`` is not an int from 0 to 4.
    :raises ~pymongo.errors.ConfigurationError: when ``mode`` is 0 (primary) with tag
        sets or a max staleness.
    """
    if isinstance(mode, bool) or not isinstance(mode, int) or not 0 <= mode < len(_MONGOS_MODES):
        raise ValueError(f"read preference mode must be an integer from 0 to "
                         f"{len(_MONGOS_MODES) - 1}, not {mode!r}")
    if mode == _PRIMARY:
        if tag_sets not in (None, [{}]):
            raise ConfigurationError(f"read preference primary cannot be combined with tags, "
                                     f"got tag_sets {tag_sets!r}")
        if max_staleness != -1:
            raise ConfigurationError(f"read preference primary cannot be combined with "
                                     f"maxStalenessSeconds, got {max_staleness!r}")
        return Primary()
    return _ALL_READ_PREFERENCES[mode](tag_sets, max_staleness)


class ReadPreference:
    """The five modes with default options (``ReadPreference.SECONDARY`` etc.)."""

    PRIMARY = Primary()
    PRIMARY_PREFERRED = PrimaryPreferred()
    SECONDARY = Secondary()
    SECONDARY_PREFERRED = SecondaryPreferred()
    NEAREST = Nearest()
