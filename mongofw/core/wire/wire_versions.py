"""The wire protocol versions this driver speaks, and the check every topology makes.

Wire version 2 (MongoDB 2.6, the first with write commands) is the oldest server the
driver speaks to, over OP_QUERY; 25 is the newest the driver was
tested against. A server whose range does not overlap ours gets no operations: the
topology reports it through :func:`incompatible_server_message`.
"""
from __future__ import annotations

from typing import Optional

from mongofw.core.wire.network import format_address

MIN_SUPPORTED_WIRE_VERSION = 2
MAX_SUPPORTED_WIRE_VERSION = 25

# The first wire version of each feature the pure SDAM code has to know about.
WIRE_VERSION_MAX_STALENESS = 5  # MongoDB 3.4: lastWrite in the handshake, maxStalenessSeconds.
WIRE_VERSION_4_2 = 8  # "not master" errors no longer require clearing the pool.
WIRE_VERSION_6_0 = 17  # electionId is compared before setVersion (DRIVERS-2412).


def incompatible_server_message(address, min_wire_version: int,
                                max_wire_version: int) -> Optional[str]:
    """Why a server reporting ``[min_wire_version, max_wire_version]`` cannot be used, or None."""
    where = format_address(address)
    ours = f"{MIN_SUPPORTED_WIRE_VERSION} to {MAX_SUPPORTED_WIRE_VERSION}"
    if min_wire_version > MAX_SUPPORTED_WIRE_VERSION:
        return (f"Server at {where} requires wire version {min_wire_version} "
                f"(it supports {min_wire_version} to {max_wire_version}), but this driver "
                f"only supports wire versions {ours}")
    if max_wire_version < MIN_SUPPORTED_WIRE_VERSION:
        return (f"Server at {where} reports wire versions {min_wire_version} to "
                f"{max_wire_version}, but this driver requires at least wire version "
                f"{MIN_SUPPORTED_WIRE_VERSION} (it supports {ours})")
    return None
