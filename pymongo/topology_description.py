"""Represent a deployment of MongoDB servers (``MongoClient.topology_description``, 3.12)."""
from mongofw.core.topology.server_type import SERVER_TYPE  # noqa: F401
from mongofw.core.topology.topology_description import (  # noqa: F401
    TopologyDescription,
    updated_topology_description,
)
from mongofw.core.topology.topology_type import TOPOLOGY_TYPE  # noqa: F401

__all__ = ["SERVER_TYPE", "TOPOLOGY_TYPE", "TopologyDescription",
           "updated_topology_description"]
