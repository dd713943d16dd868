"""Tools for creating legacy wire protocol messages (see :mod:`mongofw.core.wire.legacy_messages`)."""
from mongofw.core.wire.legacy_messages import delete, get_more, insert, kill_cursors, query, update

__all__ = ["delete", "get_more", "insert", "kill_cursors", "query", "update"]
