"""Deprecated replica-set client (documented as ``MongoReplicaSetClient``)."""
from __future__ import annotations

import warnings
from typing import Any

from mongofw.client.mongo_client import MongoClient


class MongoReplicaSetClient(MongoClient):
    """DEPRECATED: a MongoClient for a replica set; use MongoClient instead.

    Kept so 2.x code runs: it is a :class:`~pymongo.mongo_client.MongoClient` and takes
    the same arguments, but warns.

    :param hosts_or_uri: a host, ``host:port``, MongoDB URI or list of them (as
        MongoClient's ``host``); None means ``localhost``.
    :param document_class: the class of documents returned (default ``dict``).
    :param tz_aware: whether datetimes come back aware, in UTC (default ``False``).
    :param connect: whether to start connecting in the background at once (default
        ``True``).
    :param kwargs: any option MongoClient takes, ``replicaset`` included.

    Each construction issues a :exc:`DeprecationWarning`.
    """

    def __init__(self, hosts_or_uri: Any = None, document_class: type = dict,
                 tz_aware: bool = False, connect: bool = True, **kwargs: Any) -> None:
        warnings.warn("MongoReplicaSetClient is deprecated, use MongoClient to connect to "
                      "a replica set", DeprecationWarning, stacklevel=2)
        super().__init__(hosts_or_uri, None, document_class, tz_aware, connect, **kwargs)

    def __repr__(self) -> str:
        return "MongoReplicaSetClient" + super().__repr__()[len("MongoClient"):]
