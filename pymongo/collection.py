"""Collection level operations."""
from mongofw.client.collection import Collection, ReturnDocument  # noqa: F401
