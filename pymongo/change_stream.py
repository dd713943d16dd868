"""Watch changes on a collection, a database, or the entire cluster (3.6+)."""
from mongofw.client.change_stream import (  # noqa: F401
    ChangeStream,
    ClusterChangeStream,
    CollectionChangeStream,
    DatabaseChangeStream,
)

__all__ = ["ChangeStream", "ClusterChangeStream", "CollectionChangeStream",
           "DatabaseChangeStream"]
