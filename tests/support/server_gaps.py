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
    "arrayFilters": "update and findAndModify do not implement arrayFilters (\"support for "
                    "field 'arrayFilters' ... is not implemented yet\")",
    "database aggregate": "there is no database-level aggregate ({aggregate: 1}): every "
                          "pipeline is refused as 'must specify a collection name or 1'",
    "aggregate $merge": "the aggregation stage $merge is not implemented",
    "compression": "the handshake reply names no compressor, so every message stays "
                   "uncompressed (compression is tested against the scripted peer)",
    "change streams": "the aggregation stage $changeStream is not implemented (change "
                      "streams are tested against the scripted replica set and the proxy "
                      "peer, tests/support/proxy_peer.py)",
    "transactions": "a standalone without transactions: startTransaction is refused "
                    "(transactions are tested against the scripted replica set and the "
                    "proxy peer)",
    "collMod": "there is no collMod command ('`collMod` command is not implemented yet'), so "
               "changeStreamPreAndPostImages cannot be turned on (the proxy peer keeps it)",
    "$project expressions": "$project does not evaluate as MongoDB does: a \"$path\" value "
                            "comes back as the string itself and a dotted key with a "
                            "literal is not nested (the proxy peer evaluates the change "
                            "stream stages the specifications use itself)",
    "endSessions": "there is no endSessions command, so the session ids a client gives back "
                   "at close are refused (the driver ignores the refusal)",
    "fail points": "there is no configureFailPoint command (failCommand, "
                   "onPrimaryTransactionalWrite, failGetMoreAfterCursorCheckout), so no "
                   "server error, closed connection or write concern error can be injected "
                   "(the spec runners play them in the proxy peer, tests/support/proxy_peer.py)",
    "snapshot reads": "a standalone: readConcern level 'snapshot' is accepted and ignored, "
                      "and replies name no atClusterTime (MongoDB 5.0 snapshot reads are "
                      "tested against the proxy peer)",
    "retryable writes": "a standalone: txnNumber is accepted and ignored, so a write sent "
                        "again runs again (retryable writes are tested against the proxy "
                        "peer, which plays a replica set)",
    "update pipelines": "an update statement's 'u' must be a document: aggregation pipeline "
                        "updates (MongoDB 4.2) are refused as the wrong type",
    "findAndModify pipeline": "findAndModify refuses an update given as an aggregation "
                              "pipeline (MongoDB 4.2): \"Aggregation pipelines are not "
                              "supported yet\"",
    "collation": "collation on queries and writes is not implemented (\"support for field "
                 "'collation' ... is not implemented yet\")",
    "findAndModify projection": "findAndModify does not implement 'fields' (the projection "
                                "of find_one_and_delete/_replace/_update)",
    "document validation": "create does not implement 'validator', so there is no document "
                           "validation to bypass",
    "renameCollection dropTarget": "renameCollection does not implement dropTarget=true",
    "upserted index": "an update command's upserted[].index counts the upserts, not the "
                      "statements (an upsert at statement 3 after two updates reports index 0)",
    "aggregate $out": "the aggregation stage $out is not implemented",
    "maxScan": "find rejects maxScan as an unknown field (it mirrors MongoDB 7.0, where "
               "maxScan was removed in 4.2)",
    "$where": "the $where query operator is not implemented (no JavaScript engine)",
    "min/max": "find accepts max/min index bounds but ignores them (every document returns)",
    "noCursorTimeout": "find with noCursorTimeout=true is not implemented",
    "allowPartialResults": "find with allowPartialResults=true is not implemented",
    "mapReduce": "there is no mapReduce command",
    "group": "there is no group command (MongoDB removed it in 4.2)",
    "parallelCollectionScan": "there is no parallelCollectionScan command",
    "reIndex": "there is no reIndex command",
    "profile": "there is no profile command, so profiling levels cannot be read or set",
    "eval": "there is no $eval command (no server-side JavaScript), so SystemJS functions "
            "cannot run",
    "distinct maxTimeMS": "distinct rejects maxTimeMS as an unknown field",
    "fsync": "there are no fsync/fsyncUnlock commands, so a server cannot be locked",
    "getlasterror": "there are no getlasterror/getpreverror/reseterror commands",
    "special indexes": "text, 2d, 2dsphere, geoHaystack and hashed indexes are not "
                       "implemented (\"can't find index with key\")",
    "index options": "index options expireAfterSeconds, partialFilterExpression and "
                     "collation are not implemented",
    "javascript values": "a BSON JavaScript (Code) value in a command or document makes it "
                         "close the connection",
    "aggregate without cursor": "aggregate requires the cursor option (useCursor=False is "
                                "refused, as by MongoDB 3.6+)",
    "update batches of 100+ statements": "an update command of 100 or more statements "
                                          "never answers and wedges the server (SQLite "
                                          "handler); 99 statements answer",
    "write concern errors": "it accepts any w (w=5 on a single server, unknown tag sets) "
                            "without a writeConcernError",
    "update write error n": "an update command's reply with writeErrors has no 'n' field "
                            "(a server answers n: 0 beside the write errors)",
}


def against_ferretdb() -> bool:
    return not os.environ.get("MONGOFW_TEST_URI")


def requires(feature: str):
    """A marker skipping the test on FerretDB when ``feature`` is a known gap."""
    if feature not in GAPS:
        raise KeyError(f"unknown server feature {feature!r}; add it to GAPS with a reason")
    return pytest.mark.skipif(against_ferretdb(), reason=f"FerretDB 1.24: {GAPS[feature]}")
