"""Deprecated replica-set client; use MongoClient."""
from mongofw.core.mongo_replica_set_client import MongoReplicaSetClient  # noqa: F401
