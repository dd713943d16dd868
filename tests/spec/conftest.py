"""Counts per spec suite (one test module per suite), printed at the end of the run."""
from __future__ import annotations

from collections import defaultdict

_counts = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0})


def pytest_runtest_logreport(report):
    if "tests/spec/" not in report.nodeid:
        return
    suite = report.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        key = {"passed": "passed", "failed": "failed", "skipped": "skipped"}[report.outcome]
        _counts[suite][key] += 1


def pytest_terminal_summary(terminalreporter):
    if not _counts:
        return
    terminalreporter.section("spec suites")
    for suite, c in sorted(_counts.items()):
        total = sum(c.values())
        terminalreporter.write_line(
            f"{suite}: {c['passed']}/{total} passed, {c['failed']} failed, {c['skipped']} skipped")
