"""The client for a MongoDB instance, replica set, or set of mongoses."""
from mongofw.client.mongo_client import MongoClient  # noqa: F401
