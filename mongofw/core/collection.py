"""Collection level operations (documented as ``pymongo.collection.Collection``).

The class checks arguments and delegates: writes to :mod:`mongofw.core.write_ops`,
reads to :mod:`mongofw.core.cursor`.
"""
from __future__ import annotations

from typing import Any, List, Mapping, MutableMapping, Optional

from bson.codec_options import CodecOptions
from bson.objectid import ObjectId
from bson.son import SON
from mongofw.core import write_ops
from mongofw.core.base_object import BaseObject
from mongofw.core.errors import InvalidName
from mongofw.core.results import DeleteResult, InsertManyResult, InsertOneResult, UpdateResult


class ReturnDocument:
    """Which version of the document ``find_one_and_*`` returns."""

    #: The document as it was before the update or replacement (the default).
    BEFORE = False
    #: The document as it is after the update or replacement.
    AFTER = True


def validate_collection_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be an instance of str, not {type(name).__name__}")
    if not name or ".." in name:
        raise InvalidName(f"collection names cannot be empty or contain '..': {name!r}")
    if "$" in name and not (name.startswith("oplog.$main") or name.startswith("$cmd")):
        raise InvalidName(f"collection names must not contain '$': {name!r}")
    if name[0] == "." or name[-1] == ".":
        raise InvalidName(f"collection names must not start or end with '.': {name!r}")
    if "\x00" in name:
        raise InvalidName("collection names must not contain the null character")
    return name


def validate_document(document: Any, name: str = "document") -> None:
    if not isinstance(document, MutableMapping) and not hasattr(document, "raw"):
        raise TypeError(f"{name} must be an instance of dict, bson.son.SON, "
                        f"bson.raw_bson.RawBSONDocument, or a type that inherits from "
                        f"collections.abc.MutableMapping, not {type(document).__name__}")


def validate_update(update: Any) -> None:
    if not isinstance(update, Mapping):
        raise TypeError(f"update must be a mapping, not {type(update).__name__}")
    if not update:
        raise ValueError("update only works with $ operators: the document is empty")
    first = next(iter(update))
    if not first.startswith("$"):
        raise ValueError(f"update only works with $ operators, got key {first!r}")


def validate_replacement(replacement: Any) -> None:
    validate_document(replacement, "replacement")
    if replacement:
        first = next(iter(replacement))
        if first.startswith("$"):
            raise ValueError(f"replacement can not include $ operators, got key {first!r}")


