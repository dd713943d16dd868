"""Logical sessions for ordering sequential operations (3.6+)."""
from mongofw.client.client_session import (  # noqa: F401
    ClientSession,
    SessionOptions,
    TransactionOptions,
)

__all__ = ["ClientSession", "SessionOptions", "TransactionOptions"]
