"""Database level operations (documented as ``pymongo.database.Database``)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List, Optional

from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.son import SON
from mongofw.client.base_object import BaseObject, inherit
from mongofw.client.cursor_options import check_bool
from mongofw.client.database_users import UserAdministration
from mongofw.client.names import validate_collection_name, validate_database_name
from mongofw.client.operations import validate_mapping
from mongofw.client.system_js import SystemJS
from mongofw.errors import CollectionInvalid
from mongofw.options.read_preferences import ReadPreference


class Database(UserAdministration, BaseObject):
    """A MongoDB database: collections by attribute or item access, and commands.

    Usually reached as ``client.name`` or ``client["name"]`` (or with
    :meth:`~pymongo.mongo_client.MongoClient.get_database`); ``db.people`` and
    ``db["people"]`` are its collections.  Options left None come from ``client``.

    :param client: the :class:`~pymongo.mongo_client.MongoClient` it belongs to.
    :param name: the database name (``str``; no space, ``.``, ``$``, ``/``, ``\\``
        or NUL).
    :param codec_options: a :class:`~bson.codec_options.CodecOptions` for decoding
        and encoding documents.
    :param read_preference: a read preference (see :mod:`pymongo.read_preferences`).
    :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`.
    :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`.
    :raises TypeError: when ``name`` is not a ``str`` or an option has the wrong type.
    :raises ~pymongo.errors.InvalidName: when ``name`` is not a valid database name.
    """

    def __init__(self, client: Any, name: str, codec_options: Optional[CodecOptions] = None,
                 read_preference: Any = None, write_concern: Any = None,
                 read_concern: Any = None) -> None:
        super().__init__(*inherit(client, codec_options, read_preference, write_concern,
                                  read_concern))
        self.__client = client
        self.__name = validate_database_name(name)
        self._incoming_manipulators: List[Any] = []
        self._incoming_copying_manipulators: List[Any] = []
        self._outgoing_manipulators: List[Any] = []
        self._outgoing_copying_manipulators: List[Any] = []
        # A client without plugins (a library's stand-in client object) adds none.
        plugin_manipulators = getattr(client, "_plugin_son_manipulators", None)
        for manipulator in plugin_manipulators(self) if plugin_manipulators else ():
            self.add_son_manipulator(manipulator)

    @property
    def client(self) -> Any:
        """The client instance for this Database."""
        return self.__client

    @property
    def name(self) -> str:
        """The name of this Database."""
        return self.__name

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Database):
            return self.__client == other.client and self.__name == other.name
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self.__client, self.__name))

    def __repr__(self) -> str:
        return f"Database({self.__client!r}, {self.__name!r})"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(
                f"Database has no attribute {name!r}. To access the {name} collection, "
                f"use database[{name!r}].")
        return self.__getitem__(name)

    def __getitem__(self, name: str) -> Any:
        from mongofw.client.collection import Collection

        return Collection(self, name)

    def __iter__(self):
        return self

    def __next__(self):
        """Always raise :exc:`TypeError`: a Database is not iterable (``next`` exists so
        that a loop over one fails at once, not by looking up a collection)."""
        raise TypeError("'Database' object is not iterable")

    next = __next__

    def get_collection(self, name: str, codec_options: Optional[CodecOptions] = None,
                       read_preference: Any = None, write_concern: Any = None,
                       read_concern: Any = None) -> Any:
        """The collection ``name`` of this database, with options other than its own.

        ``db.get_collection("people", read_preference=ReadPreference.SECONDARY)``; no
        command is sent (the collection need not exist).

        :param codec_options: a :class:`~bson.codec_options.CodecOptions`, or None.
        :param read_preference: a read preference, or None.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`, or None.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`, or None: each
            None inherits this database's.
        :raises ~pymongo.errors.InvalidName: when ``name`` is not a valid collection
            name.
        """
        from mongofw.client.collection import Collection

        return Collection(self, name, False, codec_options, read_preference, write_concern,
                          read_concern)

    def with_options(self, codec_options: Optional[CodecOptions] = None,
                     read_preference: Any = None, write_concern: Any = None,
                     read_concern: Any = None) -> Database:
        """A copy of this Database with some options changed (new in 3.8).

        :param codec_options: a :class:`~bson.codec_options.CodecOptions`, or None.
        :param read_preference: a read preference, or None.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`, or None.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`, or None: each
            None inherits this database's.
        """
        return Database(self.__client, self.__name, codec_options or self.codec_options,
                        read_preference or self.read_preference,
                        write_concern or self.write_concern, read_concern or self.read_concern)

    # ------------------------------------------------------------ commands

    def command(self, command: Any, value: Any = 1, check: bool = True,
                allowable_errors: Any = None, read_preference: Any = ReadPreference.PRIMARY,
                codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS, session: Any = None,
                **kwargs: Any) -> Any:
        """Run a database command and return the server's reply document.

        :param command: the command name (a ``str``: it becomes ``{command: value}``),
            or the whole command document (a :class:`~bson.son.SON` or other ordered
            mapping, the command name first).
        :param value: the value of the command name when ``command`` is a ``str``
            (default ``1``), e.g. ``db.command("collStats", "people")``.
        :param check: when ``True`` (the default), raise for a reply with ``ok: 0``.
        :param allowable_errors: error messages or codes that do not raise with
            ``check``.
        :param read_preference: where to run it (default primary); only some commands
            may run elsewhere.
        :param codec_options: the :class:`~bson.codec_options.CodecOptions` to decode
            the reply with (default: plain ``dict``, not this database's).
        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        :param kwargs: more fields of the command, added after ``command``'s (e.g.
            ``db.command("count", "people", query={"age": 5})``).
        :raises TypeError: when ``command`` is neither a ``str`` nor a mapping, or
            ``codec_options`` not CodecOptions.
        :raises ~pymongo.errors.OperationFailure: when ``check`` is on and the command
            fails.
        """
        if isinstance(command, str):
            name, command = command, SON()
            command[name] = value
        elif not isinstance(command, Mapping):
            raise TypeError(f"command must be an instance of str or a mapping, "
                            f"not {type(command).__name__}")
        if kwargs:
            command = SON(command)
            command.update(kwargs)
        if not isinstance(codec_options, CodecOptions):
            raise TypeError("codec_options must be an instance of CodecOptions")
        read_preference = read_preference or ReadPreference.PRIMARY
        return self.__client._run_command(
            self.__name, command, read_preference, codec_options, session=session, check=check,
            allowable_errors=allowable_errors)

    def _command_on_primary(self, command: Mapping[str, Any], **kwargs: Any) -> Any:
        return self.__client._run_command(self.__name, command, ReadPreference.PRIMARY,
                                          self.codec_options, **kwargs)

    # ------------------------------------------------------------ collections

    def list_collections(self, session: Any = None, filter: Optional[Mapping[str, Any]] = None,
                         **kwargs: Any) -> Any:
        """A CommandCursor over this database's collection documents (``listCollections``).

        ``filter`` selects collections (e.g. ``{"name": "people"}``); other keywords
        (``nameOnly``, ``authorizedCollections``) go to the command.  New in PyMongo 3.6.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        from mongofw.client.command_cursor import CommandCursor

        cmd = SON([("listCollections", 1), ("cursor", {})])
        if filter is not None:
            cmd["filter"] = validate_mapping("filter", filter)
        cmd.update(kwargs)
        client = self.__client
        session, owned = client._cursor_session(session)
        try:
            reply, address = client._run_cursor_command(
                self.__name, cmd, ReadPreference.PRIMARY, self.codec_options, session=session)
        except BaseException:
            if owned:
                session.end_session()
            raise
        return CommandCursor(self["$cmd"], reply["cursor"], address, session=session,
                             explicit_session=not owned)

    def list_collection_names(self, session: Any = None,
                              filter: Optional[Mapping[str, Any]] = None,
                              **kwargs: Any) -> List[str]:
        """The names of this database's collections, system collections included.

        Asks the server for names only unless ``filter`` looks at more than the name.
        New in PyMongo 3.6 (``filter`` in 3.8); ``filter`` and ``kwargs`` are as for
        :meth:`list_collections`.

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        if filter is None or (len(filter) == 1 and "name" in filter):
            kwargs.setdefault("nameOnly", True)
        return [info["name"] for info in self.list_collections(session, filter, **kwargs)]

    def aggregate(self, pipeline: List[Any], session: Any = None, **kwargs: Any) -> Any:
        """Run a database-level aggregation (``$currentOp``, ``$listLocalSessions`` ...).

        Returns a CommandCursor; keywords are the aggregate command's options, as for
        ``Collection.aggregate``.  New in PyMongo 3.9.

        :param pipeline: a list of aggregation stages, a database-level stage first.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        :raises ~pymongo.errors.OperationFailure: when the server refuses the pipeline.
        """
        from mongofw.client.collection_reads import aggregate

        return aggregate(self["$cmd.aggregate"], pipeline, database_level=True,
                         session=session, **kwargs)

    def watch(self, pipeline: Optional[List[Any]] = None, full_document: Optional[str] = None,
              resume_after: Any = None, max_await_time_ms: Optional[int] = None,
              batch_size: Optional[int] = None, collation: Any = None,
              start_at_operation_time: Any = None, session: Any = None,
              start_after: Any = None) -> Any:
        """A ChangeStream over the changes of every collection of this database (MongoDB
        4.0+).  New in PyMongo 3.7.

        ``with db.watch() as stream: for change in stream: ...``; returns a
        :class:`~pymongo.change_stream.DatabaseChangeStream`.  ``pipeline``,
        ``full_document``, ``resume_after``, ``max_await_time_ms``, ``batch_size``,
        ``collation``, ``start_at_operation_time``, ``session`` and ``start_after`` (new
        in 3.9) are as for :meth:`MongoClient.watch
        <pymongo.mongo_client.MongoClient.watch>`.
        """
        from mongofw.client.change_stream import DatabaseChangeStream

        return DatabaseChangeStream(self, pipeline, full_document, resume_after, max_await_time_ms,
                                      batch_size, collation, start_at_operation_time, session,
                                      start_after)

    def collection_names(self, include_system_collections: bool = True,
                         session: Any = None) -> List[str]:
        """DEPRECATED (3.7): the names of the collections in this database.

        Use :meth:`list_collection_names`.

        :param include_system_collections: when ``False``, leave out the ``system.*``
            collections (default ``True``).
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        names = [c["name"] for c in self.list_collections(session)]
        if not include_system_collections:
            names = [n for n in names if not n.startswith("system.")]
        return names

    def create_collection(self, name: str, codec_options: Optional[CodecOptions] = None,
                          read_preference: Any = None, write_concern: Any = None,
                          read_concern: Any = None, session: Any = None, **kwargs: Any) -> Any:
        """Create collection ``name`` explicitly and return it.

        Needed only for options: collections otherwise appear on their first write.

        :param codec_options: a :class:`~bson.codec_options.CodecOptions`, or None.
        :param read_preference: a read preference, or None.
        :param write_concern: a :class:`~pymongo.write_concern.WriteConcern`, or None.
        :param read_concern: a :class:`~pymongo.read_concern.ReadConcern`, or None: each
            None inherits this database's.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        :param kwargs: options of the ``create`` command: ``capped=True``, ``size``
            (bytes), ``max`` (documents), ``validator``, ``collation`` (a
            :class:`~pymongo.collation.Collation`), ``timeseries``...
        :returns: the new :class:`~pymongo.collection.Collection`.
        :raises ~pymongo.errors.CollectionInvalid: when it exists already (inside a
            transaction, MongoDB 4.4+, the existence check is left to the server, which
            refuses listCollections there and answers an existing name with
            NamespaceExists, an OperationFailure).
        :raises ~pymongo.errors.InvalidName: when ``name`` is not valid.
        """
        from mongofw.client.collection import Collection

        validate_collection_name(name)  # bad input fails before any I/O
        checked = self.__client._check_session(session)
        in_transaction = checked is not None and checked.in_transaction
        if not in_transaction and name in self.collection_names(session=session):
            raise CollectionInvalid(f"collection {name} already exists")
        return Collection(self, name, True, codec_options, read_preference, write_concern,
                          read_concern, session, **kwargs)

    def drop_collection(self, name_or_collection: Any, session: Any = None) -> Any:
        """Drop a collection and its indexes (a missing one is not an error).

        :param name_or_collection: the collection's name, or the
            :class:`~pymongo.collection.Collection` itself.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        :returns: the server's reply document.
        :raises TypeError: when ``name_or_collection`` is neither.
        """
        from mongofw.client.collection import Collection

        name = name_or_collection
        if isinstance(name, Collection):
            name = name.name
        if not isinstance(name, str):
            raise TypeError(f"name_or_collection must be an instance of str or Collection, "
                            f"not {type(name).__name__}")
        cmd = SON([("drop", name)])
        return self.__client._run_command(self.__name, cmd, None, self.codec_options,
                                          session=session,
                                          allowable_errors=["ns not found", 26],
                                          write_concern=self.write_concern)

    # ------------------------------------------------------------ manipulators

    def add_son_manipulator(self, manipulator: Any) -> None:
        """Add a SON manipulator; copying ones run after the non-copying ones."""
        from mongofw.son_manipulators.manipulators import ObjectIdInjector, SONManipulator

        if not isinstance(manipulator, SONManipulator):
            raise TypeError(f"manipulator must be a SONManipulator, not "
                            f"{type(manipulator).__name__}")

        def method_overwritten(instance: Any, method: str) -> bool:
            return getattr(type(instance), method) is not getattr(SONManipulator, method)

        copying = getattr(manipulator, "will_copy", lambda: False)()
        if method_overwritten(manipulator, "transform_incoming"):
            target = self._incoming_copying_manipulators if copying \
                else self._incoming_manipulators
            if isinstance(manipulator, ObjectIdInjector):
                target.insert(0, manipulator)
            else:
                target.append(manipulator)
        if method_overwritten(manipulator, "transform_outgoing"):
            target = self._outgoing_copying_manipulators if copying \
                else self._outgoing_manipulators
            target.insert(0, manipulator)

    def _fix_incoming(self, son: Any, collection: Any) -> Any:
        for manipulator in self._incoming_manipulators + self._incoming_copying_manipulators:
            son = manipulator.transform_incoming(son, collection)
        return son

    def _fix_outgoing(self, son: Any, collection: Any) -> Any:
        for manipulator in self._outgoing_manipulators + self._outgoing_copying_manipulators:
            son = manipulator.transform_outgoing(son, collection)
        return son

    @property
    def incoming_manipulators(self) -> List[str]:
        """Names of the incoming non-copying SON manipulators."""
        return [m.__class__.__name__ for m in self._incoming_manipulators]

    @property
    def incoming_copying_manipulators(self) -> List[str]:
        """Names of the incoming copying SON manipulators."""
        return [m.__class__.__name__ for m in self._incoming_copying_manipulators]

    @property
    def outgoing_manipulators(self) -> List[str]:
        """Names of the outgoing non-copying SON manipulators."""
        return [m.__class__.__name__ for m in self._outgoing_manipulators]

    @property
    def outgoing_copying_manipulators(self) -> List[str]:
        """Names of the outgoing copying SON manipulators."""
        return [m.__class__.__name__ for m in self._outgoing_copying_manipulators]

    # ---- admin & reads
    # (section owned by the reads work; deprecated getlasterror helpers warn like PyMongo)

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(f"'Database' object is not callable. If you meant to call the "
                        f"'{self.__name}' method on a 'MongoClient' object it is failing "
                        f"because no such method exists.")

    def validate_collection(self, name_or_collection: Any, scandata: bool = False,
                            full: bool = False, session: Any = None,
                            background: Optional[bool] = None) -> Mapping[str, Any]:
        """Validate a collection's data and indexes; returns the server's report.

        :param name_or_collection: the collection's name, or the Collection itself.
        :param scandata: when ``True``, scan the documents too, not only the indexes
            (older servers; default ``False``).
        :param full: when ``True``, a thorough (and slow) check (default ``False``).
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        :param background: when ``True``, validate without blocking writers
            (MongoDB 4.4+; new in 3.11).
        :raises TypeError: when ``name_or_collection`` is neither a ``str`` nor a
            Collection.
        :raises ~pymongo.errors.CollectionInvalid: when the server finds it invalid.
        """
        from mongofw.client.collection import Collection

        name = name_or_collection.name if isinstance(name_or_collection, Collection) \
            else name_or_collection
        if not isinstance(name, str):
            raise TypeError(f"name_or_collection must be an instance of str or Collection, "
                            f"not {type(name).__name__}")
        cmd = SON([("validate", name), ("scandata", scandata), ("full", full)])
        if background is not None:
            cmd["background"] = check_bool("background", background)
        result = self.command(cmd, session=session)
        if "result" in result:  # servers before 1.9 answered with a text report
            if "exception" in result["result"] or "corrupt" in result["result"]:
                raise CollectionInvalid(f"{name} invalid: {result['result']}")
        elif "raw" in result:  # a mongos answers per shard
            if not all(shard.get("valid", False) for shard in result["raw"].values()):
                raise CollectionInvalid(f"{name} invalid: {result!r}")
        elif not result.get("valid", False):
            raise CollectionInvalid(f"{name} invalid: {result!r}")
        return result

    def current_op(self, include_all: bool = False, session: Any = None) -> Mapping[str, Any]:
        """DEPRECATED (3.9; use the ``$currentOp`` stage with :meth:`aggregate`): the
        operations running on the server, as the ``currentOp`` reply.

        :param include_all: when ``True``, idle connections and system operations too.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        from mongofw.core.dispatch import cursor_legacy

        cmd = SON([("currentOp", 1), ("$all", include_all)])
        client = self.__client
        with client._tmp_session(session) as session, \
                client._socket_for_writes(session=session) as sock_info:
            if sock_info.max_wire_version >= cursor_legacy.FIND_COMMAND_WIRE_VERSION:
                return sock_info.command("admin", cmd, codec_options=self.codec_options,
                                         session=session)
            # Before MongoDB 3.2 the operations are a query on a pseudo collection.
            query = {"filter": {"$all": True} if include_all else {}, "limit": 1,
                     "singleBatch": True}
            _, docs = cursor_legacy.run_query(sock_info, "admin.$cmd.sys.inprog", query, True,
                                              None, self.codec_options)
            return docs[0] if docs else {}

    def profiling_level(self, session: Any = None) -> int:
        """The profiling level: ``OFF`` (0), ``SLOW_ONLY`` (1) or ``ALL`` (2).

        Deprecated in 3.12 (run the ``profile`` command).

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        return int(self.command("profile", -1, session=session)["was"])

    def set_profiling_level(self, level: int, slow_ms: Optional[int] = None,
                            session: Any = None, sample_rate: Optional[float] = None,
                            filter: Optional[Mapping[str, Any]] = None) -> None:
        """Set the profiling level (OFF, SLOW_ONLY, ALL) and optionally the slow threshold.

        ``sample_rate`` (0 to 1) and ``filter`` (which operations to profile) are 3.12's,
        for MongoDB 4.0 and 4.4.2+.  Deprecated in 3.12 (run the ``profile`` command).

        :param level: ``pymongo.OFF`` (0), ``pymongo.SLOW_ONLY`` (1) or
            ``pymongo.ALL`` (2).
        :param slow_ms: the threshold, in milliseconds, above which an operation is
            slow; None leaves the server's.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        :raises ValueError: for another ``level``.
        :raises TypeError: when ``slow_ms`` is not an ``int``.
        """
        if sample_rate is not None and (isinstance(sample_rate, bool) or
                                        not isinstance(sample_rate, (int, float))):
            raise TypeError(f"sample_rate must be a number, not {type(sample_rate).__name__}")
        if filter is not None:
            validate_mapping("filter", filter)
        if not isinstance(level, int) or isinstance(level, bool) or level not in (0, 1, 2):
            raise ValueError(f"level must be one of (OFF, SLOW_ONLY, ALL), not {level!r}")
        if slow_ms is not None and (not isinstance(slow_ms, int) or isinstance(slow_ms, bool)):
            raise TypeError(f"slow_ms must be an integer, not {type(slow_ms).__name__}")
        cmd = SON([("profile", level)])
        if slow_ms is not None:
            cmd["slowms"] = slow_ms
        if sample_rate is not None:
            cmd["sampleRate"] = sample_rate
        if filter is not None:
            cmd["filter"] = filter
        self.command(cmd, session=session)

    def profiling_info(self, session: Any = None) -> List[Any]:
        """The documents of ``system.profile``, as a list (deprecated in 3.12).

        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        """
        return list(self["system.profile"].find(session=session))

    def dereference(self, dbref: Any, session: Any = None, **kwargs: Any) -> Any:
        """The document ``dbref`` points to, or None (``kwargs`` as for ``find``).

        :param dbref: a :class:`~bson.dbref.DBRef`.
        :param session: a :class:`~pymongo.client_session.ClientSession` to run in, or None.
        :raises TypeError: when ``dbref`` is not a DBRef.
        :raises ValueError: when it names another database.
        """
        from bson.dbref import DBRef

        if not isinstance(dbref, DBRef):
            raise TypeError(f"cannot dereference a {type(dbref).__name__}")
        if dbref.database is not None and dbref.database != self.__name:
            raise ValueError(f"trying to dereference a DBRef that points to another "
                             f"database ({dbref.database!r} not {self.__name!r})")
        return self[dbref.collection].find_one({"_id": dbref.id}, session=session, **kwargs)

    def eval(self, code: Any, *args: Any) -> Any:
        """Run JavaScript ``code`` (a function) on the server with ``args``; its result."""
        from bson.code import Code

        if not isinstance(code, str):
            raise TypeError(f"code must be an instance of str or bson.code.Code, "
                            f"not {type(code).__name__}")
        if not isinstance(code, Code):
            code = Code(code)
        return self.command("$eval", code, args=list(args)).get("retval")

    @property
    def system_js(self) -> SystemJS:
        """A SystemJS helper for this database."""
        return SystemJS(self)

    def _deprecated_error_command(self, method: str, command: str) -> Mapping[str, Any]:
        import warnings

        warnings.warn(f"Database.{method}() is deprecated: write operations report their "
                      f"errors", DeprecationWarning, stacklevel=3)
        return self.command(command)

    def error(self) -> Optional[Mapping[str, Any]]:
        """DEPRECATED: the error of the last operation on this connection, or None."""
        error = self._deprecated_error_command("error", "getlasterror")
        return None if error.get("err", "") is None else error

    def last_status(self) -> Mapping[str, Any]:
        """DEPRECATED: status information about the last operation."""
        return self._deprecated_error_command("last_status", "getlasterror")

    def previous_error(self) -> Optional[Mapping[str, Any]]:
        """DEPRECATED: the most recent error since ``reset_error_history()``, or None."""
        error = self._deprecated_error_command("previous_error", "getpreverror")
        return None if error.get("err", 0) is None else error

    def reset_error_history(self) -> None:
        """DEPRECATED: forget the errors ``previous_error()`` would report."""
        self._deprecated_error_command("reset_error_history", "reseterror")
