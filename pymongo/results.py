"""Result classes for the write operations."""
from mongofw.client.results import (  # noqa: F401
    BulkWriteResult,
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)
