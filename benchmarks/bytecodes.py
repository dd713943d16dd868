"""Bytecodes executed per operation: a count that does not change from run to run.

Client CPU per operation moves with the machine's state (cache contents after each wait
for the server, other processes, frequency), by 10-20% between runs.  The number of
bytecode instructions the interpreter executes for one operation does not: it is the
driver's own Python work, counted exactly, on this thread only (server monitors and
other threads are not traced).  Work done in C (the codecs, the socket calls) counts
nothing here, so the count complements the CPU figure rather than replacing it.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Tuple


def count_bytecodes(run: Callable[[], Any]) -> Tuple[int, int]:
    """``(bytecodes executed, Python calls made)`` while ``run()`` runs, ``run``'s own
    frame included (keep it a bare call); the previous trace function is restored."""
    counts = [0, 0]

    def trace(frame: Any, event: str, arg: Any) -> Any:
        if event == "opcode":
            counts[0] += 1
        elif event == "call":
            counts[1] += 1
            frame.f_trace_opcodes = True
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        run()
    finally:
        sys.settrace(previous)
    return counts[0], counts[1]
