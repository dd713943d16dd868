"""Option handling: URI parsing, validators, client options, read/write concerns, collation.

Plain values and checks that the core and the client API import; nothing here does I/O.
"""
