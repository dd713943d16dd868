"""Represent one server the driver is connected to (3.12's public ``ServerDescription``)."""
from mongofw.core.topology.server_description import ServerDescription  # noqa: F401
from mongofw.core.topology.server_type import SERVER_TYPE  # noqa: F401

__all__ = ["SERVER_TYPE", "ServerDescription"]
