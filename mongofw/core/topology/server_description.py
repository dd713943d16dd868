"""What one handshake (or one failure) says about one server: an immutable value.

A monitor builds a :class:`ServerDescription` from each ``hello`` / ``ismaster`` reply
or error; :mod:`mongofw.core.topology.topology_description` folds it into the topology.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, FrozenSet, Iterable, Optional, Tuple

from mongofw.core.topology.server_type import SERVER_TYPE, server_type_name
from mongofw.errors import OperationFailure

Address = Tuple[str, Optional[int]]

DEFAULT_PORT = 27017
DEFAULT_MAX_BSON_SIZE = 16 * 1024 * 1024
DEFAULT_MAX_MESSAGE_SIZE = 48_000_000
DEFAULT_MAX_WRITE_BATCH_SIZE = 1000


def parse_address(text: str, default_port: int = DEFAULT_PORT) -> Address:
    """``"Host:27017"`` / ``"[::1]:27017"`` / ``"host"`` as a lower-cased ``(host, port)``.

    Host names compare case-insensitively (SDAM "normalize_case"), so they are kept
    lower-cased everywhere; a path ending in ``.sock`` is a Unix socket without port.
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"a server address must be a non-empty 'host[:port]' string, "
                         f"not {text!r}")
    if text.endswith(".sock"):
        return text, None
    host, port = text, default_port
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"an IPv6 address must be enclosed in '[' and ']': {text!r}")
        host = text[1:end]
        rest = text[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"unexpected text after the IPv6 address in {text!r}")
            port = _port(rest[1:], text)
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = _port(port_text, text)
    elif ":" in text:
        raise ValueError(f"an IPv6 address must be enclosed in '[' and ']': {text!r}")
    return host.lower(), port


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"port must be an integer between 1 and 65535 in {whole!r}, "
                         f"not {text!r}")
    return int(text)


def id_bytes(value: Any) -> Optional[bytes]:
    """The 12 bytes of an ObjectId-like value (ObjectId, bytes or 24 hex digits), or None.

    Election ids and topologyVersion process ids compare as these bytes, the order
    of ObjectId itself.
    """
    if value is None:
        return None
    binary = getattr(value, "binary", None)
    if isinstance(binary, bytes):
        return binary
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return bytes.fromhex(value)
    raise TypeError(f"expected an ObjectId, not {type(value).__name__}: {value!r}")


def topology_version_key(version: Optional[Mapping[str, Any]]) -> Optional[Tuple[bytes, int]]:
    """``topologyVersion`` as ``(processId bytes, counter)``, or None when absent."""
    if not version:
        return None
    return id_bytes(version.get("processId")), int(version.get("counter", 0))


def _addresses(hosts: Optional[Iterable[str]]) -> FrozenSet[Address]:
    return frozenset(parse_address(h) for h in hosts or ())


def _server_type(doc: Mapping[str, Any]) -> int:
    if not doc.get("ok"):
        return SERVER_TYPE.Unknown
    if doc.get("isreplicaset"):
        return SERVER_TYPE.RSGhost
    if doc.get("setName"):
        if doc.get("hidden"):
            return SERVER_TYPE.RSOther
        # Newer servers answer "hello" with isWritablePrimary; older ones "ismaster".
        if doc.get("isWritablePrimary") or doc.get("ismaster"):
            return SERVER_TYPE.RSPrimary
        if doc.get("secondary"):
            return SERVER_TYPE.RSSecondary
        if doc.get("arbiterOnly"):
            return SERVER_TYPE.RSArbiter
        return SERVER_TYPE.RSOther
    if doc.get("msg") == "isdbgrid":
        return SERVER_TYPE.Mongos
    return SERVER_TYPE.Standalone


def _reply_error(doc: Mapping[str, Any]) -> OperationFailure:
    message = doc.get("errmsg") or "the server answered the handshake with ok: 0"
    return OperationFailure(str(message), doc.get("code"), doc)


