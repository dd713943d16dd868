"""Counts per spec suite (one test module per suite), printed at the end of the run.

A runner that plays some cases against more than one peer (the test server, the scripted
wire peer, the proxy peer) names the one a case ran on in the ``spec_target`` user
property; its passes are then broken down by target.  Expected failures (xfail: a known
driver bug) count apart, and the reasons cases were skipped for are listed with their
counts (a skipped case counts as not passing).
"""
from __future__ import annotations

from collections import Counter, defaultdict

_counts = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0})
_passed_on = defaultdict(Counter)
_skipped_for = defaultdict(Counter)
# Reasons shown per suite, each cut to this many characters.
_REASONS_SHOWN, _REASON_WIDTH = 8, 150


def _outcome(report) -> str:
    if report.outcome == "skipped" and hasattr(report, "wasxfail"):
        return "xfailed"
    return report.outcome


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


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
        if outcome == "skipped":
            _skipped_for[suite][_skip_reason(report)] += 1


def pytest_terminal_summary(terminalreporter):
    if not _counts:
        return
    terminalreporter.section("spec suites")
    for suite, c in sorted(_counts.items()):
        total = sum(c.values())
        line = f"{suite}: {c['passed']}/{total} passed, {c['failed']} failed, " \
               f"{c['skipped']} skipped"
        if c["xfailed"]:
            line += f", {c['xfailed']} xfailed (known driver bugs)"
        if _passed_on[suite]:
            on = ", ".join(f"{n} on {t}" for t, n in sorted(_passed_on[suite].items()))
            line += f" (passed: {on})"
        terminalreporter.write_line(line)
        reasons = _skipped_for[suite].most_common()
        for reason, count in reasons[:_REASONS_SHOWN]:
            shown = reason if len(reason) <= _REASON_WIDTH else reason[:_REASON_WIDTH] + "..."
            terminalreporter.write_line(f"    skipped {count}: {shown}")
        if len(reasons) > _REASONS_SHOWN:
            rest = sum(n for _, n in reasons[_REASONS_SHOWN:])
            terminalreporter.write_line(f"    skipped {rest}: {len(reasons) - _REASONS_SHOWN} "
                                        f"other reasons (pytest -rs lists them)")