class Collection(BaseObject):
    """A MongoDB collection: CRUD, indexes and aggregation."""

    def __init__(self, database: Any, name: str, create: bool = False,
                 codec_options: Optional[CodecOptions] = None, read_preference: Any = None,
                 write_concern: Any = None, read_concern: Any = None, **kwargs: Any) -> None:
        super().__init__(*database._inherit(codec_options, read_preference, write_concern,
                                            read_concern))
        self.__database = database
        self.__name = validate_collection_name(name)
        self.__full_name = f"{database.name}.{name}"
        if create or kwargs:
            cmd = SON([("create", name)])
            cmd.update(kwargs)
            database._command_on_primary(cmd, write_concern=self.write_concern)

    @property
    def full_name(self) -> str:
        """The full name (``database.collection``) of this collection."""
        return self.__full_name

    @property
    def name(self) -> str:
        """The name of this collection."""
        return self.__name

    @property
    def database(self) -> Any:
        """The Database this collection belongs to."""
        return self.__database

    def __getattr__(self, name: str) -> Collection:
        if name.startswith("_"):
            full = f"{self.__name}.{name}"
            raise AttributeError(f"Collection has no attribute {name!r}. To access the "
                                 f"{full} collection, use database[{full!r}].")
        return self.__getitem__(name)

    def __getitem__(self, name: str) -> Collection:
        return Collection(self.__database, f"{self.__name}.{name}", False, self.codec_options,
                          self.read_preference, self.write_concern, self.read_concern)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Collection):
            return self.__database == other.database and self.__name == other.name
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self.__database, self.__name))

    def __repr__(self) -> str:
        return f"Collection({self.__database!r}, {self.__name!r})"

    def __iter__(self) -> Collection:
        return self

    def __next__(self) -> Any:
        raise TypeError("'Collection' object is not iterable")

    next = __next__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "." not in self.__name:
            raise TypeError(f"'Collection' object is not callable. If you meant to call the "
                            f"'{self.__name}' method on a 'Database' object it is failing "
                            f"because no such method exists.")
        raise TypeError(f"'Collection' object is not callable. If you meant to call the "
                        f"'{self.__name.split('.')[-1]}' method on a 'Collection' object it "
                        f"is failing because no such method exists.")

    def with_options(self, codec_options: Optional[CodecOptions] = None,
                     read_preference: Any = None, write_concern: Any = None,
                     read_concern: Any = None) -> Collection:
        """A clone of this collection with some options changed."""
        return Collection(self.__database, self.__name, False,
                          codec_options or self.codec_options,
                          read_preference or self.read_preference,
                          write_concern or self.write_concern, read_concern or self.read_concern)

    # ------------------------------------------------------------ writes

    def _write(self, kind: str, items: List[Any], ordered: bool = True,
               bypass_document_validation: bool = False, check_keys: bool = False) -> Any:
        return write_ops.execute_write(
            self.__database.client, self.__database.name, self.__name, kind, items,
            ordered=ordered, write_concern=self.write_concern, codec_options=self.codec_options,
            check_keys=check_keys, bypass_document_validation=bypass_document_validation)

    def insert_one(self, document: Any, bypass_document_validation: bool = False
                   ) -> InsertOneResult:
        """Insert one document; an ``_id`` is added to ``document`` when it has none."""
        validate_document(document)
        if "_id" not in document and not hasattr(document, "raw"):
            document["_id"] = ObjectId()
        result = self._write(write_ops.INSERT, [document],
                             bypass_document_validation=bypass_document_validation,
                             check_keys=True)
        write_ops.raise_for_single_write(result)
        return InsertOneResult(document.get("_id"), self.write_concern.acknowledged)

    def insert_many(self, documents: Any, ordered: bool = True,
                    bypass_document_validation: bool = False) -> InsertManyResult:
        """Insert an iterable of documents (``_id`` added where missing)."""
        if isinstance(documents, Mapping) or not hasattr(documents, "__iter__"):
            raise TypeError("documents must be a non-empty list")
        docs = []
        for document in documents:
            validate_document(document)
            if "_id" not in document and not hasattr(document, "raw"):
                document["_id"] = ObjectId()
            docs.append(document)
        if not docs:
            raise TypeError("documents must be a non-empty list")
        result = self._write(write_ops.INSERT, docs, ordered, bypass_document_validation,
                             check_keys=True)
        write_ops.raise_for_bulk(result)
        return InsertManyResult([d.get("_id") for d in docs], self.write_concern.acknowledged)

    def _update(self, filter: Any, update: Any, upsert: bool, multi: bool,
                bypass_document_validation: bool, collation: Any = None) -> UpdateResult:
        if not isinstance(filter, Mapping):
            raise TypeError(f"filter must be a mapping, not {type(filter).__name__}")
        if not isinstance(upsert, bool):
            raise TypeError(f"upsert must be True or False, not {upsert!r}")
        statement = SON([("q", filter), ("u", update), ("multi", multi), ("upsert", upsert)])
        if collation is not None:
            statement["collation"] = collation
        result = self._write(write_ops.UPDATE, [statement],
                             bypass_document_validation=bypass_document_validation)
        write_ops.raise_for_single_write(result)
        raw = {"n": result["nMatched"] + result["nUpserted"], "nModified": result["nModified"],
               "ok": 1.0, "updatedExisting": result["nMatched"] > 0}
        if result["upserted"]:
            raw["upserted"] = result["upserted"][0]["_id"]
        return UpdateResult(raw, self.write_concern.acknowledged)

    def replace_one(self, filter: Any, replacement: Any, upsert: bool = False,
                    bypass_document_validation: bool = False,
                    collation: Any = None) -> UpdateResult:
        """Replace a single document matching ``filter``."""
        validate_replacement(replacement)
        return self._update(filter, replacement, upsert, False, bypass_document_validation,
                            collation)

    def update_one(self, filter: Any, update: Any, upsert: bool = False,
                   bypass_document_validation: bool = False,
                   collation: Any = None) -> UpdateResult:
        """Update a single document matching ``filter`` with ``$`` operators."""
        validate_update(update)
        return self._update(filter, update, upsert, False, bypass_document_validation,
                            collation)

    def update_many(self, filter: Any, update: Any, upsert: bool = False,
                    bypass_document_validation: bool = False,
                    collation: Any = None) -> UpdateResult:
        """Update every document matching ``filter`` with ``$`` operators."""
        validate_update(update)
        return self._update(filter, update, upsert, True, bypass_document_validation,
                            collation)

    def _delete(self, filter: Any, limit: int, collation: Any = None) -> DeleteResult:
        if not isinstance(filter, Mapping):
            raise TypeError(f"filter must be a mapping, not {type(filter).__name__}")
        statement = SON([("q", filter), ("limit", limit)])
        if collation is not None:
            statement["collation"] = collation
        result = self._write(write_ops.DELETE, [statement])
        write_ops.raise_for_single_write(result)
        return DeleteResult({"n": result["nRemoved"], "ok": 1.0},
                            self.write_concern.acknowledged)

    def delete_one(self, filter: Any, collation: Any = None) -> DeleteResult:
        """Delete a single document matching ``filter``."""
        return self._delete(filter, 1, collation)

    def delete_many(self, filter: Any, collation: Any = None) -> DeleteResult:
        """Delete every document matching ``filter``."""
        return self._delete(filter, 0, collation)

    # ------------------------------------------------------------ reads

    def find(self, *args: Any, **kwargs: Any) -> Any:
        """A Cursor over the documents matching the filter (see ``Cursor`` for arguments)."""
        from mongofw.core.cursor import Cursor

        return Cursor(self, *args, **kwargs)

    def find_one(self, filter: Any = None, *args: Any, **kwargs: Any) -> Any:
        """The first matching document, or None; a non-mapping filter means ``{"_id": filter}``."""
        if filter is not None and not isinstance(filter, Mapping):
            filter = {"_id": filter}
        for document in self.find(filter, *args, **kwargs).limit(-1):
            return document
        return None

    def drop(self) -> None:
        """Drop this collection (an alias of ``Database.drop_collection``)."""
        self.__database.drop_collection(self.__name)
