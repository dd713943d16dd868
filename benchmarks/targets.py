"""The issue's "must show" goals, checked against one run's results."""
from __future__ import annotations

from typing import Any, Dict, List

BSON_BENCHMARKS = ("flat_encode", "flat_decode", "deep_encode", "deep_decode",
                   "full_encode", "full_decode")
CPU_BENCHMARKS = ("find_many", "small_doc_bulk_insert", "large_doc_bulk_insert")


def check_targets(result: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One entry per goal: what was measured, the goal, and whether it was met.

    A goal whose benchmark did not run (skipped, failed, filtered out) has ``met`` None.
    """
    rows = {(r["benchmark"], r["variant"]): r for r in result["benchmarks"] if "variant" in r}
    goals: List[Dict[str, Any]] = []

    def add(name: str, measured: Any, goal: str, ok: Any) -> None:
        goals.append({"goal": name, "measured": measured, "target": goal,
                      "met": None if measured is None else bool(ok)})

    for bench in BSON_BENCHMARKS:
        row = rows.get((bench, "C"))
        ratio = row["speed_ratio"] if row else None
        add(f"{bench} vs PyMongo 4 C extension", ratio, ">= 1.0x speed",
            ratio is not None and ratio >= 1.0)
    for bench in BSON_BENCHMARKS:
        row = rows.get((bench, "pure"))
        ratio = row["speed_ratio"] if row else None
        add(f"{bench} pure Python vs PyMongo 4 pure Python", ratio, ">= 1.5x speed",
            ratio is not None and ratio >= 1.5)
    for bench in CPU_BENCHMARKS:
        row = rows.get((bench, "C"))
        ratio = row["cpu_ratio"] if row else None
        add(f"{bench} client CPU per document", ratio, "<= 1.0x PyMongo 4",
            ratio is not None and ratio <= 1.0)
    imports = result.get("import_pymongo") or {}
    ratio = imports.get("ratio")
    add("import pymongo time", ratio, "<= 1.0x PyMongo 4", ratio is not None and ratio <= 1.0)
    ratio = imports.get("with_client_ratio")
    add("import pymongo + MongoClient time", ratio, "<= 1.0x PyMongo 4",
        ratio is not None and ratio <= 1.0)
    return goals


def print_targets(goals: List[Dict[str, Any]]) -> None:
    met = sum(1 for g in goals if g["met"])
    print(f"\nissue 9 goals: {met} of {len(goals)} met")
    for g in goals:
        status = {True: "met", False: "NOT met", None: "not measured"}[g["met"]]
        measured = "-" if g["measured"] is None else f"{g['measured']:.2f}x"
        print(f"  {status:<13}{g['goal']:<52}{measured:>8}  (goal {g['target']})")
