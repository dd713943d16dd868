"""Tools for creating legacy wire protocol messages (see :mod:`mongofw.core.wire.legacy_messages`)."""
from mongofw.core.wire.legacy_messages import (
    MAX_INT32,
    MIN_INT32,
    delete,
    get_more,
    insert,
    kill_cursors,
    query,
    update,
)

__all__ = ["MAX_INT32", "MIN_INT32", "delete", "get_more", "insert", "kill_cursors", "query",
           "update"]
