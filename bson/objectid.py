"""ObjectId: the 12-byte unique identifier MongoDB uses for ``_id``."""
from __future__ import annotations

import binascii
import calendar
import datetime
import itertools
import os
import struct
import time
from typing import Any, Optional, Union

from bson.errors import InvalidId
from bson.tz_util import utc

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_PACK_TIME = struct.Struct(">I").pack
# A new id in one call: the 4-byte time, then the machine, process and counter bytes as
# one 8-byte integer.
_PACK_NEW = struct.Struct(">IQ").pack


def _machine_bytes() -> bytes:
    """3 bytes identifying this host (the documented layout's machine identifier)."""
    # Imported here: only generating ObjectIds needs them, and they slow ``import bson``.
    import hashlib
    import socket

    return hashlib.md5(socket.gethostname().encode("utf-8", "replace")).digest()[:3]


# The 5 bytes after the timestamp (machine and process id) are the same for every id a
# process makes: built on first use (as an integer, shifted past the counter's 3 bytes),
# forgotten in a forked child (whose pid differs).  0 means "not built yet"; the 1 in
# 2**40 process whose bytes really are all zero just builds them again for every id.
_process_part = 0


def _forget_process_part() -> None:
    global _process_part
    _process_part = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_process_part)


def _new_process_part() -> int:
    global _process_part
    machine_and_pid = _machine_bytes() + struct.pack(">H", os.getpid() & 0xFFFF)
    _process_part = int.from_bytes(machine_and_pid, "big") << 24
    return _process_part


# The 3-byte counter, from a random start; next() on it is atomic under the GIL.
_counter = itertools.count(int.from_bytes(os.urandom(3), "big"))


def _raise_invalid_id(oid: Any) -> None:
    raise InvalidId(f"{oid!r} is not a valid ObjectId, it must be a 12-byte input "
                    "or a 24-character hex string")


class _InvalidIdBytes(InvalidId, TypeError):
    """Bytes that are not 12 long: InvalidId as documented, and TypeError as PyMongo 3.4
    raised on Python 3 (its bytes fell through to the type check), so either handler
    written for 3.4 catches it."""


class ObjectId:
    """A MongoDB ObjectId.

    The 12 bytes are a 4-byte big-endian count of seconds since the epoch, a 3-byte
    machine identifier, a 2-byte process id and a 3-byte counter starting at a random
    value.  ``ObjectId()`` makes a new one; ``oid`` may be an ObjectId, any 12 bytes,
    or a str of 24 hex digits.  Raises InvalidId for other strings and for bytes that are
    not 12 long, TypeError for other types (bytearray included).
    """

    __slots__ = ("__id",)
    _type_marker = 7

    def __init__(self, oid: Optional[Union[str, bytes, ObjectId]] = None) -> None:
        if oid is None:  # a new id, generated inline (this runs per inserted document)
            self.__id = _PACK_NEW(int(time.time()) & 0xFFFFFFFF,
                                  (_process_part or _new_process_part())
                                  | (next(_counter) & 0xFFFFFF))
        elif isinstance(oid, bytes) and len(oid) == 12:
            self.__id = bytes(oid)
        else:
            self.__validate(oid)

    @classmethod
    def from_datetime(cls, generation_time: datetime.datetime) -> ObjectId:
        """A dummy ObjectId whose timestamp is ``generation_time`` and other bytes zero.

        For range queries only; never insert one.  Aware datetimes are converted to
        UTC; naive ones are taken as UTC already.
        """
        offset = generation_time.utcoffset()
        if offset is not None:
            generation_time = generation_time - offset
        seconds = calendar.timegm(generation_time.timetuple())
        return cls(_PACK_TIME(int(seconds) & 0xFFFFFFFF) + b"\x00" * 8)

    @classmethod
    def is_valid(cls, oid: Any) -> bool:
        """Whether ``oid`` is a valid ObjectId (an ObjectId, 12 bytes or 24 hex digits)."""
        if not oid:
            return False
        try:
            ObjectId(oid)
        except (InvalidId, TypeError):
            return False
        return True

    def __validate(self, oid: Any) -> None:
        if isinstance(oid, ObjectId):
            self.__id = oid.binary
        elif isinstance(oid, str):
            if len(oid) == 24 and _HEX_DIGITS.issuperset(oid):
                self.__id = bytes.fromhex(oid)
            else:
                _raise_invalid_id(oid)
        elif isinstance(oid, bytes):
            raise _InvalidIdBytes(f"{oid!r} is not a valid ObjectId, it must be a 12-byte "
                                  "input or a 24-character hex string")
        else:
            raise TypeError("id must be an instance of (bytes, str, ObjectId), "
                            f"not {type(oid)!r}")

    @property
    def binary(self) -> bytes:
        """12-byte binary representation of this ObjectId."""
        return self.__id

    @property
    def generation_time(self) -> datetime.datetime:
        """The aware UTC datetime this ObjectId was generated, precise to the second."""
        seconds = struct.unpack(">I", self.__id[0:4])[0]
        return datetime.datetime.fromtimestamp(seconds, utc)

    def __getstate__(self) -> bytes:
        return self.__id

    def __setstate__(self, value: Any) -> None:
        # Old pickles stored the slot dict; Python 2 pickles load the bytes as a latin-1 str.
        if isinstance(value, dict):
            oid = value["_ObjectId__id"]
        else:
            oid = value
        if isinstance(oid, str):
            oid = oid.encode("latin-1")
        self.__id = oid

    def __str__(self) -> str:
        return binascii.hexlify(self.__id).decode()

    def __repr__(self) -> str:
        return f"ObjectId('{self}')"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, ObjectId):
            return self.__id == other.binary
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        if isinstance(other, ObjectId):
            return self.__id != other.binary
        return NotImplemented

    def __lt__(self, other: Any) -> bool:
        if isinstance(other, ObjectId):
            return self.__id < other.binary
        return NotImplemented

    def __le__(self, other: Any) -> bool:
        if isinstance(other, ObjectId):
            return self.__id <= other.binary
        return NotImplemented

    def __gt__(self, other: Any) -> bool:
        if isinstance(other, ObjectId):
            return self.__id > other.binary
        return NotImplemented

    def __ge__(self, other: Any) -> bool:
        if isinstance(other, ObjectId):
            return self.__id >= other.binary
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.__id)
