"""The engine: the wire, the pool, the topology and dispatch.

Imports ``bson``, the standard library, :mod:`mongofw.errors` and :mod:`mongofw.options`,
and nothing above them: no plugin, no plugin manager, no client API.  Its collaborators
(an event publisher, an authenticator, a connection class) are handed in.
"""
