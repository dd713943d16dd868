"""Write concerns (documented as ``pymongo.write_concern``)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Union

from mongofw.errors import ConfigurationError


class WriteConcern:
    """How many servers must acknowledge a write, and how durably, before it returns.

    :param w: an ``int``, how many members must acknowledge (``0``: no
        acknowledgement at all; ``1``: the primary alone), or a ``str``:
        ``"majority"`` or the name of a tag set the replica set defines.  ``None``
        (the default) leaves it to the server.
    :param wtimeout: the most milliseconds to wait for ``w`` (an ``int``); past it the
        write raises :exc:`~pymongo.errors.WTimeoutError`, though it is not undone.
        ``None`` (the default): no limit.
    :param j: when ``True``, wait until the write is in the on-disk journal.
    :param fsync: when ``True``, wait until the server has flushed its data files
        (with journaling on, the server treats it as ``j``).
    :raises TypeError: when an argument has the wrong type.
    :raises ~pymongo.errors.ConfigurationError: when both ``j`` and ``fsync`` are
        ``True``, or ``w=0`` comes with either of them ``True``.

    Immutable; :attr:`document` returns a fresh dict.

    As PyMongo 3.4's: the document's keys come in the order wtimeout, j, fsync, w; a
    WriteConcern is false when its document is empty (the server default), compares by
    document, and is not hashable.
    """

    __slots__ = ("__document", "__acknowledged")

    def __init__(self, w: Optional[Union[int, str]] = None, wtimeout: Optional[int] = None,
                 j: Optional[bool] = None, fsync: Optional[bool] = None) -> None:
        document: Dict[str, Any] = {}
        acknowledged = True
        if wtimeout is not None:
            if not isinstance(wtimeout, int):
                raise TypeError(f"wtimeout must be an integer (milliseconds), not "
                                f"{type(wtimeout).__name__} {wtimeout!r}")
            document["wtimeout"] = wtimeout
        if j is not None:
            if not isinstance(j, bool):
                raise TypeError(f"j must be True or False, not {j!r}")
            document["j"] = j
        if fsync is not None:
            if not isinstance(fsync, bool):
                raise TypeError(f"fsync must be True or False, not {fsync!r}")
            if j and fsync:
                raise ConfigurationError("Can't set both j and fsync at the same time")
            document["fsync"] = fsync
        if w is not None:
            if isinstance(w, int):
                # Unlike 3.4, w=0 with wtimeout or j=False is allowed (the spec's rule).
                if w == 0 and (j or fsync):
                    name = "j" if j else "fsync"
                    raise ConfigurationError(f"w=0 (unacknowledged) cannot be combined "
                                             f"with {name}=True")
                acknowledged = w > 0
            elif not isinstance(w, str):
                raise TypeError(f"w must be an integer or a string, not {type(w).__name__} "
                                f"{w!r}")
            document["w"] = w
        self.__document = document
        self.__acknowledged = acknowledged

    @property
    def document(self) -> Dict[str, Any]:
        """The write concern as sent to the server (``{}`` for the server default)."""
        return self.__document.copy()

    @property
    def acknowledged(self) -> bool:
        """Whether writes wait for the server's reply (False for an integer w of 0 or
        less)."""
        return self.__acknowledged

    @property
    def w(self) -> Optional[Union[int, str]]:
        """The ``w`` given (an ``int`` or ``str``), or None when unset (not in 3.4's
        API, which had only :attr:`document`; part of 3.13's)."""
        return self.__document.get("w")

    @property
    def wtimeout(self) -> Optional[int]:
        """The ``wtimeout`` given, in milliseconds, or None when unset (not in 3.4's
        API; part of 3.13's)."""
        return self.__document.get("wtimeout")

    @property
    def j(self) -> Optional[bool]:
        """The ``j`` given, or None when unset (not in 3.4's API; part of 3.13's)."""
        return self.__document.get("j")

    @property
    def fsync(self) -> Optional[bool]:
        """The ``fsync`` given, or None when unset (not in 3.4's API; part of 3.13's)."""
        return self.__document.get("fsync")

    @property
    def is_server_default(self) -> bool:
        """Whether nothing is set, so the server's default write concern applies."""
        return not self.__document

    def __repr__(self) -> str:
        # 3.4 printed values with str(): WriteConcern(w=majority).
        fields = ", ".join(f"{key}={value}" for key, value in self.__document.items())
        return f"WriteConcern({fields})"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, WriteConcern):
            return self.__document == other.document
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        if isinstance(other, WriteConcern):
            return self.__document != other.document
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        return bool(self.__document)

    def __reduce__(self) -> Any:
        return _rebuild, (self.__document,)


def _rebuild(document: Dict[str, Any]) -> WriteConcern:
    return WriteConcern(document.get("w"), document.get("wtimeout"), document.get("j"),
                        document.get("fsync"))


DEFAULT_WRITE_CONCERN = WriteConcern()
