"""A PNG of one run: ours against PyMongo 4 per benchmark, ratios around 1.0.

    python benchmarks/chart.py benchmarks/results/<timestamp>.json [out.png]

Left: throughput, ours / PyMongo 4 (right of 1.0: ours faster; the threads rows too, each
labelled with its slowest thread's share of the mean per thread, ours / PyMongo 4: near 0,
a thread starved).
Middle: client CPU time per operation of the end-to-end benchmarks and ``import pymongo``
time, ours / PyMongo 4 (left of 1.0: ours cheaper).  Both axes are logarithmic, so 2x
faster and 2x slower are the same length.  Right (when measured): peak RSS above baseline
of the memory benchmarks, ours and PyMongo 4's side by side, in MB, with the 64 MB goal.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

from targets import memory_met

GOOD, BAD = "#2e7d32", "#c62828"
TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def _series(result: Dict[str, Any]) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]]]:
    speed, cost = [], []
    for row in result["benchmarks"]:
        if "variant" not in row:
            continue
        label = row["benchmark"] + (" (pure Python)" if row["variant"] == "pure" else "")
        ours_share = row["ours"].get("min_share")
        if ours_share is not None:  # the threads rows: did a thread starve?
            theirs_share = row["pymongo"].get("min_share")
            theirs_text = "-" if theirs_share is None else f"{theirs_share:.2f}"
            speed.append((f"{label} (slowest thread {ours_share:.2f} / {theirs_text})",
                          row["speed_ratio"]))
        else:
            speed.append((label, row["speed_ratio"]))
        # For the codec rows CPU per op is just the inverse of speed; where the server takes
        # most of the wall time, it is the part the driver controls.
        if row["group"] not in ("bson", "json") and row["cpu_ratio"] is not None:
            cost.append((label + " CPU/op", row["cpu_ratio"]))
    imports = result.get("import_pymongo") or {}
    for key, label in (("ratio", "import pymongo time"),
                       ("with_client_ratio", "import pymongo + MongoClient time")):
        if imports.get(key) is not None:
            cost.append((label, imports[key]))
    return speed, cost


def _panel(ax: Any, items: List[Tuple[str, float]], title: str, higher_is_better: bool) -> None:
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator
    labels = [label for label, _ in items][::-1]
    values = [value for _, value in items][::-1]
    colors = [GOOD if (v >= 1.0) == higher_is_better else BAD for v in values]
    # Bars grow from parity (1.0), so each one's length is how far ours is from PyMongo.
    ax.barh(labels, [v - 1.0 for v in values], left=1.0, color=colors)
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=1)
    low, high = min(values + [1.0]) / 1.8, max(values + [1.0]) * 1.8
    ax.set_xlim(low, high)
    ticks = [t for t in TICKS if low <= t <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FixedFormatter([f"{t:g}x" for t in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.grid(axis="x", alpha=0.3)
    for y, value in enumerate(values):
        ax.text(value, y, f" {value:.2f}x ", va="center",
                ha="left" if value >= 1.0 else "right", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="y", labelsize=8)


def _memory_panel(ax: Any, rows: List[Dict[str, Any]]) -> None:
    labels = [f"{r['scenario']} ({r['size']:,} {r['size_unit']})" for r in rows][::-1]
    ours = [r["ours"]["peak_above_mb"] for r in rows][::-1]
    # A side that failed the scenario (PyMongo 4 on FerretDB's oversized batches) shows 0.
    theirs = [r["pymongo"].get("peak_above_mb", 0.0) for r in rows][::-1]
    failed = ["failed" in r["pymongo"] for r in rows][::-1]
    ys = list(range(len(rows)))
    ax.barh([y + 0.2 for y in ys], ours, height=0.4, label="ours",
            color=[GOOD if memory_met(o, None if f else t) else BAD
                   for o, t, f in zip(ours, theirs, failed)])
    ax.barh([y - 0.2 for y in ys], theirs, height=0.4, label="PyMongo 4", color="#90a4ae")
    ax.axvline(64, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    for y, (o, t) in enumerate(zip(ours, theirs)):
        ax.text(o, y + 0.2, f" {o:.1f}", va="center", fontsize=8)
        ax.text(t, y - 0.2, " failed" if failed[y] else f" {t:.1f}", va="center",
                fontsize=8)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("peak RSS above baseline, MB (goal <= 64 and <= PyMongo 4)", fontsize=10)


def draw(result: Dict[str, Any], path: Path) -> None:
    """Write the chart of ``result`` (a run's JSON as a dict) to ``path``."""
    import matplotlib
    matplotlib.use("Agg")  # files only: no display on a server or in CI
    import matplotlib.pyplot as plt

    speed, cost = _series(result)
    if not speed and not cost and not result.get("memory"):
        raise ValueError("the run has no benchmark with results to chart")
    memory = [r for r in result.get("memory") or [] if "peak_above_mb" in r.get("ours", {})]
    height = max(4.0, 0.32 * max(len(speed), len(cost)) + 1.6)
    if memory:
        fig, (left, right, third) = plt.subplots(1, 3, figsize=(20, height))
        _memory_panel(third, memory)
    else:
        fig, (left, right) = plt.subplots(1, 2, figsize=(14, height))
    if speed:
        _panel(left, speed, "throughput, ours / PyMongo 4 (> 1: ours faster)", True)
    if cost:
        _panel(right, cost, "CPU per op and import time, ours / PyMongo 4 (< 1: ours cheaper)",
               False)
    versions = result.get("implementations", {})
    pymongo_version = versions.get("pymongo", {}).get("pymongo_version", "4")
    fig.suptitle(f"mongofw vs PyMongo {pymongo_version} (C extension; pure rows: C disabled) "
                 f"- {'quick' if result.get('quick') else 'full'} run {result.get('started')}",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def draw_or_explain(result: Dict[str, Any], path: Path) -> None:
    """Draw, or say on stderr why there is no chart (the JSON file is written either way)."""
    try:
        draw(result, path)
    except ImportError as exc:
        print(f"note: no chart: matplotlib is not importable here ({exc}); run "
              f"benchmarks/.venv-pymongo/bin/python benchmarks/chart.py <json>", file=sys.stderr)
        return
    except ValueError as exc:
        print(f"note: no chart: {exc}", file=sys.stderr)
        return
    print(f"wrote {path}")


def main(argv: List[str]) -> int:
    if not argv or len(argv) > 2:
        print("usage: chart.py RESULTS.json [OUT.png]", file=sys.stderr)
        return 2
    source = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else source.with_suffix(".png")
    draw(json.loads(source.read_text(encoding="utf-8")), out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
