"""Run the benchmark suite: our implementation against PyMongo 4, alternating, same server.

    python benchmarks/run.py --ours-python .venv/bin/python \\
        --pymongo-python benchmarks/.venv-pymongo/bin/python --uri mongodb://127.0.0.1:PORT/

(``scripts/bench`` does all of this, including the server.)  Each implementation runs in its
own long-lived worker interpreter; each round runs one timed iteration on every side in turn.
A benchmark's figure is the median iteration: MB/s (or ops/s for commands) and the client
CPU time per operation; its ratios ours / PyMongo are the medians of each round's ratio.
Writes ``results/<timestamp>.json`` and a PNG chart beside it.
"""
from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import os
import platform
import shutil
import statistics
import sys
import urllib.parse
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from procs import WorkerError, WorkerProcess, time_import
from scenarios import ALL_WORKLOADS, MEMORY_SCENARIOS, MEMORY_SIZES, memory_line, memory_row
from targets import check_targets, print_targets
from workloads import MB, Workload

HERE = Path(__file__).resolve().parent
DEFAULT_PYMONGO_PYTHON = HERE / ".venv-pymongo" / "bin" / "python"
DB_NAMES = {"ours": "mongofw_bench_ours", "ours-pure": "mongofw_bench_ours",
            "pymongo": "mongofw_bench_pymongo", "pymongo-pure": "mongofw_bench_pymongo"}
# The single-operation workloads whose bytecodes per operation are counted as well (after
# their timed iterations, on the C-accelerated sides; bytecodes.py says why).
BYTECODE_WORKLOADS = ("run_command", "find_one_by_id", "small_doc_insert_one")
BYTECODE_OPS = 200
COLUMNS = (f"{'benchmark':<30}{'ours':>15}{'PyMongo 4':>15}{'ours/PyM':>10}"
           f"{'CPU us/op: ours':>17}{'PyMongo 4':>11}{'ours/PyM':>10}")


def _per_round(walls: List[float], cpus: List[float], counts: List[int]
               ) -> Tuple[List[float], List[float]]:
    """Each round's operations per second and CPU seconds per operation."""
    return ([n / w if w else 0.0 for n, w in zip(counts, walls)],
            [c / n for n, c in zip(counts, cpus)])


def _side_rounds(side: Dict[str, Any], ops: int) -> Tuple[List[float], List[float]]:
    """:func:`_per_round` of one side's figures (``ops`` each, unless it counted its own)."""
    walls = side["wall_s"]
    return _per_round(walls, side["cpu_s"], side.get("ops") or [ops] * len(walls))


def _stats(workload: Workload, ops: int, bytes_per_op: Optional[int],
           walls: List[float], cpus: List[float], extras: List[Dict[str, Any]]
           ) -> Dict[str, Any]:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    if extras and "ops" in extras[0]:
        # The workload counted its own operations (threads, a fixed time each iteration):
        # medians of each iteration's rates, and of the slowest thread's share.
        counts = [max(1, e["ops"]) for e in extras]
        rates, cpu_per_op = _per_round(walls, cpus, counts)
        return {"wall_s": walls, "cpu_s": cpus, "ops": counts, "median_wall_s": wall,
                "median_cpu_s": cpu,
                "throughput": statistics.median(rates),
                "cpu_per_op_us": statistics.median(cpu_per_op) * 1e6,
                "min_share": statistics.median(e["min_share"] for e in extras),
                "min_shares": [e["min_share"] for e in extras]}
    throughput = ops / wall if bytes_per_op is None else ops * bytes_per_op / wall / MB
    return {"wall_s": walls, "cpu_s": cpus, "median_wall_s": wall, "median_cpu_s": cpu,
            "throughput": throughput, "cpu_per_op_us": cpu / ops * 1e6}


def _paired_ratio(ours: List[float], theirs: List[float]) -> Optional[float]:
    """The median over rounds of ours / theirs, each round's pair measured back to back."""
    ratios = [a / b for a, b in zip(ours, theirs) if b]
    return statistics.median(ratios) if ratios else None


