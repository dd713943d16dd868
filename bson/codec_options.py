"""CodecOptions (the documented namedtuple, plus ``type_registry``) and the codec seam.

A :class:`TypeCodec` teaches the codec one Python type; a :class:`TypeRegistry` holds a
list of them (and any extra UUID representations) with lookup tables built once.
:class:`CodecOptions` resolves everything the codec needs once, on first use, into a
plain internal object, so encoding and decoding never consult a plugin per value.
"""
from __future__ import annotations

import datetime
from collections import namedtuple
from collections.abc import MutableMapping
from typing import Any, Callable, Dict, Iterable, Optional, Tuple

from bson.binary import (
    ALL_UUID_REPRESENTATIONS,
    PYTHON_LEGACY,
    UUID_REPRESENTATION_FUNCTIONS,
    UUID_REPRESENTATION_NAMES,
)

_RAW_BSON_DOCUMENT_MARKER = 101


class TypeCodec:
    """How to encode (and optionally decode) the Python types ``python_types``.

    ``encode(value)`` returns a value the codec already knows, e.g.
    ``Binary(data, 0x80)`` or a dict with a marker key.  To decode, give ``decode`` and
    either ``binary_subtype`` (a user-defined subtype, 0x80-0xFF; ``decode`` gets the
    payload bytes) or ``marker_key`` (``decode`` gets any sub-document whose first key
    is ``marker_key``).  Custom codecs apply only to types the built-in encoder does
    not know, and only to the registered subtypes and marker keys.  Immutable.
    """

    # A plain frozen class rather than a dataclass: importing dataclasses costs
    # ``import bson`` several milliseconds.
    __slots__ = ("name", "python_types", "encode", "binary_subtype", "marker_key", "decode")

    def __init__(self, name: str, python_types: Any, encode: Callable[[Any], Any],
                 binary_subtype: Optional[int] = None, marker_key: Optional[str] = None,
                 decode: Optional[Callable[[Any], Any]] = None) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"TypeCodec name must be a non-empty str, not {name!r}")
        if isinstance(python_types, type):
            python_types = (python_types,)
        if not isinstance(python_types, tuple) or not all(
                isinstance(t, type) for t in python_types):
            raise TypeError(f"TypeCodec {name!r}: python_types must be a tuple of types, "
                            f"not {python_types!r}")
        if not callable(encode):
            raise TypeError(f"TypeCodec {name!r}: encode must be callable")
        sub = binary_subtype
        if sub is not None and (not isinstance(sub, int) or not 0x80 <= sub <= 0xFF):
            raise ValueError(f"TypeCodec {name!r}: binary_subtype must be a user-defined "
                             f"subtype in [0x80, 0xFF], not {sub!r}")
        if marker_key is not None and (not isinstance(marker_key, str) or not marker_key):
            raise ValueError(f"TypeCodec {name!r}: marker_key must be a non-empty str, "
                             f"not {marker_key!r}")
        if sub is not None and marker_key is not None:
            raise ValueError(f"TypeCodec {name!r}: give binary_subtype or marker_key, "
                             "not both")
        if decode is not None and not callable(decode):
            raise TypeError(f"TypeCodec {name!r}: decode must be callable or None")
        if decode is not None and sub is None and marker_key is None:
            raise ValueError(f"TypeCodec {name!r}: decode needs a binary_subtype or "
                             "a marker_key to recognise encoded values")
        for field, value in (("name", name), ("python_types", python_types), ("encode", encode),
                             ("binary_subtype", sub), ("marker_key", marker_key),
                             ("decode", decode)):
            object.__setattr__(self, field, value)

    def _fields(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, field) for field in self.__slots__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"TypeCodec is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"TypeCodec is immutable; cannot delete {name!r}")

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, TypeCodec):
            return self._fields() == other._fields()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"TypeCodec(name={self.name!r}, python_types={self.python_types!r}, "
                f"binary_subtype={self.binary_subtype!r}, marker_key={self.marker_key!r})")

    def __reduce__(self) -> Tuple[Any, ...]:
        return TypeCodec, self._fields()


