"""The one list of spec cases we do not run, keyed by the reason a user would accept.

A skipped case counts as not passing; the end-of-run summary reports the counts.
Patterns are ``fnmatch`` globs over case ids (``file.json::description``).
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Dict, List, Optional

SKIPS: Dict[str, List[str]] = {
    # server-discovery-and-monitoring (tests/spec/test_sdam.py)
    "load balancer mode (loadBalanced=true, topology type LoadBalanced) is newer than the "
    "3.4 API and not supported": ["monitoring/load_balancer.json::*",
                                  "LoadBalanced/read/*.json::*", "LoadBalanced/write/*.json::*"],
    # uri-options, auth/legacy (tests/spec/test_uri_options.py, test_auth_legacy.py)
    "mongodb+srv requires DNS SRV lookups, which this driver does not support (parse_uri "
    "refuses the scheme with ConfigurationError)": ["srv-options.json::SRV URI*"],
    "client backpressure (maxAdaptiveRetries, enableOverloadRetargeting) configures retries "
    "of overloaded operations; this driver does not retry operations": [
        "client-backpressure-options.json::*"],
    "serverSelectionTryOnce applies to single-threaded drivers only; this driver monitors "
    "servers on background threads": ["single-threaded-options.json::*"],
    "the 3.4 API forbids maxPoolSize=0 (documented 'Cannot be 0'; maxPoolSize=None means no "
    "limit), where newer drivers read 0 as unlimited": [
        "connection-pool-options.json::maxPoolSize=0 does not error"],
    # gridfs/legacy (tests/spec/test_gridfs.py)
    "the contentType and disableMD5 upload options are newer than the 3.4 API: its "
    "GridFSBucket.upload_from_stream takes only chunk_size_bytes and metadata, and always "
    "records md5": ["upload.json::Upload when contentType is provided",
                    "upload.json::Upload when length is * sans MD5"],
    # crud/v1 (tests/spec/test_crud.py)
    "arrayFilters (MongoDB 3.6) is newer than the 3.4 API: update_one, update_many, "
    "find_one_and_update and the bulk operations take no array_filters argument": [
        "write/*-arrayFilters.json::*"],
    "MONGODB-AWS and MONGODB-OIDC authentication are newer than the 3.4 API and not "
    "implemented (no auth plugin registers them)": [
        "connection-string.json::*(MONGODB-AWS)", "connection-string.json::*(MONGODB-OIDC)"],
    # transactions/legacy (tests/spec/test_transactions.py)
    "needs a sharded cluster of several mongoses (a transaction pinned to one mongos, its "
    "recoveryToken, fail points on the pinned mongos): the proxy peer plays one replica-set "
    "primary, and the driver does not implement sharded transactions": [
        "mongos-pin-auto.json::*", "mongos-recovery-token.json::*",
        "mongos-recovery-token-errorLabels.json::*", "pin-mongos.json::*"],
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
