"""The client for a MongoDB instance, replica set, or set of mongoses."""
from mongofw.core.mongo_client import MongoClient  # noqa: F401
