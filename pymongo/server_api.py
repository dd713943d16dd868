"""Support for the MongoDB versioned API (3.12): ``ServerApi``, ``ServerApiVersion``."""
from mongofw.options.server_api import ServerApi, ServerApiVersion  # noqa: F401

__all__ = ["ServerApi", "ServerApiVersion"]