def _row(workload: Workload, variant: str, ops: int, ours: Dict[str, Any],
         theirs: Dict[str, Any], bytes_per_op: Optional[int]) -> Dict[str, Any]:
    # The ratios pair each round's two iterations, run one after the other: the machine's
    # speed drifts in steps lasting seconds (warmup.py), which a pair mostly shares, so the
    # ratio of a pair is steadier than the ratio of two medians taken over all rounds.
    our_rates, our_cpus = _side_rounds(ours, ops)
    their_rates, their_cpus = _side_rounds(theirs, ops)
    return {"benchmark": workload.name, "variant": variant, "group": workload.group,
            "unit": workload.unit, "op": workload.op, "ops_per_iteration": ops,
            "bytes_per_op": bytes_per_op, "ours": ours, "pymongo": theirs,
            "speed_ratio": _paired_ratio(our_rates, their_rates),
            "cpu_ratio": _paired_ratio(our_cpus, their_cpus),
            "unpaired_cpu_ratio": (ours["cpu_per_op_us"] / theirs["cpu_per_op_us"]
                                   if theirs["cpu_per_op_us"] else None)}


def _print_row(row: Dict[str, Any]) -> None:
    label = row["benchmark"] + (" [pure Python]" if row["variant"] == "pure" else "")
    unit = row["unit"]
    cpu_ratio = f"{row['cpu_ratio']:.2f}x" if row["cpu_ratio"] is not None else "-"
    print(f"{label:<30}{row['ours']['throughput']:>10.1f} {unit:<5}"
          f"{row['pymongo']['throughput']:>9.1f} {unit:<5}{row['speed_ratio']:>9.2f}x"
          f"{row['ours']['cpu_per_op_us']:>17.1f}{row['pymongo']['cpu_per_op_us']:>11.1f}"
          f"{cpu_ratio:>10}", flush=True)


def run_workload(workload: Workload, workers: Dict[str, WorkerProcess], args: argparse.Namespace,
                 rounds: int) -> List[Dict[str, Any]]:
    """Prepare every side, alternate the timed iterations, return the comparison rows."""
    ops = workload.quick_ops if args.quick else workload.ops
    pairs = [("C", "ours", "pymongo")]
    if workload.group == "bson":
        pairs.append(("pure", "ours-pure" if "ours-pure" in workers else "ours", "pymongo-pure"))
    sides = list(dict.fromkeys(side for _, a, b in pairs for side in (a, b)))
    sizes: Dict[str, Optional[int]] = {}
    digests: Dict[str, Optional[str]] = {}
    try:
        for side in sides:
            reply = workers[side].request({"cmd": "prepare", "workload": workload.name,
                                           "ops": ops, "uri": args.uri, "db": DB_NAMES[side]})
            if "skip" in reply:
                print(f"{workload.name:<30}skipped: {side}: {reply['skip']}", flush=True)
                return [{"benchmark": workload.name, "skipped": f"{side}: {reply['skip']}"}]
            sizes[side] = reply["bytes_per_op"]
            digests[side] = reply.get("digest")
        walls: Dict[str, List[float]] = {side: [] for side in sides}
        cpus: Dict[str, List[float]] = {side: [] for side in sides}
        extras: Dict[str, List[Dict[str, Any]]] = {side: [] for side in sides}
        for _ in range(workload.rounds or rounds):
            for side in sides:  # ours, theirs, ours, theirs ...
                reply = workers[side].request({"cmd": "run"})
                walls[side].append(reply.pop("wall"))
                cpus[side].append(reply.pop("cpu"))
                extras[side].append(reply)
        counted = {side: workers[side].request({"cmd": "bytecodes", "ops": BYTECODE_OPS})
                   for side in ("ours", "pymongo") if workload.name in BYTECODE_WORKLOADS}
    finally:
        for side in sides:
            try:
                workers[side].request({"cmd": "finish"})
            except WorkerError as exc:
                print(f"note: cleanup after {workload.name} failed: {exc}", file=sys.stderr)
    if len(set(sizes.values())) != 1 or len(set(digests.values())) != 1:
        raise WorkerError(f"{workload.name}: the sides encode different documents: "
                          f"sizes {sizes}, SHA-256 {digests}")
    size = sizes[sides[0]]
    stats = {side: _stats(workload, ops, size, walls[side], cpus[side], extras[side])
             for side in sides}
    rows = [_row(workload, variant, ops, stats[a], stats[b], size) for variant, a, b in pairs]
    if counted:
        rows[0]["bytecodes"] = {
            **{f"{side}_per_op": counted[side]["bytecodes_per_op"] for side in counted},
            **{f"{side}_calls_per_op": counted[side]["calls_per_op"] for side in counted},
            "ratio": counted["ours"]["bytecodes_per_op"] / counted["pymongo"]["bytecodes_per_op"]}
    for row in rows:
        _print_row(row)
        if "bytecodes" in row:
            b = row["bytecodes"]
            print(f"{'':<30}bytecodes per operation: ours {b['ours_per_op']:.0f}, PyMongo 4 "
                  f"{b['pymongo_per_op']:.0f} ({b['ratio']:.2f}x); Python calls: ours "
                  f"{b['ours_calls_per_op']:.0f}, PyMongo 4 {b['pymongo_calls_per_op']:.0f}",
                  flush=True)
        if "min_share" in row["ours"]:
            print(f"{'':<30}slowest thread's share of the mean: ours "
                  f"{row['ours']['min_share']:.2f}, PyMongo 4 {row['pymongo']['min_share']:.2f}",
                  flush=True)
    return rows


