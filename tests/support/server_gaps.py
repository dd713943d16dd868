"""The one list of server features FerretDB 1.24 (the bundled test server) lacks.

Tests that need such a feature use ``requires(feature)``: against FerretDB they are
skipped with the reason below (and a companion test checks the command our side sends,
through a command listener or the scripted wire peer); against a real mongod
(``MONGOFW_TEST_URI``) they run.
"""
from __future__ import annotations

import os

import pytest

GAPS = {
    # Filled in by the tests that discover a gap: feature name -> reason.
    "collation": "collation on queries and writes is not implemented (\"support for field "
                 "'collation' ... is not implemented yet\")",
    "findAndModify projection": "findAndModify does not implement 'fields' (the projection "
                                "of find_one_and_delete/_replace/_update)",
    "unacknowledged OP_MSG": "it answers OP_MSG requests flagged moreToCome (w=0), which a "
                             "server must not; the stray reply desynchronises the connection",
    "document validation": "create does not implement 'validator', so there is no document "
                           "validation to bypass",
    "renameCollection dropTarget": "renameCollection does not implement dropTarget=true",
    "upserted index": "an update command's upserted[].index counts the upserts, not the "
                      "statements (an upsert at statement 3 after two updates reports index 0)",
    "aggregate $out": "the aggregation stage $out is not implemented",
    "write concern errors": "it accepts any w (w=5 on a single server, unknown tag sets) "
                            "without a writeConcernError",
}


def against_ferretdb() -> bool:
    return not os.environ.get("MONGOFW_TEST_URI")


def requires(feature: str):
    """A marker skipping the test on FerretDB when ``feature`` is a known gap."""
    if feature not in GAPS:
        raise KeyError(f"unknown server feature {feature!r}; add it to GAPS with a reason")
    return pytest.mark.skipif(against_ferretdb(), reason=f"FerretDB 1.24: {GAPS[feature]}")
