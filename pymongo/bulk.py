"""The bulk write operations interface (see :mod:`mongofw.core.bulk`)."""
from mongofw.core.bulk import BulkOperationBuilder, BulkUpsertOperation, BulkWriteOperation

__all__ = ["BulkOperationBuilder", "BulkUpsertOperation", "BulkWriteOperation"]
