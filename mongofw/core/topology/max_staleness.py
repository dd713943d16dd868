"""maxStalenessSeconds: estimating how far each secondary lags, and rejecting stale ones.

The max staleness spec estimates a secondary's lag from the ``lastWrite.lastWriteDate``
each member reports and the (monotonic) time the driver last checked it; both clocks
only ever appear in differences, so they need not agree with each other.
"""
from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING, Any, Optional

from mongofw.core.topology.server_type import SERVER_TYPE
from mongofw.errors import ConfigurationError
from mongofw.options.read_preferences import SMALLEST_MAX_STALENESS

if TYPE_CHECKING:
    from mongofw.core.topology.server_description import ServerDescription
    from mongofw.core.topology.server_selectors import Selection

# A primary writes a no-op every 10 seconds, so lastWriteDate is never older than that.
IDLE_WRITE_PERIOD = 10


def validate(max_staleness: int, heartbeat_frequency: float) -> None:
    """Raise ``ConfigurationError`` if ``max_staleness`` is too small for this topology."""
    if max_staleness == -1:
        return
    smallest = max(SMALLEST_MAX_STALENESS, heartbeat_frequency + IDLE_WRITE_PERIOD)
    if max_staleness < smallest:
        raise ConfigurationError(
            f"maxStalenessSeconds must be at least {smallest:g} (at least "
            f"{SMALLEST_MAX_STALENESS} and at least heartbeatFrequencyMS / 1000 + "
            f"{IDLE_WRITE_PERIOD}), not {max_staleness}")


def last_write_seconds(sd: ServerDescription) -> Optional[float]:
    """The member's last write as seconds since the epoch, or None if it reports none."""
    value: Any = sd.last_write_date
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # BSON datetimes are UTC; naive ones mean UTC too.
            return calendar.timegm(value.timetuple()) + value.microsecond / 1e6
        return value.timestamp()
    return float(value) / 1000.0  # milliseconds, as in the wire format


def staleness(sd: ServerDescription, selection: Selection) -> Optional[float]:
    """Estimated lag of secondary ``sd`` in seconds, or None if it cannot be estimated."""
    written = last_write_seconds(sd)
    if written is None:
        return None
    heartbeat = selection.heartbeat_frequency
    primary = selection.primary
    if primary is not None:
        primary_written = last_write_seconds(primary)
        if primary_written is None:
            return None
        return ((sd.last_update_time - written)
                - (primary.last_update_time - primary_written) + heartbeat)
    newest = max((w for w in (last_write_seconds(s) for s in selection.secondaries)
                  if w is not None), default=written)
    return newest - written + heartbeat


def select(max_staleness: int, selection: Selection) -> Selection:
    """``selection`` without the secondaries whose estimated lag exceeds ``max_staleness``."""
    if max_staleness == -1:
        return selection
    kept = []
    for sd in selection.server_descriptions:
        if sd.server_type == SERVER_TYPE.RSSecondary:
            lag = staleness(sd, selection)
            if lag is None or lag > max_staleness:
                continue
        kept.append(sd)
    return selection.with_server_descriptions(kept)
