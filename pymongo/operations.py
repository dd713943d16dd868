"""Operation classes for ``bulk_write`` and ``create_indexes`` (see :mod:`mongofw.client.operations`)."""
from mongofw.client.index_specs import IndexModel
from mongofw.client.operations import (
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)

__all__ = ["DeleteMany", "DeleteOne", "IndexModel", "InsertOne", "ReplaceOne", "UpdateMany",
           "UpdateOne"]
