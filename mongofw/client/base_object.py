"""Options shared by MongoClient, Database and Collection (inherited downwards)."""
from __future__ import annotations

from typing import Any

from bson.codec_options import CodecOptions


class BaseObject:
    """Holds codec options, read preference, write concern and read concern."""

    def __init__(self, codec_options: CodecOptions, read_preference: Any, write_concern: Any,
                 read_concern: Any) -> None:
        from mongofw.options.read_concern import ReadConcern
        from mongofw.options.read_preferences import _ServerMode
        from mongofw.options.write_concern import WriteConcern

        if not isinstance(codec_options, CodecOptions):
            raise TypeError(f"codec_options must be an instance of bson.codec_options."
                            f"CodecOptions, not {type(codec_options).__name__}")
        if not isinstance(read_preference, _ServerMode):
            raise TypeError(f"{read_preference!r} is not valid for read_preference; see "
                            f"pymongo.read_preferences for valid options")
        if not isinstance(write_concern, WriteConcern):
            raise TypeError(f"write_concern must be an instance of pymongo.write_concern."
                            f"WriteConcern, not {type(write_concern).__name__}")
        if not isinstance(read_concern, ReadConcern):
            raise TypeError(f"read_concern must be an instance of pymongo.read_concern."
                            f"ReadConcern, not {type(read_concern).__name__}")
        self.__codec_options = codec_options
        self.__read_preference = read_preference
        self.__write_concern = write_concern
        self.__read_concern = read_concern

    @property
    def codec_options(self) -> CodecOptions:
        """Read only access to the CodecOptions of this instance."""
        return self.__codec_options

    @property
    def write_concern(self) -> Any:
        """Read only access to the WriteConcern of this instance."""
        return self.__write_concern

    @property
    def read_preference(self) -> Any:
        """Read only access to the read preference of this instance."""
        return self.__read_preference

    @property
    def read_concern(self) -> Any:
        """Read only access to the ReadConcern of this instance."""
        return self.__read_concern



def inherit(parent: Any, codec_options: Any, read_preference: Any, write_concern: Any,
            read_concern: Any) -> tuple:
    """The four options, each given or else ``parent``'s.

    Reads only the parent's public ``codec_options`` / ``read_preference`` /
    ``write_concern`` / ``read_concern``, so a Database or Collection may hang off any
    object that has them (Ming's in-memory client subclasses them over a plain one).
    """
    return (codec_options or parent.codec_options, read_preference or parent.read_preference,
            write_concern or parent.write_concern, read_concern or parent.read_concern)

