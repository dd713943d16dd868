"""Monitoring events and listener base classes (documented as ``pymongo.monitoring``).

Events are frozen value objects built by :class:`mongofw.monitoring.publisher.EventPublisher`
(or by anyone: their constructors follow the documented signatures).  Listeners subclass
one of the base classes (the pool listener is in :mod:`mongofw.monitoring.pool_events`);
:mod:`mongofw.monitoring.registry` keeps the one process-wide list that a client copies
when it is constructed.

Durations: constructors take a ``datetime.timedelta`` or a number of seconds (what the
core measures with ``time.perf_counter``); every event with a duration exposes
``duration_micros`` as an ``int``.
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Dict, Optional, Tuple, Union

import attrs

Address = Tuple[str, Optional[int]]
Duration = Union[datetime.timedelta, float, int]

# Commands whose documents carry credentials (command monitoring spec, "Security").
# Compared lower-cased: the server accepts any case for these names.
SENSITIVE_COMMANDS = frozenset([
    "authenticate", "saslstart", "saslcontinue", "getnonce", "createuser", "updateuser",
    "copydbgetnonce", "copydbsaslstart", "copydb",
])
# hello/isMaster are sensitive only when they carry speculativeAuthenticate.
HELLO_COMMANDS = frozenset(["hello", "ismaster"])
# What survives of a sensitive command's failure document: error codes only, never the
# message (it could echo a user name or payload) — enough for logs and metrics.
_SAFE_FAILURE_FIELDS = ("ok", "code", "codeName")


def is_sensitive_command(command_name: str, document: Optional[Mapping[str, Any]] = None) -> bool:
    """Whether events for ``command_name`` (with this command or reply) must be redacted."""
    name = command_name.lower()
    if name in SENSITIVE_COMMANDS:
        return True
    return name in HELLO_COMMANDS and document is not None and \
        "speculativeAuthenticate" in document


def redacted_failure(failure: Mapping[str, Any]) -> Dict[str, Any]:
    """The fields of a sensitive command's failure document that may be published."""
    return {key: failure[key] for key in _SAFE_FAILURE_FIELDS if key in failure}


def to_micros(duration: Duration) -> int:
    """A ``timedelta`` or a number of seconds as whole microseconds (raises for bad input)."""
    if isinstance(duration, datetime.timedelta):
        micros = duration // datetime.timedelta(microseconds=1)
    elif isinstance(duration, (int, float)) and not isinstance(duration, bool):
        micros = int(round(duration * 1_000_000))
    else:
        raise TypeError(f"duration must be a datetime.timedelta or a number of seconds, "
                        f"not {type(duration).__name__}: {duration!r}")
    if micros < 0:
        raise ValueError(f"duration must not be negative, not {duration!r}")
    return micros


def _check_mapping(what: str, value: Any) -> None:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a mapping (a dict, SON or RawBSONDocument), "
                        f"not {type(value).__name__}: {value!r}")


def _check_str(what: str, value: Any) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}: {value!r}")


# ---------------------------------------------------------------- command events


@attrs.frozen(init=False)
class CommandStartedEvent:
    """Event published just before a command is sent.

    :param command: the command document (a non-empty mapping whose first key names the
        command); kept empty for security-sensitive commands (authentication,
        ``createUser``...).
    :param database_name: the database the command runs on (``str``).
    :param request_id: the wire message's request id (``int``), shared by the matching
        succeeded or failed event.
    :param connection_id: the server's ``(host, port)``.
    :param operation_id: an id shared by the events of one operation (a bulk write's
        batches, a cursor's getMores); ``None`` (the default) when there is none.
    :param service_id: the load-balanced service the server belongs to (new in 3.12);
        always ``None`` here, as mongofw has no load-balanced mode.
    :raises ValueError: when ``command`` is empty or its first key is not a ``str``.

    ``command_name`` is the command document's first key.
    """

    command: Mapping[str, Any]
    database_name: str
    request_id: int
    connection_id: Address
    operation_id: Optional[int]
    command_name: str
    service_id: Any = None

    def __init__(self, command: Mapping[str, Any], database_name: str, request_id: int,
                 connection_id: Address, operation_id: Optional[int] = None,
                 service_id: Any = None) -> None:
        _check_mapping("command", command)
        if not command:
            raise ValueError(f"{command!r} is not a valid command: the document must not be "
                             f"empty, its first key is the command name")
        name = next(iter(command))
        if not isinstance(name, str):
            raise ValueError(f"{command!r} is not a valid command: its first key must be the "
                             f"command name (a str), not {name!r}")
        _check_str("database_name", database_name)
        if is_sensitive_command(name, command):
            command = {}
        self.__attrs_init__(command, database_name, request_id, connection_id, operation_id,
                            name, service_id)


