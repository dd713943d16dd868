"""The driver bugs the spec runners found, each with the fix it needs.

A runner's XFAILS table maps one of these to the exact cases it breaks (strict xfails:
once the bug is fixed the cases XPASS and the table entry must go).  One text per bug, so
that suites hit by the same bug say the same thing.
"""

SNAPSHOT_BEFORE_5_0 = (
    "a snapshot session's reads are sent to a server older than MongoDB 5.0, which the "
    "sessions specification forbids with a client error 'Snapshot reads require MongoDB "
    "5.0 or later' (fix: check the wire version, 13, before sending a read of a snapshot "
    "session)")
SNAPSHOT_CONCERN_ON_READS_ONLY = (
    "a snapshot session adds readConcern {level: 'snapshot'} to find/aggregate/distinct "
    "only, so its writes, listDatabases, listCollections, listIndexes and runCommand run "
    "(without it) instead of being refused by the server as the specification expects "
    "(fix: send the snapshot read concern on every command of a snapshot session)")
NO_CAUSAL_CONCERN_AFTER_CALLBACK_ENDS = (
    "when a with_transaction callback commits or aborts the transaction itself and then "
    "runs another write in the session, the convenient-API tests expect that write to "
    "carry readConcern.afterClusterTime (the session's last operation time); the driver "
    "adds afterClusterTime to reads and to a transaction's first command only (fix: apply "
    "the causal read concern to that command as the tests expect)")
CHANGE_STREAM_RESUMES_BY_CODE = (
    "a change stream resumes after a getMore error whose code is on the pre-4.4 allow list "
    "even on MongoDB 4.4+, where only errors labelled ResumableChangeStreamError may be "
    "resumed (change_stream._resumable checks the code whatever the wire version; fix: "
    "from wire version 9 decide by the label, CursorNotFound aside)")
