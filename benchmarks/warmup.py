"""Bring the CPU up to speed before a timed iteration, the same way on every side.

On the shared virtual machines the benchmarks run on, a process that wakes after a few
tenths of a second idle often runs at about half speed (the same decode: 9.5 us per
document straight after a 0.3 s sleep, 5.3 us after a second of spinning), and gets back
to full speed only after 0.2-1 s of being busy.  The speed moves in a step, not a ramp:
a fixed piece of Python work takes either about 0.21 ms or about 0.43 ms.  The
orchestrator alternates the sides, so each worker idles while the other runs, and an
iteration shorter than that second is measured partly at half speed, the shorter one
(the faster side's) the more.

:class:`CpuWarmer` spins that fixed piece of work until it runs as fast as the fastest
this process has seen (a sample being the median time of a few units, within ``tolerance``
of the fastest sample, ``streak`` samples in a row), or until
``limit`` seconds have passed; the first warm-up of a process spins the whole ``limit``
to learn what fastest is.  The spin happens before the clock starts, so it counts on
neither side.  It cannot stop a slow stretch that starts during an iteration; pairing
each round's two iterations (run.py) is what keeps those from moving a ratio.
"""
from __future__ import annotations

import time
from typing import Callable, Optional

UNIT_LOOPS = 10_000  # one unit of spin work: about 0.2 ms of interpreter time at full speed
SAMPLE_UNITS = 5  # a sample is the median of this many units: one odd unit does not count


def _unit() -> None:
    """The spin work: an empty loop, so its time is the interpreter's alone."""
    for _ in range(UNIT_LOOPS):
        pass


class CpuWarmer:
    """Spins before each timed iteration; remembers the fastest sample seen in this process.

    :param limit: the most seconds one warm-up may spin (the machine may stay slow).
    :param minimum: the fewest seconds it spins.
    :param tolerance: a sample within this factor of the fastest seen counts as up to speed.
    :param streak: that many such samples in a row end the warm-up.
    :param unit, clock: the work and the clock (tests replace them).
    """

    def __init__(self, limit: float = 0.5, minimum: float = 0.05, tolerance: float = 1.15,
                 streak: int = 20, unit: Callable[[], None] = _unit,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.limit, self.minimum, self.tolerance, self.streak = limit, minimum, tolerance, streak
        self.unit, self.clock = unit, clock
        self.fastest: Optional[float] = None

    def warm(self) -> float:
        """Spin until up to speed (or for ``limit`` the first time); return seconds spent."""
        clock, unit = self.clock, self.unit
        learning = self.fastest is None
        start = clock()
        fast_in_a_row = 0
        while True:
            times = []
            for _ in range(SAMPLE_UNITS):
                t0 = clock()
                unit()
                t1 = clock()
                times.append(t1 - t0)
            took = sorted(times)[SAMPLE_UNITS // 2]
            if self.fastest is None or took < self.fastest:
                self.fastest = took
            fast_in_a_row = fast_in_a_row + 1 if took <= self.fastest * self.tolerance else 0
            spent = t1 - start
            if spent >= self.limit:
                return spent
            if not learning and spent >= self.minimum and fast_in_a_row >= self.streak:
                return spent