@attrs.frozen(init=False)
class CommandSucceededEvent:
    """Event published when a command's reply says it succeeded.

    :param duration: the round trip, a :class:`datetime.timedelta` or a number of
        seconds; kept as ``duration_micros`` (whole microseconds).
    :param reply: the reply document (empty for security-sensitive commands).
    :param command_name: the command's name (``str``).
    :param request_id: the request id of the matching started event.
    :param connection_id: the server's ``(host, port)``.
    :param operation_id: as for :class:`CommandStartedEvent` (default ``None``).
    :param service_id: as for :class:`CommandStartedEvent` (default ``None``).
    """

    duration_micros: int
    reply: Mapping[str, Any]
    command_name: str
    request_id: int
    connection_id: Address
    operation_id: Optional[int]
    service_id: Any = None

    def __init__(self, duration: Duration, reply: Mapping[str, Any], command_name: str,
                 request_id: int, connection_id: Address,
                 operation_id: Optional[int] = None, service_id: Any = None) -> None:
        micros = to_micros(duration)
        _check_mapping("reply", reply)
        _check_str("command_name", command_name)
        if is_sensitive_command(command_name, reply):
            reply = {}
        self.__attrs_init__(micros, reply, command_name, request_id, connection_id,
                            operation_id, service_id)


@attrs.frozen(init=False)
class CommandFailedEvent:
    """Event published when a command fails: an error reply, or a network error.

    :param duration: the time until the failure, a :class:`datetime.timedelta` or a
        number of seconds; kept as ``duration_micros`` (whole microseconds).
    :param failure: the failure document (for a security-sensitive command only its
        ``ok``, ``code`` and ``codeName``).
    :param command_name: the command's name (``str``).
    :param request_id: the request id of the matching started event.
    :param connection_id: the server's ``(host, port)``.
    :param operation_id: as for :class:`CommandStartedEvent` (default ``None``).
    :param service_id: as for :class:`CommandStartedEvent` (default ``None``).
    """

    duration_micros: int
    failure: Mapping[str, Any]
    command_name: str
    request_id: int
    connection_id: Address
    operation_id: Optional[int]
    service_id: Any = None

    def __init__(self, duration: Duration, failure: Mapping[str, Any], command_name: str,
                 request_id: int, connection_id: Address,
                 operation_id: Optional[int] = None, service_id: Any = None) -> None:
        micros = to_micros(duration)
        _check_mapping("failure", failure)
        _check_str("command_name", command_name)
        if is_sensitive_command(command_name, failure):
            failure = redacted_failure(failure)
        self.__attrs_init__(micros, failure, command_name, request_id, connection_id,
                            operation_id, service_id)


# ---------------------------------------------------------------- server and topology events


@attrs.frozen
class ServerOpeningEvent:
    """Published when the client starts monitoring a server (new in 3.3).

    ``server_address`` is the server's ``(host, port)``; ``topology_id`` the
    :class:`~bson.objectid.ObjectId` naming the client's topology.
    """

    server_address: Address
    topology_id: Any


@attrs.frozen
class ServerClosedEvent:
    """Published when the client stops monitoring a server (new in 3.3); the fields
    ``server_address`` and ``topology_id`` are as for :class:`ServerOpeningEvent`."""

    server_address: Address
    topology_id: Any


