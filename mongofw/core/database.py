"""Database level operations (documented as ``pymongo.database.Database``)."""
from __future__ import annotations

from typing import Any, List, Mapping, Optional

from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions
from bson.son import SON
from mongofw.core.base_object import BaseObject
from mongofw.core.errors import CollectionInvalid, InvalidName


def validate_database_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be an instance of str, not {type(name).__name__}")
    if not name:
        raise InvalidName("database name cannot be the empty string")
    for char in ' ./\\"$\x00':
        if char in name and name != "$external":
            raise InvalidName(f"database names cannot contain the character {char!r}: {name!r}")
    return name


class Database(BaseObject):
    """A MongoDB database: collections by attribute or item access, and commands."""

    def __init__(self, client: Any, name: str, codec_options: Optional[CodecOptions] = None,
                 read_preference: Any = None, write_concern: Any = None,
                 read_concern: Any = None) -> None:
        super().__init__(*client._inherit(codec_options, read_preference, write_concern,
                                          read_concern))
        self.__client = client
        self.__name = validate_database_name(name)
        self._incoming_manipulators: List[Any] = []
        self._incoming_copying_manipulators: List[Any] = []
        self._outgoing_manipulators: List[Any] = []
        self._outgoing_copying_manipulators: List[Any] = []
        for manipulator in client._plugin_son_manipulators(self):
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
        from mongofw.core.collection import Collection

        return Collection(self, name)

    def __iter__(self):
        return self

    def __next__(self):
        raise TypeError("'Database' object is not iterable")

    next = __next__

    def get_collection(self, name: str, codec_options: Optional[CodecOptions] = None,
                       read_preference: Any = None, write_concern: Any = None,
                       read_concern: Any = None) -> Any:
        """A Collection with the given name and options (inherited where not given)."""
        from mongofw.core.collection import Collection

        return Collection(self, name, False, codec_options, read_preference, write_concern,
                          read_concern)

    def with_options(self, codec_options: Optional[CodecOptions] = None,
                     read_preference: Any = None, write_concern: Any = None,
                     read_concern: Any = None) -> Database:
        return Database(self.__client, self.__name, codec_options or self.codec_options,
                        read_preference or self.read_preference,
                        write_concern or self.write_concern, read_concern or self.read_concern)

    # ------------------------------------------------------------ commands

    def command(self, command: Any, value: Any = 1, check: bool = True,
                allowable_errors: Any = None, read_preference: Any = None,
                codec_options: CodecOptions = DEFAULT_CODEC_OPTIONS, **kwargs: Any) -> Any:
        """Run a database command; a string ``command`` becomes ``{command: value}``."""
        from mongofw.core.read_preferences import ReadPreference

        if isinstance(command, str):
            command = SON([(command, value)])
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
            self.__name, command, read_preference, codec_options, check=check,
            allowable_errors=allowable_errors)

    def _command_on_primary(self, command: Mapping[str, Any], **kwargs: Any) -> Any:
        from mongofw.core.read_preferences import ReadPreference

        return self.__client._run_command(self.__name, command, ReadPreference.PRIMARY,
                                          self.codec_options, **kwargs)

    # ------------------------------------------------------------ collections

    def _list_collections(self, filter: Optional[Mapping[str, Any]] = None) -> List[Any]:
        cmd = SON([("listCollections", 1), ("cursor", {})])
        if filter:
            cmd["filter"] = filter
        return self.__client._command_cursor_documents(self.__name, cmd, self.codec_options)

    def collection_names(self, include_system_collections: bool = True) -> List[str]:
        """The names of the collections in this database."""
        names = [c["name"] for c in self._list_collections()]
        if not include_system_collections:
            names = [n for n in names if not n.startswith("system.")]
        return names

    def create_collection(self, name: str, codec_options: Optional[CodecOptions] = None,
                          read_preference: Any = None, write_concern: Any = None,
                          read_concern: Any = None, **kwargs: Any) -> Any:
        """Create a collection explicitly; ``CollectionInvalid`` if it already exists."""
        from mongofw.core.collection import Collection

        if name in self.collection_names():
            raise CollectionInvalid(f"collection {name} already exists")
        return Collection(self, name, True, codec_options, read_preference, write_concern,
                          read_concern, **kwargs)

    def drop_collection(self, name_or_collection: Any) -> Any:
        """Drop a collection (missing collections are not an error)."""
        from mongofw.core.collection import Collection

        name = name_or_collection
        if isinstance(name, Collection):
            name = name.name
        if not isinstance(name, str):
            raise TypeError(f"name_or_collection must be an instance of str or Collection, "
                            f"not {type(name).__name__}")
        cmd = SON([("drop", name)])
        return self.__client._run_command(self.__name, cmd, None, self.codec_options,
                                          allowable_errors=["ns not found", 26],
                                          write_concern=self.write_concern)

    # ------------------------------------------------------------ manipulators

    def add_son_manipulator(self, manipulator: Any) -> None:
        """Add a SON manipulator; copying ones run after the non-copying ones."""
        from mongofw.core.son_manipulator import ObjectIdInjector, SONManipulator

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
