"""The orchestrator's side of the worker processes, and the fresh-interpreter import timing.

Every child runs from a temporary directory with ``PYTHONPATH`` removed, so the ``bson`` and
``pymongo`` it imports are the ones installed in its interpreter, never the repository's
through the working directory.
"""
from __future__ import annotations

import json
import os
import select
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

WORKER = Path(__file__).resolve().with_name("worker.py")
REPLY_TIMEOUT = 900.0  # one prepare or iteration; the slowest full-run step takes ~15 s
# Two numbers: the bare import, and the import plus the client class (our pymongo loads
# its client lazily, so only the second compares the whole cost fairly).
IMPORT_SNIPPET = ("import time; t0 = time.perf_counter(); import pymongo; "
                  "t1 = time.perf_counter(); pymongo.MongoClient; "
                  "print(t1 - t0, time.perf_counter() - t0)")


class WorkerError(Exception):
    """A worker died, timed out or answered a command with an error."""


def child_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra or {})
    return env


class WorkerProcess:
    """One long-lived ``worker.py``: requests and replies are single JSON lines."""

    def __init__(self, label: str, python: str, api: str, pure: bool = False,
                 with_plugins: bool = False) -> None:
        self.label = label
        self.python = python
        self.info: Dict[str, Any] = {}  # the worker's answer to "hello"
        self._cwd = tempfile.TemporaryDirectory(prefix="mongofw-bench-")
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        cmd = [python, str(WORKER), "--api", api]
        if pure:
            cmd.append("--pure")
        if with_plugins:
            cmd.append("--with-plugins")
        try:
            self.proc = subprocess.Popen(cmd, cwd=self._cwd.name, env=child_env(),
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._log, text=True, bufsize=1)
        except OSError as exc:
            raise WorkerError(f"{label}: cannot start {python!r}: {exc}") from None

    def stderr_tail(self, limit: int = 3000) -> str:
        self._log.seek(0)
        return self._log.read()[-limit:]

    def request(self, msg: Dict[str, Any], timeout: float = REPLY_TIMEOUT) -> Dict[str, Any]:
        """Send one command and wait for its reply; raise WorkerError on any failure."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(msg) + "\n")
            self.proc.stdin.flush()
        except OSError as exc:
            raise WorkerError(f"{self.label}: worker is gone ({exc}):\n"
                              f"{self.stderr_tail()}") from None
        # Strict request/reply: the buffer never holds a second line, so select() is exact.
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.close()
            raise WorkerError(f"{self.label}: no reply to {msg.get('cmd')!r} "
                              f"within {timeout:.0f}s; worker stopped")
        line = self.proc.stdout.readline()
        if not line:
            raise WorkerError(f"{self.label}: worker exited (status {self.proc.poll()}):\n"
                              f"{self.stderr_tail()}")
        reply = json.loads(line)
        if "error" in reply:
            raise WorkerError(f"{self.label}: {msg.get('cmd')} failed:\n{reply['error']}")
        return reply

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()
        self._cwd.cleanup()


def time_import(pythons: Sequence[tuple], rounds: int) -> Dict[str, Dict[str, Any]]:
    """Median ``import pymongo`` time per (label, python, env) in fresh interpreters.

    The interpreters alternate, and each first runs once untimed so compiling ``.pyc``
    files and a cold disk cache count against no one. ``PYTHONDONTWRITEBYTECODE`` is
    dropped for these runs: with it set, an editable install recompiles every module on
    every import while pip has already compiled the reference's ``.pyc`` files, so the
    comparison would measure the install method rather than the driver.
    """
    samples: Dict[str, List[float]] = {label: [] for label, _, _ in pythons}
    with_client: Dict[str, List[float]] = {label: [] for label, _, _ in pythons}
    with tempfile.TemporaryDirectory(prefix="mongofw-bench-import-") as cwd:
        for attempt in range(rounds + 1):
            for label, python, env in pythons:
                run_env = child_env(env)
                run_env.pop("PYTHONDONTWRITEBYTECODE", None)
                done = subprocess.run([python, "-c", IMPORT_SNIPPET], cwd=cwd,
                                      env=run_env, capture_output=True, text=True,
                                      timeout=120)
                if done.returncode != 0:
                    raise WorkerError(f"{label}: import pymongo failed:\n{done.stderr[-2000:]}")
                if attempt:
                    bare, full = done.stdout.strip().splitlines()[-1].split()
                    samples[label].append(float(bare))
                    with_client[label].append(float(full))
    return {label: {"samples_s": values, "median_ms": statistics.median(values) * 1000,
                    "with_client_median_ms": statistics.median(with_client[label]) * 1000}
            for label, values in samples.items()}