@attrs.frozen
class ServerDescriptionChangedEvent:
    """Published when a server's description changes (new in 3.3).

    ``previous_description`` and ``new_description`` are
    :class:`~pymongo.server_description.ServerDescription` values; ``server_address`` and
    ``topology_id`` are as for :class:`ServerOpeningEvent`.
    """

    previous_description: Any
    new_description: Any
    server_address: Address
    topology_id: Any


@attrs.frozen
class TopologyEvent:
    """Base class of the topology events (in the 3.x API after 3.4); ``topology_id`` names the
    client's topology."""

    topology_id: Any


@attrs.frozen
class TopologyOpenedEvent(TopologyEvent):
    """Published when a client opens its topology (new in 3.3); ``topology_id`` is the
    :class:`~bson.objectid.ObjectId` naming it."""


@attrs.frozen
class TopologyClosedEvent(TopologyEvent):
    """Published when a client closes its topology (new in 3.3); ``topology_id`` is as
    for :class:`TopologyOpenedEvent`."""


@attrs.frozen
class TopologyDescriptionChangedEvent(TopologyEvent):
    """Published when the topology's description changes (new in 3.3).

    ``previous_description`` and ``new_description`` are
    :class:`~pymongo.topology_description.TopologyDescription` values; ``topology_id``
    is as for :class:`TopologyOpenedEvent`.
    """

    # Declared again so that it stays the last constructor argument, after the
    # descriptions, as 3.4 documented the order.
    previous_description: Any
    new_description: Any
    topology_id: Any


# ---------------------------------------------------------------- heartbeat events


@attrs.frozen
class ServerHeartbeatStartedEvent:
    """Published when a heartbeat is started; ``connection_id`` is the server's address."""

    connection_id: Address


def _seconds(duration: Duration) -> float:
    to_micros(duration)  # validates type and sign
    if isinstance(duration, datetime.timedelta):
        return duration.total_seconds()
    return float(duration)


@attrs.frozen
class ServerHeartbeatSucceededEvent:
    """Fired when the server heartbeat succeeds.

    ``duration`` is the round trip in seconds, as a float: the 3.4 reference page says
    microseconds but its driver passed seconds, which is what code in the wild expects;
    ``duration_micros`` gives whole microseconds.  ``reply`` is the hello/isMaster reply,
    ``connection_id`` the server's ``(host, port)``, and ``awaited`` (new in 3.11) whether
    the check waited for the server to report a change: always ``False`` here.
    """

    duration: float = attrs.field(converter=_seconds)
    reply: Any
    connection_id: Address
    # Whether the check waited for the server to report a change (streaming monitors,
    # 3.11): always False here, where monitors poll.
    awaited: bool = False

    @property
    def duration_micros(self) -> int:
        """The round trip in whole microseconds."""
        return int(round(self.duration * 1_000_000))


@attrs.frozen
class ServerHeartbeatFailedEvent:
    """Fired when the server heartbeat fails, with an ``ok: 0`` reply or a socket error.

    ``reply`` is the exception; ``duration``, ``connection_id`` and ``awaited`` are as
    for :class:`~pymongo.monitoring.ServerHeartbeatSucceededEvent`.
    """

    duration: float = attrs.field(converter=_seconds)
    reply: Any
    connection_id: Address
    awaited: bool = False  # see ServerHeartbeatSucceededEvent.awaited

    @property
    def duration_micros(self) -> int:
        """The time until the failure, in whole microseconds."""
        return int(round(self.duration * 1_000_000))


# ---------------------------------------------------------------- listeners


class _EventListener:
    """Base of every listener kind; a listener may subclass several kinds."""


