"""Tools to parse mongo client options (``MongoClient.options``, 3.13)."""
from mongofw.client.public_options import ClientOptions  # noqa: F401

__all__ = ["ClientOptions"]
