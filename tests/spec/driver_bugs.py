"""The driver bugs the spec runners found, each with the fix it needs.

A runner's XFAILS table maps one of these to the exact cases it breaks (strict xfails:
once the bug is fixed the cases XPASS and the table entry must go).  One text per bug, so
that suites hit by the same bug say the same thing.
"""

TRANSACTION_STATE_NOT_RESET = (
    "a session's transaction state stays 'committed' / 'aborted' after later operations "
    "outside a transaction, so commit_transaction() retries the old commit and "
    "abort_transaction() says 'twice' instead of 'No transaction started' (fix: reset the "
    "state to none when a command runs outside a transaction after one finished)")
CREATE_COLLECTION_IN_TRANSACTION = (
    "Database.create_collection runs listCollections (to refuse an existing collection) "
    "inside a transaction, where the server refuses listCollections with "
    "OperationNotSupportedInTransaction (fix: skip that check in a transaction, as PyMongo "
    "3.x does)")
COMMIT_NETWORK_ERROR_UNLABELLED = (
    "a network error (or socket timeout) on commitTransaction is raised without the "
    "RetryableWriteError label the transactions specification asks for beside "
    "UnknownTransactionCommitResult (fix: label it in Transactions._finish / commit)")
FINISH_RETRIED_WITHOUT_LABEL = (
    "commitTransaction / abortTransaction are retried after a retryable error code on "
    "MongoDB 4.4+ even when the server did not label it RetryableWriteError "
    "(transactions._retryable looks at codes whatever the wire version; fix: decide by "
    "the label from wire version 9)")
READ_NETWORK_ERROR_NOT_TRANSIENT = (
    "a network error of find() inside a transaction is raised without the "
    "TransientTransactionError label (cursors do not run under _tmp_session, where "
    "add_transient_label is applied; fix: label errors of cursor commands too)")
COMMAND_READ_PREFERENCE_IN_TRANSACTION = (
    "Database.command with a non-primary read_preference inside a transaction runs the "
    "command instead of raising InvalidOperation('read preference in a transaction must "
    "be primary') (fix: check it through _read_preference_in as the CRUD methods do)")
UNACKNOWLEDGED_IN_TRANSACTION = (
    "a write with an unacknowledged collection write concern (w=0) inside a transaction "
    "raises ConfigurationError('Explicit sessions are incompatible with unacknowledged "
    "write concern'), but inside a transaction the collection's write concern does not "
    "apply (fix: in _tmp_session, allow it when the session is in a transaction, and "
    "send the write acknowledged)")
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