class CommandListener(_EventListener):
    """Base class for command listeners: override the handlers you need (defaults do nothing).

    Handles :class:`~pymongo.monitoring.CommandStartedEvent`, :class:`~pymongo.monitoring.CommandSucceededEvent` and
    :class:`~pymongo.monitoring.CommandFailedEvent`.
    """

    def started(self, event: CommandStartedEvent) -> None:
        """Called just before a command is sent, with ``event``, a :class:`~pymongo.monitoring.CommandStartedEvent`; the
        base class does nothing (override it)."""

    def succeeded(self, event: CommandSucceededEvent) -> None:
        """Called when a command's reply says it succeeded, with ``event``, a :class:`~pymongo.monitoring.CommandSucceededEvent`; the
        base class does nothing (override it)."""

    def failed(self, event: CommandFailedEvent) -> None:
        """Called when a command fails (an error reply or a network error), with ``event``, a :class:`~pymongo.monitoring.CommandFailedEvent`; the
        base class does nothing (override it)."""


class ServerListener(_EventListener):
    """Base class for server listeners: override the handlers you need (defaults do nothing).

    Handles :class:`~pymongo.monitoring.ServerOpeningEvent`, :class:`~pymongo.monitoring.ServerDescriptionChangedEvent` and
    :class:`~pymongo.monitoring.ServerClosedEvent`.
    """

    def opened(self, event: ServerOpeningEvent) -> None:
        """Called when the client starts monitoring a server, with ``event``, a :class:`~pymongo.monitoring.ServerOpeningEvent`; the
        base class does nothing (override it)."""

    def description_changed(self, event: ServerDescriptionChangedEvent) -> None:
        """Called when a server's description changes, with ``event``, a :class:`~pymongo.monitoring.ServerDescriptionChangedEvent`; the
        base class does nothing (override it)."""

    def closed(self, event: ServerClosedEvent) -> None:
        """Called when the client stops monitoring a server, with ``event``, a :class:`~pymongo.monitoring.ServerClosedEvent`; the
        base class does nothing (override it)."""


class ServerHeartbeatListener(_EventListener):
    """Base class for heartbeat listeners: override the handlers you need (defaults do nothing).

    Handles :class:`~pymongo.monitoring.ServerHeartbeatStartedEvent`, :class:`~pymongo.monitoring.ServerHeartbeatSucceededEvent`
    and :class:`~pymongo.monitoring.ServerHeartbeatFailedEvent`.
    """

    def started(self, event: ServerHeartbeatStartedEvent) -> None:
        """Called just before a monitor checks a server, with ``event``, a :class:`~pymongo.monitoring.ServerHeartbeatStartedEvent`; the
        base class does nothing (override it)."""

    def succeeded(self, event: ServerHeartbeatSucceededEvent) -> None:
        """Called when a server check succeeds, with ``event``, a :class:`~pymongo.monitoring.ServerHeartbeatSucceededEvent`; the
        base class does nothing (override it)."""

    def failed(self, event: ServerHeartbeatFailedEvent) -> None:
        """Called when a server check fails, with ``event``, a :class:`~pymongo.monitoring.ServerHeartbeatFailedEvent`; the
        base class does nothing (override it)."""


class TopologyListener(_EventListener):
    """Base class for topology listeners: override the handlers you need (defaults do nothing).

    Handles :class:`~pymongo.monitoring.TopologyOpenedEvent`, :class:`~pymongo.monitoring.TopologyDescriptionChangedEvent` and
    :class:`~pymongo.monitoring.TopologyClosedEvent`.
    """

    def opened(self, event: TopologyOpenedEvent) -> None:
        """Called when the client opens its topology, with ``event``, a :class:`~pymongo.monitoring.TopologyOpenedEvent`; the
        base class does nothing (override it)."""

    def description_changed(self, event: TopologyDescriptionChangedEvent) -> None:
        """Called when the topology's description changes, with ``event``, a :class:`~pymongo.monitoring.TopologyDescriptionChangedEvent`; the
        base class does nothing (override it)."""

    def closed(self, event: TopologyClosedEvent) -> None:
        """Called when the client closes its topology, with ``event``, a :class:`~pymongo.monitoring.TopologyClosedEvent`; the
        base class does nothing (override it)."""
