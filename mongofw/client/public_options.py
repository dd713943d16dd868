"""``ClientOptions`` as ``pymongo.client_options`` documents it (3.13): a client's options.

``MongoClient.options`` returns one.  It is a read-only view over what the client
resolved at construction (:class:`mongofw.client.client_setup.ClientSetup`); built
directly, from ``(username, password, database, options)`` as 3.13 allows, it validates
the options the way ``MongoClient`` does.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional


class ClientOptions:
    """Read-only client options: codec options, concerns, selection, pool settings.

    :attr:`MongoClient.options <pymongo.mongo_client.MongoClient.options>` returns one
    (new in 3.13's API).  Building one directly validates ``options`` as
    :class:`~pymongo.mongo_client.MongoClient` would, without connecting.

    :param username: the user name to authenticate as, or None.
    :param password: that user's password, or None.
    :param database: the default database (the URI's path), or None.
    :param options: a mapping of client options, with the names
        :class:`~pymongo.mongo_client.MongoClient` takes as keyword arguments.
    :raises ~pymongo.errors.ConfigurationError: for an unknown or invalid option.
    """

    def __init__(self, username: Optional[str], password: Optional[str],
                 database: Optional[str], options: Mapping[str, Any]) -> None:
        from mongofw.client.client_setup import resolve

        kwargs = dict(options)
        if username is not None:
            kwargs["username"] = username
        if password is not None:
            kwargs["password"] = password
        kwargs.setdefault("connect", False)
        host = "localhost" if database is None else f"mongodb://localhost/{database}"
        self.__setup = resolve(host, None, kwargs.pop("document_class", dict),
                               kwargs.pop("tz_aware", None), kwargs.pop("connect"), kwargs,
                               default_host="localhost", default_port=27017)

    @classmethod
    def _from_setup(cls, setup: Any) -> ClientOptions:
        view = cls.__new__(cls)
        view._ClientOptions__setup = setup
        return view

    @property
    def _options(self) -> Any:
        return self.__setup.options

    @property
    def auto_encryption_opts(self) -> None:
        """Client-side field level encryption options: always None (not supported here)."""
        return None

    @property
    def codec_options(self) -> Any:
        """The client's CodecOptions (with the plugins' type registry)."""
        return self.__setup.codec_options

    @property
    def connect(self) -> bool:
        """Whether the client connects at construction (``connect=``)."""
        return self.__setup.connect

    @property
    def direct_connection(self) -> bool:
        """Whether the client talks to its one seed only, without discovery."""
        return self.__setup.topology_settings.direct

    @property
    def event_listeners(self) -> List[Any]:
        """Every listener of the client: registered, ``event_listeners=`` and plugins'."""
        return list(self.__setup.listeners)

    @property
    def heartbeat_frequency(self) -> float:
        """Seconds between two checks of a server (``heartbeatFrequencyMS`` / 1000)."""
        return self.__setup.topology_settings.heartbeat_frequency

    @property
    def load_balanced(self) -> bool:
        """Whether the client is in load-balanced mode: always False (not supported)."""
        return False

    @property
    def local_threshold_ms(self) -> float:
        """The latency window for server selection, in milliseconds."""
        return self.__setup.topology_settings.local_threshold_ms

    @property
    def pool_options(self) -> Any:
        """The connection pool settings (``pymongo.pool.PoolOptions``)."""
        return self.__setup.pool_options

    @property
    def read_concern(self) -> Any:
        """The client's :class:`~pymongo.read_concern.ReadConcern`."""
        return self.__setup.read_concern

    @property
    def read_preference(self) -> Any:
        """The client's read preference (a :mod:`~pymongo.read_preferences` mode)."""
        return self.__setup.read_preference

    @property
    def replica_set_name(self) -> Optional[str]:
        """The ``replicaSet`` name, or None."""
        return self.__setup.replica_set_name

    @property
    def retry_reads(self) -> bool:
        """Whether supported reads are retried once after a network or "not primary"
        error (``retryReads``; new in 3.9)."""
        return self._options.retry_reads

    @property
    def retry_writes(self) -> bool:
        """Whether supported writes are retried once after a network or "not primary"
        error (``retryWrites``; new in 3.6)."""
        return self._options.retry_writes

    @property
    def server_selection_timeout(self) -> float:
        """Seconds a server selection waits (``serverSelectionTimeoutMS`` / 1000)."""
        return self.__setup.topology_settings.server_selection_timeout

    @property
    def server_selector(self) -> Any:
        """The application's ``server_selector``, or None."""
        return self.__setup.topology_settings.server_selector

    @property
    def write_concern(self) -> Any:
        """The client's :class:`~pymongo.write_concern.WriteConcern`."""
        return self.__setup.write_concern
