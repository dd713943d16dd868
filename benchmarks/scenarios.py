"""Memory and thread benchmarks: peak RSS while streaming, throughput from several threads.

Memory: each scenario runs in a fresh worker interpreter per side (``worker.py``'s
``memory`` command), so what earlier benchmarks left in the heap does not count.  A thread
samples the resident set size (``/proc/self/statm``) every few milliseconds; the figure is
the highest sample minus the last one taken just before the operation starts, after the
client is connected and garbage collected.  Scenarios:

- ``gridfs_upload``: ``upload_from_stream`` of a file read from a file-like source that
  makes its bytes as they are read (nothing of the file is held by the caller);
- ``gridfs_download``: ``download_to_stream_by_name`` of that file into a sink that only
  counts the bytes;
- ``cursor``: iterating ``find()`` over a collection of small documents, keeping none.

Threads: :class:`ThreadedOps` workloads run in the long-lived workers like the others.
Each iteration starts ``threads`` threads sharing one client (``maxPoolSize=10``) and lets
them loop for a fixed time; the figure is all threads' operations per second, and the
slowest thread's share is its operation count over the mean per thread (1.0: perfectly
even; near 0: a starved thread).
"""
from __future__ import annotations

import gc
import os
import resource
import threading
import time
from typing import Any, Dict, List

from workloads import (
    CRUD_DOCS,
    FIND_ONE_FIXTURES,
    MB,
    WORKLOADS,
    Context,
    Skip,
    Workload,
    load_document,
)

SHARED_DB = "mongofw_bench_shared"
POOL_SIZE = 10
SAMPLE_INTERVAL = 0.002
# Sizes: full run / quick run.
MEMORY_SIZES = {"gridfs_upload": (200, 20), "gridfs_download": (200, 20),
                "cursor": (1_000_000, 100_000)}
