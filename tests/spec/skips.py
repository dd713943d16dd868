"""The one list of spec cases we do not run, keyed by the reason a user would accept.

A skipped case counts as not passing; the end-of-run summary reports the counts.
Patterns are ``fnmatch`` globs over case ids (``file.json::description``).
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Dict, List, Optional

SKIPS: Dict[str, List[str]] = {
    # bson-corpus (tests/spec/test_bson_corpus.py); docs/differences.md says why
    "PyMongo 3.4 decoded a sub-document with $ref and no $id as DBRef(collection, None), "
    "which re-encodes with \"$id\": null; mongofw follows 3.4 here (issue 16), so this "
    "round trip cannot hold": ["dbref.json::Sub-document resembles DBRef but $id is missing"],
    # connection-string, auth/legacy, read-write-concern: parse_uri follows PyMongo 3.4
    # (issue 16); docs/differences.md says why for each
    "PyMongo 3.4 decoded user info with unquote_plus: '+' is a space (the escaping its "
    "documentation asks for, urllib.parse.quote_plus), where the specification keeps '+'": [
        "valid-auth.json::Subdelimiters in user/pass don't need escaping (PLAIN)"],
    "PyMongo 3.4 accepted a '%' that starts no escape in user info as a literal '%' "
    "(unquote_plus leaves it); the specification refuses the URI": [
        "invalid-uris.json::Username with password containing an unescaped percent sign*"],
    "PyMongo 3.4's parse_uri gives the password '' for user info without ':', where the "
    "specification expects null (MongoClient treats both as no password)": [
        "valid-auth.json::Username without password",
        "valid-auth.json::Escaped username and database without password",
        "valid-auth.json::Escaped username (MONGODB-X509)"],
    "PyMongo 3.4 treated every host ending in '.sock' as a Unix domain socket (port None), "
    "where the specification needs a '/' in it": [
        "valid-unix_socket-*.json::Multiple hosts (* path and hostname resembling relative "
        "path)"],
    "PyMongo 3.4 accepted an empty authSource when no user is given (no credentials are "
    "built); the specification refuses it": [
        "connection-string.json::must raise an error when the authSource is empty without "
        "credentials"],
    "PyMongo 3.4 took any string w as a tag-set name ('-2' included); only integer w are "
    "checked": ["write-concern.json::w as an invalid number"],
    "PyMongo 3.4's WriteConcern took a negative w (unacknowledged) and a negative wtimeout; "
    "the specification refuses them": ["write-concern.json::W as an invalid number",
                                        "write-concern.json::WTimeoutMS as an invalid number"],
    # server-discovery-and-monitoring (tests/spec/test_sdam.py)
    "load balancer mode (loadBalanced=true, topology type LoadBalanced; PyMongo 3.12) is "
    "not supported: loadBalanced=true is refused with ConfigurationError": ["monitoring/load_balancer.json::*",
                                  "LoadBalanced/read/*.json::*", "LoadBalanced/write/*.json::*"],
    # uri-options, auth/legacy (tests/spec/test_uri_options.py, test_auth_legacy.py)
    "mongodb+srv requires DNS SRV lookups, which this driver does not support (parse_uri "
    "refuses the scheme with InvalidURI, a ConfigurationError)": ["srv-options.json::SRV URI*"],
    "client backpressure (maxAdaptiveRetries, enableOverloadRetargeting) is a PyMongo 4.x "
    "option for retrying overloaded operations; the 3.x API has no such option": [
        "client-backpressure-options.json::*"],
    "serverSelectionTryOnce applies to single-threaded drivers only; this driver monitors "
    "servers on background threads": ["single-threaded-options.json::*"],
    "the 3.4 API forbids maxPoolSize=0 (documented 'Cannot be 0'; maxPoolSize=None means no "
    "limit), where newer drivers read 0 as unlimited": [
        "connection-pool-options.json::maxPoolSize=0 does not error"],
    # gridfs/legacy (tests/spec/test_gridfs.py)
    "GridFSBucket.upload_from_stream of the 3.x API takes no contentType (the GridFS "
    "specification deprecates the field; 3.x users put it in metadata, or pass "
    "contentType= to the legacy GridFS.put)": [
        "upload.json::Upload when contentType is provided"],
    "MONGODB-AWS (PyMongo 3.11) and MONGODB-OIDC (PyMongo 4.7) authentication are not "
    "implemented (no auth plugin registers them; a third-party plugin can)": [
        "connection-string.json::*(MONGODB-AWS)", "connection-string.json::*(MONGODB-OIDC)"],
    # transactions-convenient-api/unified (tests/spec/test_transactions_convenient_api.py)
    "expects the write after the callback's own commit or abort, outside any transaction, "
    "to carry readConcern.afterClusterTime: a later causal consistency revision "
    "(DRIVERS-3274) sends afterClusterTime with writes, where the specification the 3.x "
    "API follows sends it with reads (and a transaction's first command) only; the "
    "transactions/legacy files run here expect the same kind of write with no readConcern "
    "(commit.json 'reset session state *', retryable-writes.json 'increment txnNumber'), "
    "so one of the two sets must fail, and the driver keeps the reads-only rule": [
        "callback-aborts.json::withTransaction still succeeds if callback aborts and runs "
        "extra op",
        "callback-commits.json::withTransaction still succeeds if callback commits and runs "
        "extra op"],
    # sessions/unified (tests/spec/test_sessions_unified.py)
    "the snapshotTime session option and ClientSession's snapshot time (getSnapshotTime) "
    "are newer than the 3.x API: start_session takes causal_consistency, "
    "default_transaction_options and snapshot only": [
        "snapshot-sessions.json::* with snapshot and snapshot time",
        "snapshot-sessions.json::Mixed operation with snapshot and snapshotTime"],
    # change-streams/unified (tests/spec/test_change_streams_unified.py)
    "watch() of the 3.x API takes no comment (a PyMongo 4.1 option)": [
        "change-streams.json::Test with document comment*",
        "change-streams.json::Test with string comment",
        "change-streams.json::Test that comment is*set on getMore*"],
    "watch() of the 3.x API takes no show_expanded_events (a PyMongo 4.3 option for "
    "MongoDB 6.0's expanded events: create, createIndexes, modify, disambiguatedPaths ...)": [
        "change-streams-showExpandedEvents.json::when provided, *",
        "change-streams-showExpandedEvents.json::when showExpandedEvents is true, *",
        "change-streams-disambiguatedPaths.json::disambiguatedPaths is present on *",
        "change-streams-disambiguatedPaths.json::disambiguatedPaths returns array indices *"],
    "watch() of the 3.x API takes no full_document_before_change (a PyMongo 4.2 option "
    "for MongoDB 6.0 pre-images)": [
        "change-streams-pre_and_post_images.json::fullDocumentBeforeChange:*"],
    "needs MongoDB 8.1 (nsType in events, asked for with showExpandedEvents): its wire "
    "version is above the 25 (MongoDB 8.0) this driver supports, and watch() takes no "
    "show_expanded_events": ["change-streams-nsType.json::*"],
}


def reason_for(case_id: str) -> Optional[str]:
    for reason, patterns in SKIPS.items():
        if any(fnmatchcase(case_id, pattern) for pattern in patterns):
            return reason
    return None
