"""Counts per spec suite (one test module per suite), printed at the end of the run.

A runner that plays some cases against more than one peer (the test server, the scripted
wire peer) names the one a case ran on in the ``spec_target`` user property; its passes are
then broken down by target.  Expected failures (xfail: a known driver bug) count apart.
"""
from __future__ import annotations

from collections import Counter, defaultdict

_counts = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0})
_passed_on = defaultdict(Counter)


def _outcome(report) -> str:
    if report.outcome == "skipped" and hasattr(report, "wasxfail"):
        return "xfailed"
    return report.outcome


def pytest_runtest_logreport(report):
    if "tests/spec/" not in report.nodeid:
        return
    suite = report.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        outcome = _outcome(report)
        _counts[suite][outcome] += 1
        target = dict(report.user_properties).get("spec_target")
        if outcome == "passed" and target:
            _passed_on[suite][target] += 1


def pytest_terminal_summary(terminalreporter):
    if not _counts:
        return
    terminalreporter.section("spec suites")
    for suite, c in sorted(_counts.items()):
        total = sum(c.values())
        line = f"{suite}: {c['passed']}/{total} passed, {c['failed']} failed, " \
               f"{c['skipped']} skipped"
        if c["xfailed"]:
            line += f", {c['xfailed']} xfailed"
        if _passed_on[suite]:
            on = ", ".join(f"{n} on {t}" for t, n in sorted(_passed_on[suite].items()))
            line += f" (passed: {on})"
        terminalreporter.write_line(line)
