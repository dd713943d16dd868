"""Private attributes of documented classes that libraries read, as mixins.

The documented classes inherit these, so each attribute is defined here, once, beside
the name of the library that needs it.
"""
from __future__ import annotations

from typing import Any


class GridFSBucketAttributes:
    """``GridFSBucket._collection``: the bucket's root collection (``db[bucket_name]``).

    pymodm 0.4's ``FileField`` writes through ``GridIn(bucket._collection, ...)``, so it
    must be a Collection with ``.files`` and ``.chunks`` under it.
    """

    _bucket: Any  # the mongofw.gridfs.bucket.Bucket behind the documented class

    @property
    def _collection(self) -> Any:
        return self._bucket.root
