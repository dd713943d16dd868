"""The benchmark suite's definitions still load and run against our codec (no server, no PyMongo 4).

``benchmarks/`` is a folder of scripts, not a package: its modules are imported from their
folder, as its worker imports them, and removed again afterwards.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import bson
from bson.code import Code
from bson.int64 import Int64
from bson.regex import Regex
from tests.support.shared import SPECS

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def workloads(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import workloads as module
    yield module
    for name in ("workloads", "bench_data", "scenarios", "run", "procs", "targets", "warmup",
                 "bytecodes", "worker", "chart"):
        sys.modules.pop(name, None)


def test_full_bson_decode_workload_runs_on_our_codec(workloads):
    """The full_decode workload prepares, warms and runs through the 3.4 API adapter."""
    workload = workloads.BY_NAME["full_decode"]
    ctx = workloads.Context(workloads.Api34(), ops=3)
    workload.prepare(ctx)
    workload.before(ctx)
    workload.run(ctx)
    assert workload.server is False and workload.unit == "MB/s"
    assert ctx.api.bson is bson
    assert ctx.bytes_per_op == len(ctx.blob)
    # The spec's full_bson document is 4,026 bytes; without ../shared a generated one stands in.
    if (SPECS / "benchmarking" / "extended_bson" / "full_bson.json").exists():
        assert len(ctx.blob) == 4026
    assert bson.BSON(ctx.blob).decode() == ctx.doc


def test_extended_json_wrappers_become_bson_values(workloads):
    """Spec documents are read with our own types, and an unknown wrapper is refused."""
    from bench_data import parse_extended_json
    doc = parse_extended_json('{"a": {"$numberLong": "7"}, "b": {"$code": "f()", "$scope": {}},'
                              ' "c": {"$regularExpression": {"pattern": "^x", "options": "i"}}}')
    assert doc == {"a": Int64(7), "b": Code("f()", {}), "c": Regex("^x", "i")}
    assert type(doc["a"]) is Int64
    with pytest.raises(ValueError, match=r"unsupported Extended JSON wrapper '\$symbol'"):
        parse_extended_json('{"s": {"$symbol": "x"}}')


def test_json_workloads_and_memory_helpers_run_here(workloads):
    """The json_util workloads run on our side; the memory helpers measure and stream."""
    import scenarios
    try:
        for name in ("json_dumps_full", "json_loads_deep"):
            workload = scenarios.ALL_BY_NAME[name]
            ctx = workloads.Context(workloads.Api34(), ops=2)
            workload.prepare(ctx)
            workload.run(ctx)
            assert ctx.bytes_per_op == len(ctx.blob.encode())
        source = scenarios._MadeAsRead(3 * 1024 * 1024 + 5)
        sizes = []
        while True:
            piece = source.read(255 * 1024)
            if not piece:
                break
            sizes.append(len(piece))
        assert sum(sizes) == 3 * 1024 * 1024 + 5
        sampler = scenarios.RssSampler()
        sampler.start()
        assert sampler.stop() >= 0 and sampler.baseline > 0
        assert {w.name for w in scenarios.ALL_WORKLOADS} >= {"threads_find_one_x16",
                                                             "threads_insert_one_x1"}
    finally:
        sys.modules.pop("scenarios", None)


def test_the_memory_goal_ignores_a_reference_that_failed(monkeypatch):
    # The goal table and the chart judge the memory rows with one function.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    try:
        from targets import MEMORY_LIMIT_MB, memory_met
        assert memory_met(4.3, None)                       # PyMongo 4 failed: the limit only
        assert not memory_met(MEMORY_LIMIT_MB + 1, None)
        assert memory_met(0.4, 0.1)                        # under the 1 MB floor
        assert not memory_met(5.0, 2.0)                    # above PyMongo 4's figure
        assert memory_met(4.7, 101.9)
    finally:
        sys.modules.pop("targets", None)


@pytest.fixture
def bytecodes(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bytecodes as module
    yield module
    sys.modules.pop("bytecodes", None)


def test_bytecode_counts_are_exact_and_grow_with_the_work(bytecodes):
    def step(n):
        total = 0
        for i in range(n):
            total += i
        return total

    def once():
        step(3)

    def thrice():
        step(3)
        step(3)
        step(3)

    first, calls = bytecodes.count_bytecodes(once)
    assert (first, calls) == bytecodes.count_bytecodes(once)  # the same every time
    assert calls == 2  # once, and step
    three, calls = bytecodes.count_bytecodes(thrice)
    assert calls == 4 and three > 2 * first
    longer, _ = bytecodes.count_bytecodes(lambda: step(30))
    shorter, _ = bytecodes.count_bytecodes(lambda: step(3))
    assert longer > shorter


def test_bytecode_counting_restores_the_previous_tracer(bytecodes):
    def tracer(frame, event, arg):
        return None

    sys.settrace(tracer)
    try:
        bytecodes.count_bytecodes(lambda: None)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(None)


@pytest.fixture
def bench_module(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    loaded = set(sys.modules)
    import importlib

    yield importlib.import_module
    # Only the benchmark scripts themselves: a library module they imported first stays
    # loaded, so later tests never see a second copy of it.
    for name in set(sys.modules) - loaded:
        path = getattr(sys.modules[name], "__file__", None) or ""
        if Path(path).parent == BENCHMARKS:
            del sys.modules[name]


class _FakeCpu:
    """A clock and a unit of work whose duration follows a script of unit times."""

    def __init__(self, unit_times):
        self.now, self.unit_times, self.units = 0.0, list(unit_times), 0

    def clock(self):
        return self.now

    def unit(self):
        took = self.unit_times[min(self.units, len(self.unit_times) - 1)]
        self.units += 1
        self.now += took


def test_the_first_warm_up_spins_its_whole_limit_to_learn_the_fastest(bench_module):
    warmup = bench_module("warmup")
    cpu = _FakeCpu([0.4e-3] * 500 + [0.2e-3])  # slow, then fast for good
    warmer = warmup.CpuWarmer(limit=0.5, unit=cpu.unit, clock=cpu.clock)
    assert warmer.warm() == pytest.approx(0.5, abs=0.01)
    assert warmer.fastest == pytest.approx(0.2e-3)


def test_a_warm_up_stops_once_as_fast_as_before_and_gives_up_at_its_limit(bench_module):
    warmup = bench_module("warmup")
    cpu = _FakeCpu([0.2e-3])
    warmer = warmup.CpuWarmer(limit=0.5, minimum=0.05, streak=20, unit=cpu.unit,
                              clock=cpu.clock)
    warmer.warm()  # learns 0.2 ms
    # Up to speed at once: stops after the minimum (20 samples of 5 units take 0.02 s).
    cpu.unit_times, cpu.units = [0.2e-3], 0
    assert warmer.warm() == pytest.approx(0.05, abs=0.002)
    # Slow for 0.2 s, then fast: stops once 20 fast samples follow the slow stretch.
    cpu.unit_times, cpu.units = [0.4e-3] * 500 + [0.21e-3], 0
    spent = warmer.warm()
    assert 0.2 + 20 * 5 * 0.21e-3 - 0.002 <= spent <= 0.2 + 21 * 5 * 0.21e-3 + 0.002
    # Never fast again: gives up at the limit.
    cpu.unit_times, cpu.units = [0.4e-3], 0
    assert warmer.warm() == pytest.approx(0.5, abs=0.003)
    # One odd fast unit in a sample does not count as being up to speed.
    cpu.unit_times, cpu.units = [0.4e-3, 0.4e-3, 0.4e-3, 0.1e-3, 0.4e-3], 0
    assert warmer.warm() == pytest.approx(0.5, abs=0.003)


def test_ratios_pair_each_rounds_two_iterations(bench_module):
    run = bench_module("run")
    # Both sides twice as slow in rounds 2 and 3 (the machine), ours always half theirs.
    ours = {"wall_s": [1.0, 2.0, 2.0, 1.0, 1.0], "cpu_s": [1.0, 2.0, 2.0, 1.0, 1.0],
            "throughput": 100.0, "cpu_per_op_us": 1.0}
    theirs = {"wall_s": [2.0, 4.0, 4.0, 2.0, 2.0], "cpu_s": [2.0, 4.0, 4.0, 2.0, 2.0],
              "throughput": 50.0, "cpu_per_op_us": 2.0}
    workload = run.ALL_WORKLOADS[0]
    row = run._row(workload, "C", 10, ours, theirs, None)
    assert row["cpu_ratio"] == pytest.approx(0.5)
    assert row["speed_ratio"] == pytest.approx(2.0)
    # Slow for both in rounds 2 and 3, for ours alone in round 4: the medians of each
    # side (2.0 and 2.0) would say 1.0x; the median of the pairs says 0.5x.
    ours["cpu_s"] = [1.0, 2.0, 2.0, 2.0, 1.0]
    theirs["cpu_s"] = [2.0, 4.0, 4.0, 2.0, 2.0]
    assert run._row(workload, "C", 10, ours, theirs, None)["cpu_ratio"] == pytest.approx(0.5)
    # Workloads that count their own operations pair per-operation figures.
    ours.update(ops=[10, 20, 10, 10, 10], cpu_s=[1.0, 2.0, 1.0, 1.0, 1.0])
    theirs.update(ops=[10, 10, 10, 10, 10], cpu_s=[3.0, 3.0, 3.0, 3.0, 3.0])
    assert run._row(workload, "C", 10, ours, theirs, None)["cpu_ratio"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("name", ["gridfs_upload", "gridfs_upload_md5", "gridfs_download"])
def test_a_gridfs_iteration_counts_its_file_once(workloads, name):
    """One operation is one MB of the file: an iteration's MB/s is the file's size over
    its time (it once multiplied the file by its size in MB)."""
    import run

    class Database(dict):
        def drop_collection(self, name):
            self.pop(name, None)

        def __missing__(self, name):
            return name

    class NoServer(workloads.Api34):
        def client(self, uri):
            return {"mongofw_bench": Database()}

        def bucket(self, db, md5=False):
            return self

        def upload_from_stream(self, filename, source):
            return "file id"

    ctx = workloads.Context(NoServer(), ops=2, uri="mongodb://unused")
    workload = workloads.BY_NAME[name]
    workload.prepare(ctx)
    assert ctx.ops * ctx.bytes_per_op == len(ctx.blob) == 2 * workloads.MB
    stats = run._stats(workload, ctx.ops, ctx.bytes_per_op, [0.5], [0.25], [])
    assert stats["throughput"] == pytest.approx(4.0)  # 2 MB in 0.5 s
    assert stats["cpu_per_op_us"] == pytest.approx(125_000)  # 0.25 s of CPU per 2 MB


def test_the_chart_labels_each_threads_row_with_its_slowest_thread(workloads):
    import chart

    def row(name, group, ours, theirs):
        return {"benchmark": name, "variant": "C", "group": group, "speed_ratio": 1.1,
                "cpu_ratio": 0.5, "ours": ours, "pymongo": theirs}

    result = {"benchmarks": [
        row("threads_find_one_x16", "threads", {"min_share": 0.92}, {"min_share": 0.01}),
        row("threads_insert_one_x4", "threads", {"min_share": 0.9}, {}),
        row("find_many", "driver", {}, {})]}
    speed, cost = chart._series(result)
    assert [label for label, _ in speed] == [
        "threads_find_one_x16 (slowest thread 0.92 / 0.01)",
        "threads_insert_one_x4 (slowest thread 0.90 / -)", "find_many"]
    assert [label for label, _ in cost] == [
        "threads_find_one_x16 CPU/op", "threads_insert_one_x4 CPU/op", "find_many CPU/op"]
