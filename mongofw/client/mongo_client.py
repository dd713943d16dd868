"""The client (documented as ``pymongo.mongo_client.MongoClient``).

The client resolves its plugins once, at construction (listeners, auth mechanisms,
codecs, cursor manager), and hands the core its collaborators; operations then
select a server, check out a socket and run commands without touching pluggy.
"""
from __future__ import annotations

import warnings
import weakref
from typing import Any, ContextManager, Dict, List, Mapping, Optional, Tuple

from bson.son import SON
from mongofw.client import client_setup
from mongofw.client.base_object import BaseObject
from mongofw.client.client_views import ClientViews
from mongofw.client.database import Database
from mongofw.client.public_options import ClientOptions
from mongofw.client.session_support import ClientSessions
from mongofw.core.dispatch import sockets as dispatch_sockets
from mongofw.core.dispatch.cursor_killer import CursorKiller
from mongofw.core.topology.topology import Topology
from mongofw.core.wire.network import format_address
from mongofw.errors import (
    AutoReconnect,
    ConfigurationError,
    OperationFailure,
)
from mongofw.options.read_preferences import ReadPreference

Address = Tuple[str, Optional[int]]

# MongoDB 5.1 (wire version 14) removed OP_KILL_CURSORS along with the other legacy opcodes.
_NO_OP_KILL_CURSORS_WIRE_VERSION = 14