class ServerDescription:
    """Immutable facts about one server from its latest handshake reply or error.

    ``ServerDescription(address)`` is the Unknown server the topology starts with;
    ``ServerDescription(address, reply, rtt)`` a checked one; ``error=`` a failed check.
    Equality follows the SDAM spec: it ignores round-trip times, update times and the
    write dates, so an unchanged server publishes no "description changed" event.

    The client builds these; applications read them from
    :class:`~pymongo.topology_description.TopologyDescription` and the monitoring events.

    :param address: the server's ``(host, port)`` pair.
    :param ismaster: the server's handshake reply (``hello`` / ``isMaster``), a
        mapping; ``None`` (the default) for a server not checked yet.  A reply with
        ``ok: 0`` makes an Unknown server whose :attr:`error` is an
        :exc:`~pymongo.errors.OperationFailure`.
    :param round_trip_time: the moving average of the check's round trips, in seconds
        (``float``), or None.
    :param error: the exception the last check raised, or None.
    :param topology_version: keyword only, mongofw's own: the server's
        ``topologyVersion``, kept across a failed check (the reply's own wins when it
        has one).
    :param last_update_time: keyword only, mongofw's own: the :func:`time.monotonic`
        time of the check; default now.
    :raises TypeError: when ``ismaster`` is not a mapping.
    """

    __slots__ = ("_address", "_reply", "_doc", "_type", "_hosts", "_passives", "_arbiters", "_primary",
                 "_me", "_tags", "_rtt", "_error", "_topology_version", "_last_update_time")

    def __init__(self, address: Address, ismaster: Optional[Mapping[str, Any]] = None,
                 round_trip_time: Optional[float] = None, error: Optional[BaseException] = None,
                 *, topology_version: Optional[Mapping[str, Any]] = None,
                 last_update_time: Optional[float] = None) -> None:
        doc = ismaster if ismaster is not None else {}
        if not isinstance(doc, Mapping):
            raise TypeError(f"ismaster must be a mapping (the handshake reply), "
                            f"not {type(doc).__name__}")
        server_type = _server_type(doc)
        if ismaster is not None and server_type == SERVER_TYPE.Unknown and error is None:
            error = _reply_error(doc)
        put = object.__setattr__
        put(self, "_address", address)
        put(self, "_reply", doc)
        # A failed reply describes nothing: an Unknown server has the default fields.
        topology_version = doc.get("topologyVersion") or topology_version
        doc = doc if server_type != SERVER_TYPE.Unknown else {}
        put(self, "_doc", doc)
        put(self, "_type", server_type)
        put(self, "_hosts", _addresses(doc.get("hosts")))
        put(self, "_passives", _addresses(doc.get("passives")))
        put(self, "_arbiters", _addresses(doc.get("arbiters")))
        put(self, "_primary", parse_address(doc["primary"]) if doc.get("primary") else None)
        put(self, "_me", parse_address(doc["me"]) if doc.get("me") else None)
        put(self, "_tags", MappingProxyType(dict(doc.get("tags") or {})))
        put(self, "_rtt", round_trip_time)
        put(self, "_error", error)
        put(self, "_topology_version", topology_version)
        put(self, "_last_update_time",
            time.monotonic() if last_update_time is None else last_update_time)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"ServerDescription is immutable; cannot set {name!r}")

    # ------------------------------------------------------------ identity and type

    @property
    def address(self) -> Address:
        """The server's ``(host, port)`` pair."""
        return self._address

    @property
    def server_type(self) -> int:
        """One of :data:`~mongofw.core.topology.server_type.SERVER_TYPE`."""
        return self._type

    @property
    def server_type_name(self) -> str:
        """The server type as a name: ``"Unknown"``, ``"Mongos"``, ``"RSPrimary"``..."""
        return server_type_name(self._type)

    @property
    def ismaster(self) -> Mapping[str, Any]:
        """The raw handshake reply (empty for an unchecked server or a failed check)."""
        return self._reply

    @property
    def error(self) -> Optional[BaseException]:
        """Why the last check failed, or None."""
        return self._error

    @property
    def round_trip_time(self) -> Optional[float]:
        """Moving average of heartbeat round trips, in seconds."""
        return self._rtt

    @property
    def last_update_time(self) -> float:
        """``time.monotonic()`` when this description was made."""
        return self._last_update_time

    @property
    def is_server_type_known(self) -> bool:
        """Whether the last check succeeded (the type is not Unknown)."""
        return self._type != SERVER_TYPE.Unknown

    @property
    def is_writable(self) -> bool:
        """Whether writes may go here: a primary, a standalone or a mongos."""
        return self._type in (SERVER_TYPE.RSPrimary, SERVER_TYPE.Standalone, SERVER_TYPE.Mongos)

    @property
    def is_readable(self) -> bool:
        """Whether reads may go here: a secondary, or any writable server."""
        return self._type == SERVER_TYPE.RSSecondary or self.is_writable

    # ------------------------------------------------------------ replica set membership

    @property
    def all_hosts(self) -> FrozenSet[Address]:
        """Every member the server lists: hosts, passives and arbiters."""
        return self._hosts | self._passives | self._arbiters

    @property
    def hosts(self) -> FrozenSet[Address]:
        """The data-bearing members (``hosts``) the server lists, as a frozenset of
        ``(host, port)`` pairs (empty outside a replica set)."""
        return self._hosts

    @property
    def passives(self) -> FrozenSet[Address]:
        """The priority-0 members (``passives``) the server lists, as a frozenset of
        ``(host, port)`` pairs."""
        return self._passives

    @property
    def arbiters(self) -> FrozenSet[Address]:
        """The arbiters the server lists, as a frozenset of ``(host, port)`` pairs."""
        return self._arbiters

    @property
    def primary(self) -> Optional[Address]:
        """Whom a replica set member believes to be primary."""
        return self._primary

    @property
    def me(self) -> Optional[Address]:
        """The address the member calls itself."""
        return self._me

    @property
    def set_name(self) -> Optional[str]:
        """The replica set name the member reports (``setName``), or None."""
        return self._doc.get("setName")

    @property
    def replica_set_name(self) -> Optional[str]:
        """The replica set the member belongs to (``setName``), or None."""
        return self.set_name

    @property
    def mongos(self) -> bool:
        """Whether the server is a mongos."""
        return self._type == SERVER_TYPE.Mongos

    @property
    def cluster_time(self) -> Optional[Mapping[str, Any]]:
        """The ``$clusterTime`` the handshake reply carried (MongoDB 3.6+), or None."""
        return self._doc.get("$clusterTime")

    @property
    def retryable_writes_supported(self) -> bool:
        """Whether the server supports retryable writes: sessions, and not a standalone."""
        return self.logical_session_timeout_minutes is not None and \
            self._type in (SERVER_TYPE.Mongos, SERVER_TYPE.RSPrimary)

    @property
    def retryable_reads_supported(self) -> bool:
        """Whether the server supports retryable reads (MongoDB 3.6+, wire version 6)."""
        return self.max_wire_version >= 6

    def to_unknown(self, error: Optional[BaseException] = None) -> ServerDescription:
        """An Unknown description of the same address (after ``error``, if given)."""
        return ServerDescription(self._address, error=error,
                                 topology_version=self._topology_version)

    @property
    def set_version(self) -> Optional[int]:
        """The replica set configuration version (``setVersion``), or None."""
        return self._doc.get("setVersion")

    @property
    def election_id(self) -> Any:
        """The primary's ``electionId`` (an ObjectId), or None."""
        return self._doc.get("electionId")

    @property
    def election_tuple(self) -> Tuple[Optional[int], Any]:
        """``(set_version, election_id)``: how the client tells a stale primary."""
        return self.set_version, self.election_id

    @property
    def tags(self) -> Mapping[str, Any]:
        """The member's replica set tags, a read-only mapping (empty when none)."""
        return self._tags

    @property
    def topology_version(self) -> Optional[Mapping[str, Any]]:
        """``{"processId": ObjectId, "counter": int}`` from 4.4+ servers, else None."""
        return self._topology_version

    # ------------------------------------------------------------ limits and versions

    @property
    def min_wire_version(self) -> int:
        """The lowest wire protocol version the server speaks (0 when unknown)."""
        return int(self._doc.get("minWireVersion", 0))

    @property
    def max_wire_version(self) -> int:
        """The highest wire protocol version the server speaks (0 when unknown);
        6 is MongoDB 3.6, 7 is 4.0, 8 is 4.2, 9 is 4.4."""
        return int(self._doc.get("maxWireVersion", 0))

    @property
    def max_bson_size(self) -> int:
        """The largest document the server accepts, in bytes (16 MiB by default)."""
        return int(self._doc.get("maxBsonObjectSize", DEFAULT_MAX_BSON_SIZE))

    @property
    def max_message_size(self) -> int:
        """The largest wire message the server accepts, in bytes (48,000,000 by
        default)."""
        return int(self._doc.get("maxMessageSizeBytes", DEFAULT_MAX_MESSAGE_SIZE))

    @property
    def max_write_batch_size(self) -> int:
        """The most writes one write command may carry (1000 by default; servers
        from 3.6 report 100,000)."""
        return int(self._doc.get("maxWriteBatchSize", DEFAULT_MAX_WRITE_BATCH_SIZE))

    @property
    def last_write_date(self) -> Any:
        """``lastWrite.lastWriteDate`` (a datetime from real servers), or None."""
        last_write = self._doc.get("lastWrite")
        return last_write.get("lastWriteDate") if isinstance(last_write, Mapping) else None

    @property
    def logical_session_timeout_minutes(self) -> Optional[int]:
        """How long the server keeps an idle session, in minutes; None when it
        does not support sessions (before MongoDB 3.6)."""
        return self._doc.get("logicalSessionTimeoutMinutes")

    # ------------------------------------------------------------ value semantics

    def _key(self) -> tuple:
        error = self._error
        return (self._address, self._type, self.min_wire_version, self.max_wire_version,
                self._me, self._hosts, self._passives, self._arbiters,
                frozenset((k, repr(v)) for k, v in self._tags.items()), self.set_name,
                self.set_version, id_bytes(self.election_id), self._primary,
                self.logical_session_timeout_minutes,
                topology_version_key(self._topology_version),
                None if error is None else (type(error), str(error)))

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, ServerDescription):
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        extra = f", error: {self._error!r}" if self._error is not None else ""
        return (f"<ServerDescription {self._address!r} server_type: {self.server_type_name}, "
                f"rtt: {self._rtt}{extra}>")