def run_memory(args: argparse.Namespace) -> List[Dict[str, Any]]:
    """Each memory scenario in fresh workers, ours then PyMongo 4's (scenarios.py)."""
    wanted = [s for s in MEMORY_SCENARIOS
              if not args.patterns or any(fnmatch.fnmatch(f"memory_{s}", p)
                                          for p in args.patterns)]
    if not wanted or not args.uri:
        return []
    if "gridfs_download" in wanted and "gridfs_upload" not in wanted:
        wanted.insert(0, "gridfs_upload")  # the download reads the uploaded file
    sides = [("ours", args.ours_python, "3.4"), ("pymongo", args.pymongo_python, "4")]
    print(f"\n{'peak RSS above baseline':<44}{'ours':>12}{'PyMongo 4':>13}", flush=True)

    def fresh(label: str, python: str, api: str, msg: Dict[str, Any]) -> Dict[str, Any]:
        worker = WorkerProcess(label, python, api, False, args.with_plugins)
        try:
            return worker.request(msg)
        finally:
            worker.close()

    rows: List[Dict[str, Any]] = []
    try:
        for scenario in wanted:
            size = MEMORY_SIZES[scenario][1 if args.quick else 0]
            if scenario == "cursor":
                fresh("ours", args.ours_python, "3.4",
                      {"cmd": "cursor_setup", "size": size, "uri": args.uri})
            found: Dict[str, Any] = {}
            for label, python, api in sides:
                try:
                    found[label] = fresh(label, python, api,
                                         {"cmd": "memory", "scenario": scenario, "size": size,
                                          "uri": args.uri, "db": DB_NAMES[label]})
                except WorkerError as exc:
                    found[label] = {"failed": str(exc).strip().splitlines()[-1]}
            row = memory_row(scenario, size, found["ours"], found["pymongo"])
            rows.append(row)
            print(memory_line(row), flush=True)
    finally:
        _drop_memory_data(args)
    return rows


def _drop_memory_data(args: argparse.Namespace) -> None:
    worker = WorkerProcess("cleanup", args.ours_python, "3.4", False, args.with_plugins)
    try:
        worker.request({"cmd": "drop_databases", "uri": args.uri,
                        "names": ["mongofw_bench_shared", *sorted(set(DB_NAMES.values()))]})
    except WorkerError as exc:
        print(f"note: dropping the memory benchmarks' data failed: {exc}", file=sys.stderr)
    finally:
        worker.close()