class TypeRegistry:
    """Type codecs and extra UUID representations, with lookup tables computed once.

    ``uuid_representations`` are objects with ``code``, ``name``, ``subtype``,
    ``to_binary(uuid) -> bytes`` and ``from_binary(bytes) -> uuid`` (such as
    ``mongofw.extensions.UuidRepresentation``).  Raises ValueError when two
    codecs claim the same type, subtype or marker key.
    """

    def __init__(self, type_codecs: Iterable[TypeCodec] = (),
                 uuid_representations: Iterable[Any] = ()) -> None:
        self.type_codecs: Tuple[TypeCodec, ...] = tuple(type_codecs)
        self.uuid_representations: Tuple[Any, ...] = tuple(uuid_representations)
        self.encoders: Dict[type, TypeCodec] = {}
        self.binary_decoders: Dict[int, TypeCodec] = {}
        self.marker_decoders: Dict[str, TypeCodec] = {}
        self.uuid_by_code: Dict[int, Any] = {}
        for codec in self.type_codecs:
            if not isinstance(codec, TypeCodec):
                raise TypeError(f"type_codecs must hold TypeCodec instances, not {codec!r}")
            for python_type in codec.python_types:
                _claim(self.encoders, python_type, codec, "Python type")
            if codec.decode is not None and codec.binary_subtype is not None:
                _claim(self.binary_decoders, codec.binary_subtype, codec, "binary subtype")
            if codec.decode is not None and codec.marker_key is not None:
                _claim(self.marker_decoders, codec.marker_key, codec, "marker key")
        for rep in self.uuid_representations:
            self.uuid_by_code[rep.code] = rep

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, TypeRegistry):
            return ((self.type_codecs, self.uuid_representations)
                    == (other.type_codecs, other.uuid_representations))
        return NotImplemented

    def __hash__(self) -> int:
        # Representations compare by value but need not be hashable; leave them out.
        return hash((self.type_codecs, len(self.uuid_representations)))

    def __repr__(self) -> str:
        names = [c.name for c in self.type_codecs]
        reps = [getattr(r, "name", r) for r in self.uuid_representations]
        return f"TypeRegistry(type_codecs={names!r}, uuid_representations={reps!r})"


def _claim(table: Dict[Any, TypeCodec], key: Any, codec: TypeCodec, what: str) -> None:
    if key in table:
        raise ValueError(f"{what} {key!r} is claimed by both type codec {table[key].name!r} "
                         f"and type codec {codec.name!r}")
    table[key] = codec


_options_base = namedtuple("CodecOptions", (
    "document_class", "tz_aware", "uuid_representation", "unicode_decode_error_handler",
    "tzinfo", "type_registry"))


