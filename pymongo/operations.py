"""Operation classes for ``bulk_write`` and ``create_indexes`` (see :mod:`mongofw.core.operations`)."""
from mongofw.core.collection_indexes import IndexModel
from mongofw.core.operations import (
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)

__all__ = ["DeleteMany", "DeleteOne", "IndexModel", "InsertOne", "ReplaceOne", "UpdateMany",
           "UpdateOne"]
