"""Public callables whose docstrings do not yet name every parameter (or are missing).

``tests/docs/test_docstrings.py`` fails for any such name not listed here, and for any
listed name that is now documented: this list only shrinks.  Document a name, then take
it off.  The areas other work is changing at the moment (the client's retry, transaction
and change-stream code, ``bson.json_util``) are documented last, docstrings only.
"""

# 0 names.
UNDOCUMENTED: frozenset = frozenset()