class CodecOptions(_options_base):
    """Encapsulates BSON options used in CRUD operations.

    ``document_class`` (a MutableMapping subclass, or RawBSONDocument), ``tz_aware``,
    ``uuid_representation`` (one of ``bson.binary.ALL_UUID_REPRESENTATIONS`` or a code
    in ``type_registry``), ``unicode_decode_error_handler`` (the name of a codecs error
    handler such as 'strict', 'replace', 'ignore'; as in PyMongo 3.4 any string is
    accepted here and an unknown name fails only when decoding meets invalid UTF-8,
    with InvalidBSON), ``tzinfo`` (needs ``tz_aware=True``) and ``type_registry`` (a
    :class:`TypeRegistry` or None).
    Immutable; use :meth:`with_options` (or ``_replace``) for a changed copy.
    """

    def __new__(cls, document_class: type = dict, tz_aware: bool = False,
                uuid_representation: int = PYTHON_LEGACY,
                unicode_decode_error_handler: str = "strict",
                tzinfo: Optional[datetime.tzinfo] = None,
                type_registry: Optional[TypeRegistry] = None) -> CodecOptions:
        if not (isinstance(document_class, type) and (
                issubclass(document_class, MutableMapping)
                or getattr(document_class, "_type_marker", None) == _RAW_BSON_DOCUMENT_MARKER)):
            raise TypeError("document_class must be dict, bson.son.SON, "
                            "bson.raw_bson.RawBSONDocument, or a subclass of "
                            f"collections.abc.MutableMapping, not {document_class!r}")
        if not isinstance(tz_aware, bool):
            raise TypeError(f"tz_aware must be True or False, not {tz_aware!r}")
        if type_registry is not None and not isinstance(type_registry, TypeRegistry):
            raise TypeError(f"type_registry must be a TypeRegistry or None, not {type_registry!r}")
        known = type_registry.uuid_by_code if type_registry is not None else {}
        if (isinstance(uuid_representation, bool) or uuid_representation not in known
                and uuid_representation not in ALL_UUID_REPRESENTATIONS):
            raise ValueError("uuid_representation must be a value from "
                             f"bson.binary.ALL_UUID_REPRESENTATIONS {ALL_UUID_REPRESENTATIONS}"
                             f" or a registered representation, not {uuid_representation!r}")
        if not isinstance(unicode_decode_error_handler, str):
            # TypeError, as 3.4 raised (its isinstance(value, (str, None)) check failed so).
            raise TypeError("unicode_decode_error_handler must be a string, "
                            f"not {unicode_decode_error_handler!r}")
        if tzinfo is not None:
            if not isinstance(tzinfo, datetime.tzinfo):
                raise TypeError(f"tzinfo must be an instance of datetime.tzinfo, not {tzinfo!r}")
            if not tz_aware:
                raise ValueError("cannot specify tzinfo without also setting tz_aware=True")
        return tuple.__new__(cls, (document_class, tz_aware, uuid_representation,
                                   unicode_decode_error_handler, tzinfo, type_registry))

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> CodecOptions:  # type: ignore[override]
        return cls(*iterable)

    def _replace(self, **kwargs: Any) -> CodecOptions:  # type: ignore[override]
        values = self._asdict()
        unknown = set(kwargs) - set(values)
        if unknown:
            raise ValueError(f"Got unexpected field names: {sorted(unknown)!r}")
        values.update(kwargs)
        return CodecOptions(**values)

    def with_options(self, **kwargs: Any) -> CodecOptions:
        """A copy of these options with the given fields changed (validated again)."""
        return self._replace(**kwargs)

    def __getnewargs__(self) -> Tuple[Any, ...]:
        return tuple(self)

    def __reduce__(self) -> Tuple[Any, ...]:
        return CodecOptions, tuple(self)

    def _options_repr(self) -> str:
        doc_class = self.document_class
        # 3.4's form: "dict" for dict, the class's repr for anything else.
        doc_class_repr = "dict" if doc_class is dict else repr(doc_class)
        rep = self.uuid_representation
        registry = self.type_registry
        rep_name = UUID_REPRESENTATION_NAMES.get(rep)
        if registry is not None and rep in registry.uuid_by_code:
            rep_name = registry.uuid_by_code[rep].name
        text = (f"document_class={doc_class_repr}, tz_aware={self.tz_aware!r}, "
                f"uuid_representation={rep_name}, "
                f"unicode_decode_error_handler={self.unicode_decode_error_handler!r}, "
                f"tzinfo={self.tzinfo!r}")
        if registry is not None:
            text += f", type_registry={registry!r}"
        return text

    def __repr__(self) -> str:
        return f"CodecOptions({self._options_repr()})"

    @property
    def _codec_state(self) -> _CodecState:
        # Resolved once per instance; the namedtuple subclass has a __dict__ to keep it in.
        state = self.__dict__.get("_state")
        if state is None:
            state = self.__dict__["_state"] = _CodecState(self)
        return state


class _CodecState:
    """Everything the encoder and decoder read, as plain attributes (built once)."""

    __slots__ = ("options", "document_class", "is_dict", "is_raw", "tz_aware", "tzinfo",
                 "errors", "uuid_subtype", "uuid_to_binary", "uuid_from_binary",
                 "custom_encoders", "custom_types", "binary_decoders", "marker_decoders")

    def __init__(self, options: CodecOptions) -> None:
        self.options = options
        self.document_class = options.document_class
        self.is_dict = options.document_class is dict
        self.is_raw = (getattr(options.document_class, "_type_marker", None)
                       == _RAW_BSON_DOCUMENT_MARKER)
        self.tz_aware = options.tz_aware
        self.tzinfo = options.tzinfo
        self.errors = options.unicode_decode_error_handler
        registry = options.type_registry
        rep = registry.uuid_by_code.get(options.uuid_representation) if registry else None
        if rep is not None:
            self.uuid_subtype = rep.subtype
            self.uuid_to_binary = rep.to_binary
            self.uuid_from_binary = rep.from_binary
        else:
            _, self.uuid_subtype, self.uuid_to_binary, self.uuid_from_binary = (
                UUID_REPRESENTATION_FUNCTIONS[options.uuid_representation])
        # None (not empty dicts) when unused, so the codec's checks are one identity test.
        self.custom_encoders = dict(registry.encoders) if registry and registry.encoders else None
        self.custom_types = tuple(registry.encoders) if self.custom_encoders else ()
        self.binary_decoders = (dict(registry.binary_decoders)
                                if registry and registry.binary_decoders else None)
        self.marker_decoders = (dict(registry.marker_decoders)
                                if registry and registry.marker_decoders else None)


DEFAULT_CODEC_OPTIONS = CodecOptions()
