"""Deprecated replica-set client; use MongoClient."""
from mongofw.client.mongo_replica_set_client import MongoReplicaSetClient  # noqa: F401