def _start_workers(args: argparse.Namespace) -> Dict[str, WorkerProcess]:
    specs = [("ours", args.ours_python, "3.4", False), ("pymongo", args.pymongo_python, "4", False),
             ("pymongo-pure", args.pymongo_python, "4", True)]
    workers: Dict[str, WorkerProcess] = {}
    try:
        for label, python, api, pure in specs:
            workers[label] = WorkerProcess(label, python, api, pure, args.with_plugins)
        info = {label: w.request({"cmd": "hello"}) for label, w in workers.items()}
        if info["ours"]["bson_has_c"]:
            # Our accelerator exists: the pure row needs ours with it hidden too.
            workers["ours-pure"] = WorkerProcess("ours-pure", args.ours_python, "3.4", True,
                                                 args.with_plugins)
            info["ours-pure"] = workers["ours-pure"].request({"cmd": "hello"})
    except WorkerError:
        for worker in workers.values():
            worker.close()
        raise
    if not str(info["pymongo"]["pymongo_version"]).startswith("4."):
        raise WorkerError(f"{args.pymongo_python} imports PyMongo "
                          f"{info['pymongo']['pymongo_version']}, not 4.x")
    for label, worker in workers.items():
        worker.info = info[label]
    return workers


def _redact(uri: Optional[str]) -> Optional[str]:
    if not uri:
        return uri
    parts = urllib.parse.urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def _parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="mongofw vs PyMongo 4 benchmarks")
    parser.add_argument("--ours-python", default=sys.executable)
    parser.add_argument("--pymongo-python", default=str(DEFAULT_PYMONGO_PYTHON))
    parser.add_argument("--uri", default=os.environ.get("MONGOFW_BENCH_URI"),
                        help="server for the end-to-end benchmarks (without: BSON only)")
    parser.add_argument("--quick", action="store_true", help="about one minute, not ten")
    parser.add_argument("--only", default="", help="comma-separated name patterns")
    parser.add_argument("--rounds", type=int, help="timed iterations per side (5; quick 3)")
    parser.add_argument("--import-rounds", type=int, help="fresh interpreters per side (9; 5)")
    parser.add_argument("--with-plugins", action="store_true",
                        help="keep non-default mongofw plugins enabled on our side")
    parser.add_argument("--results-dir", default=str(HERE / "results"))
    parser.add_argument("--no-chart", action="store_true")
    args = parser.parse_args(argv)
    # Children start in a temporary directory: make the interpreters' paths absolute, without
    # resolving symlinks (a venv's python is a symlink that must stay one).
    for attr in ("ours_python", "pymongo_python"):
        given = getattr(args, attr)
        found = shutil.which(given) if os.sep not in given else os.path.abspath(given)
        if not found or not os.path.exists(found):
            parser.error(f"--{attr.replace('_', '-')} {given!r} is not an interpreter here")
        setattr(args, attr, found)
    args.rounds = args.rounds or (3 if args.quick else 5)
    args.import_rounds = args.import_rounds or (5 if args.quick else 9)
    patterns = [p.strip() for p in args.only.split(",") if p.strip()]
    args.patterns = patterns
    args.workloads = [w for w in ALL_WORKLOADS
                      if not patterns or any(fnmatch.fnmatch(w.name, p) for p in patterns)]
    names = [w.name for w in ALL_WORKLOADS] + [f"memory_{s}" for s in MEMORY_SCENARIOS]
    if not any(fnmatch.fnmatch(name, p) for name in names for p in patterns or ["*"]):
        parser.error(f"--only {args.only!r} matches none of {names}")
    return args


def _print_sides(workers: Dict[str, WorkerProcess]) -> None:
    for label, worker in workers.items():
        i = worker.info
        print(f"{label:<13} pymongo {i['pymongo_version']}, bson.has_c()={i['bson_has_c']}, "
              f"Python {i['python']}, {i['bson_file']}"
              + (f", blocked {i['blocked_modules']}" if i["blocked_modules"] else ""))
    ours = workers["ours"].info
    if not ours["bson_file"].startswith(str(HERE.parent)):
        print(f"warning: our side imports bson from {ours['bson_file']}, "
              f"not from this checkout ({HERE.parent})")
    if ours["disabled_plugins"]:
        print(f"our side runs with default plugins only "
              f"(disabled: {', '.join(ours['disabled_plugins'])})")


