"""Result classes for the write operations."""
from mongofw.core.results import (  # noqa: F401
    BulkWriteResult,
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)
