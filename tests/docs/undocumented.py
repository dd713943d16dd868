"""Public callables whose docstrings do not yet name every parameter (or are missing).

``tests/docs/test_docstrings.py`` fails for any such name not listed here, and for any
listed name that is now documented: this list only shrinks.  Document a name, then take
it off.  The areas other work is changing at the moment (the client's retry, transaction
and change-stream code, ``bson.json_util``) are documented last, docstrings only.
"""

# 24 names.
UNDOCUMENTED = frozenset({
    "bson.json_util.default",
    "bson.json_util.dumps",
    "bson.json_util.loads",
    "bson.json_util.object_hook",
    "bson.json_util.object_pairs_hook",
    "pymongo.bulk.BulkOperationBuilder",
    "pymongo.bulk.BulkOperationBuilder.find",
    "pymongo.bulk.BulkUpsertOperation.replace_one",
    "pymongo.bulk.BulkUpsertOperation.update",
    "pymongo.bulk.BulkUpsertOperation.update_one",
    "pymongo.change_stream.ChangeStream",
    "pymongo.client_session.ClientSession",
    "pymongo.client_session.ClientSession.has_ended",
    "pymongo.client_session.ClientSession.options",
    "pymongo.client_session.ClientSession.start_transaction",
    "pymongo.client_session.ClientSession.with_transaction",
    "pymongo.client_session.TransactionOptions.read_concern",
    "pymongo.client_session.TransactionOptions.read_preference",
    "pymongo.client_session.TransactionOptions.write_concern",
    "pymongo.command_cursor.CommandCursor",
    "pymongo.command_cursor.CommandCursor.batch_size",
    "pymongo.command_cursor.CommandCursor.next",
    "pymongo.command_cursor.RawBatchCommandCursor.next",
    "pymongo.mongo_client.MongoClient.start_session",
})