class MongoClient(ClientSessions, ClientViews, BaseObject):
    """Client for a MongoDB instance, a replica set, or a set of mongoses.

    One client per application (per process after a fork) is enough: it is
    thread-safe, pools its connections and monitors the servers in background threads.
    ``client.test`` or ``client["test"]`` is a :class:`~pymongo.database.Database`;
    use it as a context manager, or call :meth:`close`, to release its resources.

    :param host: a host name, an IP address, a Unix domain socket path, a
        ``host:port`` string or a ``mongodb://`` URI (whose options and credentials
        apply), or a list of them (the seed list); ``None`` (the default) means
        :attr:`HOST`.  ``mongodb+srv://`` URIs are refused (no DNS SRV lookups).
    :param port: the port of hosts given without one (default :attr:`PORT`, 27017).
    :param document_class: the class of documents returned (default ``dict``; e.g.
        :class:`~bson.son.SON` or :class:`~bson.raw_bson.RawBSONDocument`).
    :param tz_aware: when ``True``, datetimes come back aware, in UTC (default
        ``False``).
    :param connect: when ``True`` (the default), start connecting in the background
        at once; ``False`` waits for the first operation (the choice to make before a
        ``fork``).
    :param type_registry: a :class:`~bson.codec_options.TypeRegistry` of custom type
        codecs (new in 3.8); the codec plugins' codecs are added to it.
    :param kwargs: the client options, by their URI names (case-insensitive) or the
        Python names 3.x takes: ``replicaset``, ``directConnection``, ``w``,
        ``wTimeoutMS``, ``journal``, ``readPreference``, ``readPreferenceTags``,
        ``maxStalenessSeconds``, ``readConcernLevel``, ``retryWrites`` (new in 3.6,
        default ``True`` since 3.9), ``retryReads`` (new in 3.9), ``maxPoolSize``,
        ``minPoolSize``, ``maxIdleTimeMS``, ``waitQueueTimeoutMS``,
        ``connectTimeoutMS``, ``socketTimeoutMS``, ``serverSelectionTimeoutMS``,
        ``heartbeatFrequencyMS``, ``localThresholdMS``, ``appname``, ``driver`` (3.7),
        ``compressors``, ``zlibCompressionLevel``, ``username`` and ``password``
        (3.5), ``authSource``, ``authMechanism``, ``authMechanismProperties``, the
        ``tls*`` options (3.9 names; the ``ssl_*`` ones still work),
        ``uuidRepresentation``, ``unicode_decode_error_handler``, ``tzinfo``,
        ``event_listeners``, ``server_selector`` (3.8), ``server_api`` (3.12), and
        the options of installed plugins.
    :raises ~pymongo.errors.ConfigurationError: for an unknown option, a bad value, or
        options that contradict each other.
    :raises ~pymongo.errors.InvalidURI: for a malformed URI.
    :raises TypeError: when ``port`` is not an ``int`` or an option has the wrong type.

    Constructing a client does not wait for a server: operations raise
    :exc:`~pymongo.errors.ServerSelectionTimeoutError` when none is suitable within
    ``serverSelectionTimeoutMS`` (30 seconds by default).
    """

    HOST = "localhost"
    PORT = 27017

    def __init__(self, host: Any = None, port: Optional[int] = None, document_class: type = dict,
                 tz_aware: Optional[bool] = None, connect: Optional[bool] = None,
                 type_registry: Any = None, **kwargs: Any) -> None:
        setup = client_setup.resolve(host, port, document_class, tz_aware, connect, kwargs,
                                     default_host=self.HOST, default_port=self.PORT,
                                     type_registry=type_registry)
        self._setup = setup
        self._init_sessions()
        self.__options = ClientOptions._from_setup(setup)
        super().__init__(setup.codec_options, setup.read_preference, setup.write_concern,
                         setup.read_concern)
        self.__default_database_name = setup.default_database
        self.__plugins = setup.plugins
        self.__credentials: Dict[str, Any] = {}
        if setup.credentials is not None:
            self.__credentials[setup.credentials.source] = setup.credentials
        self._publisher = setup.publisher
        self._topology = Topology(setup.topology_settings, setup.pool_options, setup.publisher,
                                  setup.authenticator)
        self.__cursor_manager = None
        if setup.cursor_manager_class is not None:
            self.__cursor_manager = setup.cursor_manager_class(self)
        self.__killer = CursorKiller(weakref.ref(self))
        if setup.connect:
            self._topology.open()

    # ------------------------------------------------------------ plumbing for the core

    @property
    def _plugins(self) -> Any:
        return self.__plugins

    def _plugin_son_manipulators(self, database: Database) -> List[Any]:
        return self.__plugins.son_manipulators(database) if self.__plugins else []

    def _socket_for_writes(self, timeout: Optional[float] = None,
                           session: Any = None) -> ContextManager[Any]:
        """A socket to a writable server (the mongos ``session`` is pinned to)."""
        if session is not None and session._implicit:
            session = None  # no transaction: neither pinned nor pinning
        return dispatch_sockets.socket_for_writes(self._topology, self.__credentials, timeout,
                                                  session)

    def _socket_for_reads(self, read_preference: Any,
                          session: Any = None) -> ContextManager[Tuple[Any, bool]]:
        """A socket for ``read_preference`` and whether to set slaveOk on it."""
        if session is not None and session._implicit:
            session = None  # no transaction: neither pinned nor pinning
        return dispatch_sockets.socket_for_reads(self._topology, self.__credentials,
                                                 read_preference, session)

    def _socket_for_address(self, address: Address) -> ContextManager[Any]:
        return dispatch_sockets.socket_for_address(self._topology, self.__credentials, address)

    def _run_command(self, db_name: str, command: Mapping[str, Any], read_preference: Any,
                     codec_options: Any, session: Any = None, **kwargs: Any) -> Any:
        """Run a command on a server chosen by ``read_preference`` (None: the primary),
        in ``session`` or an implicit one; never retried (the specifications' rule for
        user commands)."""
        with self._tmp_session(session) as session:
            if read_preference is None:
                with self._socket_for_writes(session=session) as sock_info:
                    return sock_info.command(db_name, command, codec_options=codec_options,
                                             session=session, **kwargs)
            read_preference = self._read_preference_in(session, read_preference,
                                                       explicit=True)
            with self._socket_for_reads(read_preference, session) as (sock_info, slave_ok):
                return sock_info.command(db_name, command, slave_ok, read_preference,
                                         codec_options, session=session, **kwargs)

    def _run_cursor_command(self, db_name: str, command: Mapping[str, Any], read_preference: Any,
                            codec_options: Any, read_concern: Any = None, session: Any = None
                            ) -> Tuple[Any, Address]:
        """Run a cursor-returning read (listCollections ...), retried once when allowed;
        returns the reply and the server's address."""
        def run(sock_info: Any, slave_ok: bool) -> Tuple[Any, Address]:
            reply = sock_info.command(db_name, command, slave_ok, read_preference,
                                      codec_options, read_concern=read_concern,
                                      session=session)
            return reply, sock_info.address

        return self._retryable_read(session, read_preference, run)

    def _cache_credentials(self, source: str, credentials: Any, connect: bool = True) -> None:
        """Add credentials for ``source``; with ``connect``, log in once first to check them."""
        from mongofw.core.topology.server_selectors import writable_server_selector

        current = self.__credentials.get(source)
        if current is not None:
            if current == credentials:
                return
            raise OperationFailure("Another user is already authenticated to this database. "
                                   "You must logout first.")
        if connect:
            server = self._topology.select_server(writable_server_selector)
            with server.get_socket(self.__credentials) as sock_info:
                sock_info.authenticate(credentials)
        self.__credentials[source] = credentials

    def _purge_credentials(self, source: str) -> None:
        """Forget the credentials of ``source``; sockets log out on their next use."""
        self.__credentials.pop(source, None)

    def _custom_cursor_manager(self) -> Any:
        """The cursor manager, if it is not the plain one (which just kills)."""
        from mongofw.cursor_managers.cursor_manager import CursorManager

        manager = self.__cursor_manager
        return None if manager is None or type(manager) is CursorManager else manager

    def _close_cursor_now(self, cursor_id: int, address: Optional[Address],
                          namespace: Optional[str] = None) -> None:
        """Kill a server cursor right away (cursor ``close()``, exhaustion), unless a custom
        cursor manager decides what closing means."""
        from mongofw.client.command_cursor import CursorAddress

        if address is not None and namespace is not None:
            address = CursorAddress(tuple(address), namespace)
        manager = self._custom_cursor_manager()
        if manager is not None:
            manager.close(cursor_id, address)
        else:
            self._kill_cursors([cursor_id], address)

    def _schedule_kill(self, cursor_ids: List[int], address: Optional[Address]) -> None:
        """Kill ``cursor_ids`` soon on the background thread (no locks, no I/O here)."""
        self.__killer.schedule(address, cursor_ids)

    def _defer(self, call: Any) -> None:
        """Run ``call(client)`` soon on the cursor killer's thread (safe from ``__del__``)."""
        self.__killer.schedule_call(call)

    def _kill_cursors(self, cursor_ids: List[int], address: Optional[Address],
                      namespace: Optional[str] = None) -> None:
        """Send the kill: ``killCursors`` on the cursor's namespace (which an address from a
        cursor's ``address`` carries), else an OP_KILL_CURSORS message, which names no
        collection but which servers before MongoDB 5.1 (wire version 14) only accept.
        A server that is gone took its cursors with it, so errors and an unreachable
        server end quietly (after at most a second of server selection)."""
        from bson.int64 import Int64
        from mongofw.core.dispatch.cursor_legacy import kill_cursors as legacy_kill
        from mongofw.core.topology.server_selectors import (
            any_server_selector,
            writable_server_selector,
        )

        namespace = namespace or getattr(address, "namespace", None)
        # Servers insist on 64-bit ids; a small id given as int would go out as int32.
        cursor_ids = [Int64(cursor_id) for cursor_id in cursor_ids]
        timeout = min(1.0, self._topology.settings.server_selection_timeout)
        try:
            if address is None:
                server = self._topology.select_server(writable_server_selector, timeout)
            else:
                server = self._topology.select_server(any_server_selector, timeout,
                                                      tuple(address))
            with server.get_socket(self.__credentials) as sock_info:
                wire = sock_info.max_wire_version
                if wire < 4 or (namespace is None and wire < _NO_OP_KILL_CURSORS_WIRE_VERSION):
                    legacy_kill(sock_info, cursor_ids, namespace or "admin.$cmd")
                elif namespace is not None:
                    db_name, coll_name = namespace.split(".", 1)
                    sock_info.command(db_name, SON([("killCursors", coll_name),
                                                    ("cursors", cursor_ids)]), check=False)
                # else: a newer server needs the collection, which nothing here names.
        except (OperationFailure, ConfigurationError, AutoReconnect):
            pass

    # ------------------------------------------------------------ documented API

    def close_cursor(self, cursor_id: int, address: Optional[Address] = None) -> None:
        """Close ``cursor_id`` soon: a custom cursor manager decides how; otherwise the kill
        is sent from a background thread (safe from ``__del__``).

        ``address`` as a cursor's ``address`` gives it also names the cursor's collection,
        which servers from MongoDB 5.1 need to kill it.
        """
        if not isinstance(cursor_id, int) or isinstance(cursor_id, bool):
            raise TypeError(f"cursor_id must be an instance of int, not "
                            f"{type(cursor_id).__name__}")
        manager = self._custom_cursor_manager()
        if manager is not None:
            manager.close(cursor_id, address)
        else:
            self._schedule_kill([cursor_id], address)

    def kill_cursors(self, cursor_ids: List[int], address: Optional[Address] = None) -> None:
        """DEPRECATED (3.3): schedule kills of ``cursor_ids`` (see :meth:`close_cursor`).

        :param cursor_ids: a list of cursor ids (``int``).
        :param address: the ``(host, port)`` of the server holding them, or None for
            the primary.
        :raises TypeError: when ``cursor_ids`` is not a list.

        Issues a :exc:`DeprecationWarning`.
        """
        warnings.warn("kill_cursors is deprecated.", DeprecationWarning, stacklevel=2)
        if not isinstance(cursor_ids, list):
            raise TypeError(f"cursor_ids must be a list, not {type(cursor_ids).__name__}")
        self._schedule_kill(cursor_ids, address)

    def set_cursor_manager(self, manager_class: type) -> None:
        """DEPRECATED - use ``manager_class(self)`` to close cursors."""
        from mongofw.cursor_managers.cursor_manager import CursorManager

        warnings.warn("set_cursor_manager is deprecated.", DeprecationWarning, stacklevel=2)
        if not (isinstance(manager_class, type) and issubclass(manager_class, CursorManager)):
            raise TypeError("manager_class must be a subclass of CursorManager")
        self.__cursor_manager = manager_class(self)

    def __getattr__(self, name: str) -> Database:
        if name.startswith("_"):
            raise AttributeError(
                f"MongoClient has no attribute {name!r}. To access the {name} database, "
                f"use client[{name!r}].")
        return self.__getitem__(name)

    def __getitem__(self, name: str) -> Database:
        return Database(self, name)

    def get_database(self, name: Optional[str] = None, codec_options: Any = None,
                     read_preference: Any = None, write_concern: Any = None,
                     read_concern: Any = None) -> Database:
        """A Database with the given name and options (the client's where not given).

        No command is sent: the database need not exist.

        :param name: the database name; None (the default; new in 3.5) means the one
            the connection URI names.
        :param codec_options: a :class:`~bson.codec_options.CodecOptions`, or None.
        :param read_preference: a read preference, or None.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`, or None.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`, or None: each
            None inherits the client's.
        :raises ~pymongo.errors.ConfigurationError: when ``name`` is None and the URI
            names no database.
        :raises ~pymongo.errors.InvalidName: when ``name`` is not a valid name.
        """
        if name is None:
            name = self._default_database_name(None)
        return Database(self, name, codec_options, read_preference, write_concern,
                        read_concern)

    def get_default_database(self, default: Optional[str] = None, codec_options: Any = None,
                             read_preference: Any = None, write_concern: Any = None,
                             read_concern: Any = None) -> Database:
        """The database named in the connection URI, else ``default``.

        Deprecated in 3.5 and restored in 3.8, which added its parameters.

        :param default: the database name to use when the URI names none (a ``str``,
            or None).
        :param codec_options: a :class:`~bson.codec_options.CodecOptions`, or None.
        :param read_preference: a read preference, or None.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`, or None.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`, or None: each
            None inherits the client's.
        :raises ~pymongo.errors.ConfigurationError: when neither names a database.
        """
        return self.get_database(self._default_database_name(default), codec_options,
                                 read_preference, write_concern, read_concern)

    def _default_database_name(self, default: Optional[str]) -> str:
        name = self.__default_database_name or default
        if name is None:
            raise ConfigurationError("No default database defined")
        return name

    def watch(self, pipeline: Optional[List[Any]] = None, full_document: Optional[str] = None,
              resume_after: Any = None, max_await_time_ms: Optional[int] = None,
              batch_size: Optional[int] = None, collation: Any = None,
              start_at_operation_time: Any = None, session: Any = None,
              start_after: Any = None) -> Any:
        """A ChangeStream over the changes of every database of the deployment (MongoDB
        4.0+).  New in PyMongo 3.7.

        Iterating the stream blocks until a change comes; after a network or
        "not primary" error it resumes where it stopped, so no change is missed.
        ``with client.watch() as stream: for change in stream: ...``

        :param pipeline: a list of aggregation stages to run after ``$changeStream``
            (``$match``, ``$project``...), or None.
        :param full_document: ``"updateLookup"`` to have update events carry the whole
            current document; None (the default) for the server's ``"default"``.
        :param resume_after: a resume token (a change's ``_id``): start after that
            change.
        :param max_await_time_ms: how long each ``getMore`` waits for changes, in
            milliseconds, or None.
        :param batch_size: the most changes per batch, or None.
        :param collation: a :class:`~pymongo.collation.Collation` for the pipeline.
        :param start_at_operation_time: a :class:`~bson.timestamp.Timestamp`: report
            the changes from that time on (MongoDB 4.0+).
        :param session: a :class:`~pymongo.client_session.ClientSession`, or None.
        :param start_after: like ``resume_after``, but may also start after an
            ``invalidate`` event (MongoDB 4.2+; new in 3.9).  Give one of the two.
        :returns: a :class:`~pymongo.change_stream.ClusterChangeStream`.
        :raises ~pymongo.errors.OperationFailure: when the server refuses to open it.
        """
        from mongofw.client.change_stream import ClusterChangeStream

        return ClusterChangeStream(self, pipeline, full_document, resume_after, max_await_time_ms,
                                      batch_size, collation, start_at_operation_time, session,
                                      start_after)

    def list_databases(self, session: Any = None, **kwargs: Any) -> Any:
        """A CommandCursor over the ``listDatabases`` documents (``name``, ``sizeOnDisk``,
        ``empty``); keywords such as ``nameOnly`` or ``filter`` go to the command.
        New in PyMongo 3.6.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        from mongofw.client.command_cursor import CommandCursor

        cmd = SON([("listDatabases", 1)])
        cmd.update(kwargs)
        admin = self["admin"]
        # A listDatabases answer is whole: no cursor outlives the command, nor its session.
        with self._tmp_session(session) as session:
            reply = self._retryable_read(session, ReadPreference.PRIMARY, lambda sock, ok: (
                sock.command("admin", cmd, ok, ReadPreference.PRIMARY, admin.codec_options,
                             session=session)))
        info = {"id": 0, "firstBatch": list(reply["databases"]), "ns": "admin.$cmd"}
        return CommandCursor(admin["$cmd"], info, None)

    def list_database_names(self, session: Any = None) -> List[str]:
        """The names of every database on the connected server.  New in PyMongo 3.6.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        return [info["name"] for info in self.list_databases(session, nameOnly=True)]

    def database_names(self, session: Any = None) -> List[str]:
        """DEPRECATED (3.7): the names of all databases; use :meth:`list_database_names`.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        return [info["name"] for info in self.list_databases(session)]

    def drop_database(self, name_or_database: Any, session: Any = None) -> None:
        """Drop a database, with its collections and indexes.

        :param name_or_database: the database's name (``str``) or the
            :class:`~pymongo.database.Database` itself.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        :raises TypeError: when ``name_or_database`` is neither.
        """
        name = name_or_database
        if isinstance(name, Database):
            name = name.name
        if not isinstance(name, str):
            raise TypeError(f"name_or_database must be an instance of str or a Database, "
                            f"not {type(name).__name__}")
        self._run_command(name, SON([("dropDatabase", 1)]), None, self.codec_options,
                          session=session,
                          write_concern=self.write_concern)

    def server_info(self, session: Any = None) -> Mapping[str, Any]:
        """The ``buildinfo`` document of a server (``version``, ``versionArray``...).

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        return self.admin.command("buildinfo", session=session)

    def close(self) -> None:
        """End the pooled sessions, close all sockets and stop the monitor threads; a later
        use reopens them."""
        self._end_server_sessions()
        self.__killer.stop()
        self._topology.close()

    def __enter__(self) -> MongoClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, MongoClient):
            # The seeds in any order: the same deployment (no I/O, unlike 3.4's address).
            return sorted(self._setup.seeds) == sorted(other._setup.seeds) and \
                self._setup.replica_set_name == other._setup.replica_set_name
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._setup.seeds)))

    def __repr__(self) -> str:
        seeds = [format_address(a) for a in self._setup.seeds]
        opts = self.codec_options
        return (f"MongoClient(host={seeds!r}, document_class={opts.document_class.__name__}, "
                f"tz_aware={opts.tz_aware}, connect={self._setup.connect})")

    def __iter__(self) -> MongoClient:
        return self

    def __next__(self) -> Any:
        """Always raise :exc:`TypeError`: a client is not iterable (``next`` exists so
        that a loop over one fails at once, not by looking up a database)."""
        raise TypeError("'MongoClient' object is not iterable")

    next = __next__

    # ------------------------------------------------------------ admin helpers

    def fsync(self, **kwargs: Any) -> Mapping[str, Any]:
        """Flush all pending writes to datafiles (``lock=True`` to lock)."""
        return self.admin.command("fsync", **kwargs)

    def unlock(self, session: Any = None) -> None:
        """Unlock a server locked by ``fsync(lock=True)`` (the ``fsyncUnlock`` command).

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        self.admin.command("fsyncUnlock", session=session)

    @property
    def is_locked(self) -> bool:
        """Whether the server is locked by fsync."""
        ops = self.admin.command("currentOp")
        return bool(ops.get("fsyncLock", False))
