"""One implementation's side of the benchmarks, run in that implementation's interpreter.

Started by ``run.py`` as ``python benchmarks/worker.py --api 3.4|4 [--pure]`` from a neutral
directory, so the ``bson``/``pymongo`` it imports are the installed ones of that interpreter.
It reads one JSON command per line on stdin and answers one JSON line on stdout:

    {"cmd": "hello"}                                   -> versions, has_c, blocked modules
    {"cmd": "prepare", "workload": W, "ops": N, "uri": U, "db": D}
                                       -> {"bytes_per_op": B, "digest": D} or {"skip": why}
    {"cmd": "run"}                                     -> {"wall": s, "cpu": s} of one iteration
    {"cmd": "finish"}                                  -> drops the database, closes the client
    {"cmd": "memory", "scenario": S, "size": N, "uri": U, "db": D}
                              -> peak RSS above baseline of one scenario (a fresh worker each)
    {"cmd": "cursor_setup", "size": N, "uri": U}       -> fills the shared cursor collection

Any failure answers {"error": traceback}; the worker stays up for the next command.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import os
import platform
import sys
import time
import traceback
from typing import Any, Dict, List, Optional

# Compiled accelerators to hide for the pure-Python rows.  Setting a ``sys.modules`` entry to
# None makes ``import`` raise ImportError (documented import-system behaviour), and PyMongo 4
# falls back to pure Python when ``from bson import _cbson`` fails; it has no documented
# switch of its own.  Ours: the names its accelerator (issue 9, part 2) is expected to use;
# ``bson.has_c()`` is checked afterwards, so a wrong guess is reported, not measured.
ACCELERATORS = {"4": ("bson._cbson", "pymongo._cmessage"),
                "3.4": ("bson._cbson", "pymongo._cmessage")}
DEFAULT_PLUGIN_PREFIX = "default_"


def _non_default_plugins() -> List[str]:
    """Entry-point names of installed mongofw plugins other than the bundled defaults."""
    from importlib import metadata
    found = metadata.entry_points()
    group = (found.select(group="mongofw") if hasattr(found, "select")
             else found.get("mongofw", ()))  # Python 3.9: a dict of groups
    return sorted({ep.name for ep in group if not ep.name.startswith(DEFAULT_PLUGIN_PREFIX)})


def _discard(workload: Any, ctx: Any) -> None:
    """Close what a failed prepare opened; the prepare's own error is the one reported."""
    with contextlib.suppress(Exception):
        workload.cleanup(ctx)