MEMORY_SCENARIOS = tuple(MEMORY_SIZES)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """This process's resident set size now (Linux); else the peak so far (ru_maxrss)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class RssSampler:
    """Samples the RSS from a thread between ``start()`` and ``stop()``; keeps the peak."""

    def __init__(self) -> None:
        self.baseline = 0
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        gc.collect()
        self.baseline = self.peak = rss_bytes()
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_INTERVAL):
            self.peak = max(self.peak, rss_bytes())
            self.samples += 1

    def stop(self) -> int:
        """Stop sampling; the peak above the baseline, in bytes."""
        self.peak = max(self.peak, rss_bytes())
        self._stop.set()
        self._thread.join()
        return self.peak - self.baseline


class _MadeAsRead:
    """A file-like source of ``size`` bytes made as they are read (a 1 MiB pattern)."""

    def __init__(self, size: int) -> None:
        import random
        self.left = size
        self.block = random.Random(size).randbytes(1 << 20)
        self.offset = 0

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        out = []
        while n > 0:
            piece = self.block[self.offset:self.offset + n]
            self.offset = (self.offset + len(piece)) % len(self.block)
            out.append(piece)
            n -= len(piece)
            self.left -= len(piece)
        return b"".join(out)


class _CountingSink:
    def __init__(self) -> None:
        self.count = 0

    def write(self, data: Any) -> int:
        self.count += len(data)
        return len(data)


def cursor_setup(api: Any, uri: str, count: int) -> Dict[str, Any]:
    """Fill the shared collection with ``count`` small documents (untimed setup)."""
    client = api.client(uri)
    try:
        coll = client[SHARED_DB]["docs"]
        coll.drop()
        batch = 20_000
        for start in range(0, count, batch):
            coll.insert_many([{"_id": i, "n": i, "s": "abcdefgh"}
                              for i in range(start, min(count, start + batch))])
        return {}
    finally:
        client.close()


def memory(api: Any, scenario: str, size: int, uri: str, db_name: str) -> Dict[str, Any]:
    """Run one scenario in this (fresh) process; the peak RSS above the baseline."""
    client = api.client(uri)
    try:
        db = client[db_name]
        target: Any
        if scenario == "gridfs_upload":
            db.drop_collection("fs.files")
            db.drop_collection("fs.chunks")
            bucket = api.bucket(db)
            bucket.upload_from_stream("one-byte", b"\x00")  # indexes made outside the window
            source = _MadeAsRead(size * MB)

            def target() -> None:
                bucket.upload_from_stream("memtest", source)
            expected = None
        elif scenario == "gridfs_download":
            bucket = api.bucket(db)
            sink = _CountingSink()

            def target() -> None:
                bucket.download_to_stream_by_name("memtest", sink)
            expected = size * MB
        elif scenario == "cursor":
            coll = client[SHARED_DB]["docs"]
            counted = [0]

            def target() -> None:
                for _ in coll.find():
                    counted[0] += 1
            expected = size
        else:
            raise ValueError(f"unknown memory scenario {scenario!r}")
        sampler = RssSampler()
        sampler.start()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        target()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        above = sampler.stop()
        got = sink.count if scenario == "gridfs_download" else (
            counted[0] if scenario == "cursor" else None)
        if expected is not None and got != expected:
            raise AssertionError(f"{scenario}: got {got}, expected {expected}")
        return {"baseline_mb": sampler.baseline / MB, "peak_above_mb": above / MB,
                "samples": sampler.samples, "wall_s": wall, "cpu_s": cpu}
    finally:
        client.close()


# ------------------------------------------------------------ threads


class ThreadedOps(Workload):
    """``find_one_by_id`` or ``insert_one`` from ``threads`` threads sharing one client.

    ``ops`` / ``quick_ops`` are the seconds each iteration runs: the operation count is
    whatever the threads complete, reported with the slowest thread's share.
    """

    group, op = "threads", "command"

    def __init__(self, name: str, kind: str, threads: int, seconds: int,
                 quick_seconds: int) -> None:
        super().__init__(name, seconds, quick_seconds)
        self.kind = kind
        self.threads = threads

    def prepare(self, ctx: Context) -> None:
        if not ctx.uri:
            raise Skip("no server URI given")
        ctx.client = ctx.api.pymongo.MongoClient(ctx.uri, maxPoolSize=POOL_SIZE)
        ctx.db = ctx.client[ctx.db_name]
        ctx.db.drop_collection("corpus")
        ctx.coll = ctx.db["corpus"]
        ctx.doc = load_document(CRUD_DOCS, "tweet" if self.kind == "find_one" else "small_doc")
        if self.kind == "find_one":
            from bson.objectid import ObjectId
            ctx.copies = [ObjectId(f"{i:024x}") for i in range(FIND_ONE_FIXTURES)]
            ctx.coll.insert_many([dict(ctx.doc, _id=oid) for oid in ctx.copies])
        ctx.bytes_per_op = None

    def before(self, ctx: Context) -> None:
        if self.kind == "insert_one":
            ctx.db.drop_collection("corpus")
            ctx.coll = ctx.db.create_collection("corpus")

    def run(self, ctx: Context) -> None:
        seconds = ctx.ops
        counts: List[int] = [0] * self.threads
        errors: List[BaseException] = []
        start = threading.Barrier(self.threads + 1)
        deadline: List[float] = [0.0]
        coll, doc, ids = ctx.coll, ctx.doc, ctx.copies

        def loop(index: int) -> None:
            n = 0
            try:
                start.wait()
                end = deadline[0]
                if self.kind == "find_one":
                    find_one = coll.find_one
                    while time.perf_counter() < end:
                        find_one({"_id": ids[n % FIND_ONE_FIXTURES]})
                        n += 1
                else:
                    insert_one = coll.insert_one
                    while time.perf_counter() < end:
                        insert_one(dict(doc))
                        n += 1
            except BaseException as exc:  # noqa: BLE001 - reported after the join
                errors.append(exc)
            counts[index] = n

        threads = [threading.Thread(target=loop, args=(i,)) for i in range(self.threads)]
        for thread in threads:
            thread.start()
        deadline[0] = time.perf_counter() + seconds
        start.wait()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        total = sum(counts)
        ctx.result = {"ops": total,
                      "min_share": min(counts) / (total / self.threads) if total else 0.0}


ALL_WORKLOADS: List[Workload] = WORKLOADS + [
    ThreadedOps(f"threads_{kind}_x{n}", kind, n, 2, 1)
    for kind in ("find_one", "insert_one") for n in (1, 4, 16)]
ALL_BY_NAME: Dict[str, Workload] = {w.name: w for w in ALL_WORKLOADS}


def memory_row(scenario: str, size: int, ours: Dict[str, Any],
               theirs: Dict[str, Any]) -> Dict[str, Any]:
    unit = "MB" if scenario.startswith("gridfs") else "documents"
    return {"scenario": scenario, "size": size, "size_unit": unit, "ours": ours,
            "pymongo": theirs}


def memory_line(row: Dict[str, Any]) -> str:
    label = f"memory_{row['scenario']} ({row['size']:,} {row['size_unit']})"
    ours, theirs = row["ours"], row["pymongo"]
    if "failed" in ours or "failed" in theirs:
        return "\n".join([label] + [f"    {side}: " + (
            f"FAILED: {found['failed']}" if "failed" in found
            else f"{found['peak_above_mb']:.1f} MB above a {found['baseline_mb']:.0f} MB "
                 f"baseline, wall {found['wall_s']:.1f} s")
            for side, found in (("ours", ours), ("PyMongo 4", theirs))])
    return (f"{label:<44}{ours['peak_above_mb']:>9.1f} MB {theirs['peak_above_mb']:>9.1f} MB"
            f"   (baseline {ours['baseline_mb']:.0f} / {theirs['baseline_mb']:.0f} MB,"
            f" wall {ours['wall_s']:.1f} / {theirs['wall_s']:.1f} s)")