def _run_all(args: argparse.Namespace, workers: Dict[str, WorkerProcess]) -> List[Dict[str, Any]]:
    print(f"\n{'quick' if args.quick else 'full'} run, {args.rounds} rounds, median iteration\n"
          f"{COLUMNS}", flush=True)
    rows: List[Dict[str, Any]] = []
    for workload in args.workloads:
        if workload.server and not args.uri:
            rows.append({"benchmark": workload.name, "skipped": "no --uri"})
            print(f"{workload.name:<30}skipped: no server URI", flush=True)
            continue
        try:
            rows.extend(run_workload(workload, workers, args, args.rounds))
        except WorkerError as exc:
            rows.append({"benchmark": workload.name, "failed": str(exc)})
            print(f"{workload.name:<30}FAILED: {str(exc).strip().splitlines()[-1]}", flush=True)
    return rows


def _time_imports(args: argparse.Namespace, ours: Dict[str, Any]) -> Dict[str, Any]:
    disabled = ",".join(ours["disabled_plugins"])
    imports: Dict[str, Any] = time_import(
        [("ours", args.ours_python, {"MONGOFW_DISABLE_PLUGINS": disabled}),
         ("pymongo", args.pymongo_python, {})], args.import_rounds)
    imports["ratio"] = imports["ours"]["median_ms"] / imports["pymongo"]["median_ms"]
    imports["with_client_ratio"] = (imports["ours"]["with_client_median_ms"]
                                    / imports["pymongo"]["with_client_median_ms"])
    print(f"\nimport pymongo (fresh interpreters, median of {args.import_rounds}): "
          f"ours {imports['ours']['median_ms']:.1f} ms, PyMongo 4 "
          f"{imports['pymongo']['median_ms']:.1f} ms, ours/PyMongo {imports['ratio']:.2f}x")
    print(f"import pymongo + MongoClient: ours "
          f"{imports['ours']['with_client_median_ms']:.1f} ms, PyMongo 4 "
          f"{imports['pymongo']['with_client_median_ms']:.1f} ms, "
          f"ours/PyMongo {imports['with_client_ratio']:.2f}x")
    return imports


def main(argv: Optional[List[str]] = None) -> int:
    args = _parse_args(argv)
    started = datetime.datetime.now()
    try:
        workers = _start_workers(args)
    except WorkerError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    try:
        _print_sides(workers)
        rows = _run_all(args, workers)
    finally:
        infos = {label: w.info for label, w in workers.items()}
        for worker in workers.values():
            worker.close()
    memory_rows = run_memory(args)
    try:
        imports = _time_imports(args, infos["ours"])
    except WorkerError as exc:
        print(f"import timing failed: {exc}", file=sys.stderr)
        imports = {}

    result = {"started": started.isoformat(timespec="seconds"), "quick": args.quick,
              "rounds": args.rounds, "machine": {"platform": platform.platform(),
                                                 "cpus": os.cpu_count()},
              "uri": _redact(args.uri), "implementations": infos, "benchmarks": rows,
              "import_pymongo": imports, "memory": memory_rows}
    result["targets"] = check_targets(result)
    print_targets(result["targets"])
    out_dir = Path(args.results_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / started.strftime("%Y%m%d-%H%M%S")
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {stem.with_suffix('.json')}")
    if not args.no_chart:
        from chart import draw_or_explain
        draw_or_explain(result, stem.with_suffix(".png"))
    ran = [r for r in rows if "variant" in r] + [r for r in memory_rows if "ours" in r]
    # Failure only when nothing could be measured; a failing benchmark is in the table.
    return 0 if ran else 1


if __name__ == "__main__":
    sys.exit(main())