class Worker:
    """Holds the adapter and the current workload's context between commands."""

    def __init__(self, api: str, pure: bool, with_plugins: bool) -> None:
        self.disabled_plugins: List[str] = []
        if api == "3.4" and not with_plugins:
            # Installed example plugins (metrics listeners, extra codecs) are not the driver;
            # benchmark the core with its default plugins, as a plain install has.
            self.disabled_plugins = _non_default_plugins()
            os.environ["MONGOFW_DISABLE_PLUGINS"] = ",".join(self.disabled_plugins)
        self.blocked = ACCELERATORS[api] if pure else ()
        for name in self.blocked:
            sys.modules[name] = None  # type: ignore[assignment]
        from workloads import APIS
        self.api = APIS[api]()
        self.pure = pure
        self.workload: Any = None
        self.ctx: Any = None
        from warmup import CpuWarmer
        self.warmer = CpuWarmer()

    def hello(self) -> Dict[str, Any]:
        bson, pymongo = self.api.bson, self.api.pymongo
        info = {"python": platform.python_version(), "executable": sys.executable,
                "api": self.api.label, "bson_file": bson.__file__,
                "pymongo_version": getattr(pymongo, "version", "?"),
                "bson_has_c": bson.has_c(), "pymongo_has_c": pymongo.has_c(),
                "blocked_modules": list(self.blocked), "pure": self.pure,
                "disabled_plugins": self.disabled_plugins}
        if self.pure and (info["bson_has_c"] or info["pymongo_has_c"]):
            raise RuntimeError(f"blocking {list(self.blocked)} did not disable the accelerator "
                               f"(bson.has_c()={info['bson_has_c']}); see ACCELERATORS")
        return info

    def prepare(self, name: str, ops: int, uri: Optional[str], db: str) -> Dict[str, Any]:
        from scenarios import ALL_BY_NAME
        from workloads import Context, Skip
        self.workload = self.ctx = None
        workload, ctx = ALL_BY_NAME[name], Context(self.api, ops, uri, db)
        try:
            workload.prepare(ctx)
        except Skip as exc:
            _discard(workload, ctx)
            return {"skip": str(exc)}
        except Exception:
            _discard(workload, ctx)
            raise
        if not workload.server:
            # Warm the codec's caches and the interpreter's specialisations, untimed.
            ctx.ops = max(1, ops // 10)
            workload.run(ctx)
            ctx.ops = ops
        self.workload, self.ctx = workload, ctx
        # The orchestrator compares this across sides: both must work on the same bytes.
        digest = (hashlib.sha256(self.api.encode(ctx.doc)).hexdigest()
                  if ctx.doc is not None else None)
        return {"bytes_per_op": ctx.bytes_per_op, "digest": digest}

    def run(self) -> Dict[str, Any]:
        if self.workload is None:
            raise RuntimeError("run before a successful prepare")
        self.workload.before(self.ctx)
        self.ctx.result = {}
        # Garbage left by the setup is collected before the clock starts, on both sides,
        # and the CPU is brought up to speed (warmup.py says why).
        gc.collect()
        self.warmer.warm()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        self.workload.run(self.ctx)
        wall1, cpu1 = time.perf_counter(), time.process_time()
        # Workloads that count their own operations (threads) add "ops" and more.
        return {"wall": wall1 - wall0, "cpu": cpu1 - cpu0, **self.ctx.result}

    def bytecodes(self, ops: int) -> Dict[str, Any]:
        """Bytecodes and Python calls per operation of the prepared workload (after its
        timed iterations, before ``finish``), over ``ops`` operations."""
        if self.workload is None:
            raise RuntimeError("bytecodes before a successful prepare")
        from bytecodes import count_bytecodes
        saved = self.ctx.ops
        self.ctx.ops = ops
        try:
            self.workload.before(self.ctx)  # per-operation setup (copies) sized for ops
            workload, ctx = self.workload, self.ctx
            executed, calls = count_bytecodes(lambda: workload.run(ctx))
        finally:
            self.ctx.ops = saved
        return {"bytecodes_per_op": executed / ops, "calls_per_op": calls / ops}

    def finish(self) -> Dict[str, Any]:
        if self.workload is not None:
            self.workload.cleanup(self.ctx)
        self.workload = self.ctx = None
        return {}

    def handle(self, msg: Dict[str, Any]) -> Dict[str, Any]:
        cmd = msg.get("cmd")
        if cmd == "hello":
            return self.hello()
        if cmd == "prepare":
            return self.prepare(msg["workload"], int(msg["ops"]), msg.get("uri"),
                                msg.get("db", "mongofw_bench"))
        if cmd == "run":
            return self.run()
        if cmd == "finish":
            return self.finish()
        if cmd == "bytecodes":
            return self.bytecodes(int(msg["ops"]))
        if cmd == "memory":
            from scenarios import memory
            return memory(self.api, msg["scenario"], int(msg["size"]), msg["uri"], msg["db"])
        if cmd == "drop_databases":
            client = self.api.client(msg["uri"])
            try:
                for name in msg["names"]:
                    client.drop_database(name)
            finally:
                client.close()
            return {}
        if cmd == "cursor_setup":
            from scenarios import cursor_setup
            return cursor_setup(self.api, msg["uri"], int(msg["size"]))
        raise ValueError(f"unknown command {cmd!r}; expected hello, prepare, run, bytecodes, "
                         f"finish, memory, cursor_setup or drop_databases")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", choices=["3.4", "4"], required=True)
    parser.add_argument("--pure", action="store_true", help="hide the compiled accelerator")
    parser.add_argument("--with-plugins", action="store_true",
                        help="keep every installed mongofw plugin enabled")
    args = parser.parse_args(argv)
    # Replies own the real stdout; anything a library prints goes to stderr instead.
    out = sys.stdout
    sys.stdout = sys.stderr
    worker: Optional[Worker] = None
    startup_error = ""
    try:
        worker = Worker(args.api, args.pure, args.with_plugins)
    except Exception:
        startup_error = traceback.format_exc()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            if worker is None:
                raise RuntimeError(f"worker failed to start:\n{startup_error}")
            reply = worker.handle(json.loads(line))
        except Exception:
            reply = {"error": traceback.format_exc()}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
