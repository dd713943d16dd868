"""The client API: MongoClient, Database, Collection, cursors, bulk writes and results.

Built on :mod:`mongofw.core`; assembles what the default plugins contribute (codecs, auth
mechanisms, listeners, manipulators, cursor managers) into the documented API, which the
``pymongo`` and ``gridfs`` packages re-export.
"""
