"""Server selection by read preference: what each of the five modes accepts.

The modes themselves are option values (:mod:`mongofw.options.read_preferences`); this
module gives each one its selection rule.  :func:`select_by_read_preference` takes a
mode and a :class:`~mongofw.core.topology.server_selectors.Selection` and returns the
members it accepts, before the latency window is applied.
"""
from __future__ import annotations

from typing import Any, Callable, Dict

from mongofw.core.topology import max_staleness as _staleness
from mongofw.core.topology import server_selectors as _sel
from mongofw.options.read_preferences import _ServerMode

Selection = _sel.Selection


def _not_stale(pref: _ServerMode, selection: Selection) -> Selection:
    return _staleness.select(pref.max_staleness, selection)


def _primary(pref: _ServerMode, selection: Selection) -> Selection:
    return selection.primary_selection


def _primary_preferred(pref: _ServerMode, selection: Selection) -> Selection:
    if selection.primary is not None:
        return selection.primary_selection
    return _sel.secondary_with_tags_server_selector(pref.tag_sets, _not_stale(pref, selection))


def _secondary(pref: _ServerMode, selection: Selection) -> Selection:
    return _sel.secondary_with_tags_server_selector(pref.tag_sets, _not_stale(pref, selection))


def _secondary_preferred(pref: _ServerMode, selection: Selection) -> Selection:
    found = _secondary(pref, selection)
    return found if found else selection.primary_selection


def _nearest(pref: _ServerMode, selection: Selection) -> Selection:
    return _sel.member_with_tags_server_selector(pref.tag_sets, _not_stale(pref, selection))


# By mode number (Primary is 0 ... Nearest is 4).
_RULES: Dict[int, Callable[[_ServerMode, Selection], Selection]] = {
    0: _primary, 1: _primary_preferred, 2: _secondary, 3: _secondary_preferred, 4: _nearest,
}


def select_by_read_preference(pref: _ServerMode, selection: Selection) -> Selection:
    """The members of ``selection`` that ``pref`` accepts.

    Outside a replica set the mode is passed on to mongos (or ignored by a single
    server): every readable server qualifies.  In a replica set, ``maxStalenessSeconds``
    is checked against the heartbeat frequency first (``ConfigurationError``).
    """
    if not selection.is_replica_set:
        return _sel.readable_server_selector(selection)
    _staleness.validate(pref.max_staleness, selection.heartbeat_frequency)
    return _RULES[pref.mode](pref, selection)


def run_selector(selector: Any, selection: Selection) -> Any:
    """Run ``selector`` (a read preference or a selector function) on ``selection``."""
    if isinstance(selector, _ServerMode):
        return select_by_read_preference(selector, selection)
    return selector(selection)
