"""Collection level operations."""
from mongofw.core.collection import Collection, ReturnDocument  # noqa: F401
