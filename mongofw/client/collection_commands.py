"""Running one command for a collection: on a server its read preference picks, or the primary.

:func:`run_read_command` uses the collection's read preference and read concern;
:func:`run_write_command` the primary, with the collection's write concern on MongoDB
3.4+ as PyMongo 3.4 does.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

from mongofw.errors import ConfigurationError

# Read concern needs MongoDB 3.2 (wire 4); commands take a write concern from 3.4 (wire 5).
READ_CONCERN_WIRE_VERSION = 4
COMMAND_WRITE_CONCERN_WIRE_VERSION = 5


def check_read_concern(read_concern: Any, sock_info: Any) -> Any:
    level = getattr(read_concern, "level", None)
    if level and sock_info.max_wire_version < READ_CONCERN_WIRE_VERSION:
        raise ConfigurationError(f"read concern level of {level} is not valid with a max wire "
                                 f"version of {sock_info.max_wire_version}")
    return read_concern if level else None


def run_read_command(collection: Any, cmd: Mapping[str, Any], read_preference: Any = None,
                     collation: Optional[Mapping[str, Any]] = None, read_concern: Any = None,
                     allowable_errors: Any = None, write_concern: Any = None,
                     session: Any = None, retryable: bool = False,
                     read_concern_wire_version: int = 0) -> Tuple[Mapping[str, Any], Any]:
    """Run ``cmd`` on a server chosen by ``read_preference`` (default: the collection's),
    in ``session`` (an implicit one when None), retried once when ``retryable`` (the
    retryable reads specification's operations: count, distinct, aggregate, ...).
    ``read_concern`` goes only to servers of at least ``read_concern_wire_version``.

    Returns ``(reply, address)``.
    """
    client = collection.database.client
    read_preference = read_preference or collection.read_preference
    with client._tmp_session(session) as session:
        def run(sock_info: Any, slave_ok: bool) -> Tuple[Mapping[str, Any], Any]:
            concern = check_read_concern(read_concern, sock_info) \
                if sock_info.max_wire_version >= read_concern_wire_version else None
            concern_for_writes = write_concern if \
                sock_info.max_wire_version >= COMMAND_WRITE_CONCERN_WIRE_VERSION else None
            reply = sock_info.command(
                collection.database.name, cmd, slave_ok, read_preference,
                collection.codec_options, allowable_errors=allowable_errors,
                read_concern=concern, collation=collation, write_concern=concern_for_writes,
                parse_write_concern_error=concern_for_writes is not None, session=session)
            return reply, sock_info.address

        if retryable:
            return client._retryable_read(session, read_preference, run)
        read_preference = client._read_preference_in(session, read_preference)
        with client._socket_for_reads(read_preference, session) as (sock_info, slave_ok):
            return run(sock_info, slave_ok)


def run_write_command(collection: Any, cmd: Mapping[str, Any], allowable_errors: Any = None,
                      collation: Optional[Mapping[str, Any]] = None,
                      read_concern: Any = None, apply_write_concern: bool = True,
                      session: Any = None) -> Mapping[str, Any]:
    """Run ``cmd`` on the primary, with the collection's write concern on MongoDB 3.4+,
    in ``session`` (an implicit one when None); not retried."""
    client = collection.database.client
    with client._tmp_session(session) as session, \
            client._socket_for_writes(session=session) as sock_info:
        concern = check_read_concern(read_concern, sock_info)
        write_concern = collection.write_concern if apply_write_concern and \
            sock_info.max_wire_version >= COMMAND_WRITE_CONCERN_WIRE_VERSION else None
        return sock_info.command(collection.database.name, cmd,
                                 codec_options=collection.codec_options,
                                 allowable_errors=allowable_errors, read_concern=concern,
                                 write_concern=write_concern, collation=collation,
                                 parse_write_concern_error=write_concern is not None,
                                 session=session)
