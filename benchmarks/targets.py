"""The issues' "must show" goals, checked against one run's results.

Issue 19 (performance, second round) first; issue 9's earlier goals follow, still checked.
"""
from __future__ import annotations

from typing import Any, Dict, List

BSON_BENCHMARKS = ("flat_encode", "flat_decode", "deep_encode", "deep_decode",
                   "full_encode", "full_decode")
CPU_BENCHMARKS = ("find_many", "small_doc_bulk_insert", "large_doc_bulk_insert")
# Issue 19: client CPU per operation at most 0.6x PyMongo 4's for every operation.
OPERATION_BENCHMARKS = ("run_command", "find_one_by_id", "small_doc_insert_one",
                        "large_doc_insert_one", "find_many", "small_doc_bulk_insert",
                        "large_doc_bulk_insert", "gridfs_upload", "gridfs_upload_md5",
                        "gridfs_download")
DECODE_BENCHMARKS = ("flat_decode", "deep_decode", "full_decode")
JSON_BENCHMARKS = tuple(f"json_{op}_{doc}" for op in ("dumps", "loads")
                        for doc in ("flat", "deep", "full"))
MEMORY_LIMIT_MB = 64


def memory_met(ours: float, theirs: float | None) -> bool:
    """Issue 19's memory goal: at most MEMORY_LIMIT_MB above the baseline, and not above
    PyMongo 4's figure (floored at 1 MB: below that both are noise) when PyMongo 4
    finished the scenario (``theirs`` None: it failed, and only the limit applies)."""
    return ours <= MEMORY_LIMIT_MB and (theirs is None or ours <= max(theirs, 1.0))
THREAD_BENCHMARKS = tuple(f"threads_{kind}_x{n}" for kind in ("find_one", "insert_one")
                          for n in (1, 4, 16))


def check_targets(result: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One entry per goal: what was measured, the goal, and whether it was met.

    A goal whose benchmark did not run (skipped, failed, filtered out) has ``met`` None.
    """
    rows = {(r["benchmark"], r["variant"]): r for r in result["benchmarks"] if "variant" in r}
    goals: List[Dict[str, Any]] = []

    def add(issue: int, name: str, measured: Any, goal: str, ok: Any, unit: str = "x") -> None:
        goals.append({"issue": issue, "goal": name, "measured": measured, "target": goal,
                      "unit": unit, "met": None if measured is None else bool(ok)})

    def ratio(bench: str, variant: str, key: str) -> Any:
        row = rows.get((bench, variant))
        return row[key] if row else None

    for bench in OPERATION_BENCHMARKS:
        value = ratio(bench, "C", "cpu_ratio")
        add(19, f"{bench} client CPU per operation", value, "<= 0.6x PyMongo 4",
            value is not None and value <= 0.6)
    for bench in DECODE_BENCHMARKS:
        value = ratio(bench, "C", "speed_ratio")
        add(19, f"{bench} vs PyMongo 4 C extension", value, ">= 2.0x speed",
            value is not None and value >= 2.0)
    for bench in JSON_BENCHMARKS:
        value = ratio(bench, "C", "speed_ratio")
        add(19, f"{bench} (json_util) vs PyMongo 4", value, ">= 2.0x speed",
            value is not None and value >= 2.0)
    for row in result.get("memory") or []:
        if "ours" not in row or "failed" in row["ours"]:
            add(19, f"memory_{row['scenario']} peak RSS above baseline", None,
                f"<= {MEMORY_LIMIT_MB} MB", False, unit=" MB")
            continue
        ours = row["ours"]["peak_above_mb"]
        theirs = row["pymongo"].get("peak_above_mb")
        if theirs is None:  # PyMongo 4 failed the scenario: only the limit applies
            add(19, f"memory_{row['scenario']} peak RSS above baseline", ours,
                f"<= {MEMORY_LIMIT_MB} MB (PyMongo 4 failed: {row['pymongo']['failed']})",
                memory_met(ours, None), unit=" MB")
            continue
        add(19, f"memory_{row['scenario']} peak RSS above baseline", ours,
            f"<= {MEMORY_LIMIT_MB} MB and <= PyMongo 4 ({theirs:.1f} MB)",
            memory_met(ours, theirs), unit=" MB")
    for bench in THREAD_BENCHMARKS:
        value = ratio(bench, "C", "speed_ratio")
        add(19, f"{bench} throughput vs PyMongo 4", value, ">= 1.0x",
            value is not None and value >= 1.0)

    for bench in BSON_BENCHMARKS:
        value = ratio(bench, "C", "speed_ratio")
        add(9, f"{bench} vs PyMongo 4 C extension", value, ">= 1.0x speed",
            value is not None and value >= 1.0)
    for bench in BSON_BENCHMARKS:
        value = ratio(bench, "pure", "speed_ratio")
        add(9, f"{bench} pure Python vs PyMongo 4 pure Python", value, ">= 1.5x speed",
            value is not None and value >= 1.5)
    for bench in CPU_BENCHMARKS:
        value = ratio(bench, "C", "cpu_ratio")
        add(9, f"{bench} client CPU per document", value, "<= 1.0x PyMongo 4",
            value is not None and value <= 1.0)
    imports = result.get("import_pymongo") or {}
    value = imports.get("ratio")
    add(9, "import pymongo time", value, "<= 1.0x PyMongo 4", value is not None and value <= 1.0)
    value = imports.get("with_client_ratio")
    add(9, "import pymongo + MongoClient time", value, "<= 1.0x PyMongo 4",
        value is not None and value <= 1.0)
    return goals


def print_targets(goals: List[Dict[str, Any]]) -> None:
    for issue in sorted({g["issue"] for g in goals}, reverse=True):
        mine = [g for g in goals if g["issue"] == issue]
        met = sum(1 for g in mine if g["met"])
        measured = sum(1 for g in mine if g["met"] is not None)
        print(f"\nissue {issue} goals: {met} of {measured} measured met ({len(mine)} in all)")
        for g in mine:
            status = {True: "met", False: "NOT met", None: "not measured"}[g["met"]]
            value = "-" if g["measured"] is None else f"{g['measured']:.2f}{g['unit']}"
            print(f"  {status:<13}{g['goal']:<56}{value:>10}  (goal {g['target']})")
