"""One ``hello`` (or legacy ``isMaster``) reply, read field by field (documented as
``pymongo.hello.Hello``, 3.12).

Where the reply leaves a field out, the property gives what the handshake specification
says to assume, as :class:`~mongofw.core.topology.server_description.ServerDescription`
(the topology's own view of a reply) does.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Set

from mongofw.core.topology.server_description import (
    DEFAULT_MAX_BSON_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_MAX_WRITE_BATCH_SIZE,
    Address,
    _addresses,
    _server_type,
    parse_address,
)
from mongofw.core.topology.server_type import SERVER_TYPE

_WRITABLE = (SERVER_TYPE.RSPrimary, SERVER_TYPE.Standalone, SERVER_TYPE.Mongos)


def _reply_field(name: str, default: Any = None, doc: str = "") -> property:
    """A property giving the reply's field ``name`` (``default`` when it is absent)."""
    return property(lambda self: self._doc.get(name, default), doc=doc or f"``{name}``.")


class Hello:
    """A server's ``hello`` reply; ``awaitable`` says whether it answered a streaming
    (awaitable) check."""

    def __init__(self, doc: Mapping[str, Any], awaitable: bool = False) -> None:
        if not isinstance(doc, Mapping):
            raise TypeError(f"doc must be a mapping (the hello reply), not {type(doc).__name__}")
        self._doc = doc
        self._server_type = _server_type(doc)
        self._awaitable = bool(awaitable)

    def __repr__(self) -> str:
        return f"Hello({dict(self._doc)!r}, awaitable={self._awaitable!r})"

    @property
    def document(self) -> Mapping[str, Any]:
        """The complete reply document (a copy)."""
        return dict(self._doc)

    @property
    def server_type(self) -> int:
        """One of ``SERVER_TYPE`` (Unknown for a reply without ``ok: 1``)."""
        return self._server_type

    @property
    def awaitable(self) -> bool:
        return self._awaitable

    @property
    def all_hosts(self) -> Set[Address]:
        """Every member the server lists (hosts, passives and arbiters) as (host, port)."""
        doc = self._doc
        return set(_addresses(doc.get("hosts")) | _addresses(doc.get("passives"))
                   | _addresses(doc.get("arbiters")))

    @property
    def primary(self) -> Optional[Address]:
        """The member this server believes to be primary, or None."""
        return parse_address(self._doc["primary"]) if self._doc.get("primary") else None

    @property
    def me(self) -> Optional[Address]:
        """The address the server calls itself, or None."""
        return parse_address(self._doc["me"]) if self._doc.get("me") else None

    @property
    def is_writable(self) -> bool:
        return self._server_type in _WRITABLE

    @property
    def is_readable(self) -> bool:
        return self._server_type == SERVER_TYPE.RSSecondary or self.is_writable

    @property
    def last_write_date(self) -> Any:
        """``lastWrite.lastWriteDate``, or None."""
        last_write = self._doc.get("lastWrite")
        return last_write.get("lastWriteDate") if isinstance(last_write, Mapping) else None

    tags = _reply_field("tags", {}, "Replica set member tags, or an empty dict.")
    replica_set_name = _reply_field("setName", doc="The replica set name, or None.")
    max_bson_size = _reply_field("maxBsonObjectSize", DEFAULT_MAX_BSON_SIZE)
    max_message_size = _reply_field("maxMessageSizeBytes", DEFAULT_MAX_MESSAGE_SIZE)
    max_write_batch_size = _reply_field("maxWriteBatchSize", DEFAULT_MAX_WRITE_BATCH_SIZE)
    min_wire_version = _reply_field("minWireVersion", 0)
    max_wire_version = _reply_field("maxWireVersion", 0)
    set_version = _reply_field("setVersion")
    election_id = _reply_field("electionId")
    cluster_time = _reply_field("$clusterTime")
    logical_session_timeout_minutes = _reply_field("logicalSessionTimeoutMinutes")
    compressors = _reply_field("compression", doc="The compressors the server agreed to.")
    sasl_supported_mechs = _reply_field(
        "saslSupportedMechs", [], "The mechanisms the server supports for the user the "
        "handshake named (saslSupportedMechs), e.g. ['SCRAM-SHA-1', 'SCRAM-SHA-256'].")
    speculative_authenticate = _reply_field("speculativeAuthenticate")
    topology_version = _reply_field("topologyVersion")
    service_id = _reply_field("serviceId")
    hello_ok = _reply_field("helloOk", False)
