"""The bulk write operations interface (see :mod:`mongofw.client.bulk`)."""
from mongofw.client.bulk import BulkOperationBuilder, BulkUpsertOperation, BulkWriteOperation

__all__ = ["BulkOperationBuilder", "BulkUpsertOperation", "BulkWriteOperation"]
