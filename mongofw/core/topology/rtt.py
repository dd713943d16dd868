"""Round-trip time averaging for server selection's latency window."""
from __future__ import annotations

import threading
from typing import Optional

# The server selection spec weights each new sample by 0.2 (an exponentially
# weighted moving average), so one slow heartbeat does not empty the window.
RTT_ALPHA = 0.2


def next_average(previous: Optional[float], sample: float) -> float:
    """The moving average after ``sample`` (the sample itself when there was none)."""
    if sample < 0:
        raise ValueError(f"round trip time must be non-negative, not {sample!r}")
    if previous is None:
        return float(sample)
    return RTT_ALPHA * sample + (1 - RTT_ALPHA) * previous


class MovingAverage:
    """Average of a server's heartbeat round-trip times, in seconds; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._average: Optional[float] = None

    def add_sample(self, sample: float) -> None:
        """Fold in ``sample``, one round-trip time in seconds (a non-negative number):
        the first becomes the average, later ones weigh 20%.

        :raises ValueError: when ``sample`` is negative.
        """
        with self._lock:
            self._average = next_average(self._average, sample)

    def get(self) -> Optional[float]:
        """The current average, or None before the first sample."""
        return self._average

    def reset(self) -> None:
        """Forget every sample (after the server became unreachable)."""
        with self._lock:
            self._average = None
