"""CodecOptions (the documented namedtuple, plus ``type_registry``) and custom types.

Custom types follow the model PyMongo 3.8 documents.  A :class:`TypeEncoder` turns
values of exactly its ``python_type`` into something BSON encodes; a
:class:`TypeDecoder` turns decoded values of exactly its ``bson_type`` into anything; a
:class:`TypeCodec` does both.  A :class:`TypeRegistry` holds them, a ``fallback_encoder``
for values nothing else encodes, and (a mongofw extension, keyword-only) extra UUID
representations.  :class:`CodecOptions` resolves everything the codec needs once, on
first use, into a plain internal object, so encoding and decoding never consult a
plugin per value.
"""
from __future__ import annotations

import abc
import datetime
from collections import namedtuple
from collections.abc import MutableMapping
from typing import Any, Callable, Dict, Iterable, Optional, Tuple

from bson import _encode
from bson.binary import (
    ALL_UUID_REPRESENTATIONS,
    PYTHON_LEGACY,
    UUID_REPRESENTATION_FUNCTIONS,
    UUID_REPRESENTATION_NAMES,
    UuidRepresentation,
    _refuse_uuid,
    _rfc4122_from_binary,
)

_RAW_BSON_DOCUMENT_MARKER = 101


class TypeEncoder(abc.ABC):
    """Base class of a codec that encodes a custom Python type.

    A subclass sets ``python_type`` (a class attribute or a property) and implements
    ``transform_python``.  Only values whose type is exactly ``python_type`` are
    transformed, never instances of its subclasses, and the result is not offered to
    type encoders again.
    """

    @property
    @abc.abstractmethod
    def python_type(self) -> Any:
        """The class whose instances this codec turns into BSON-encodable values."""

    @abc.abstractmethod
    def transform_python(self, value: Any) -> Any:
        """A value the BSON encoder can write (or the fallback encoder can) for ``value``."""


class TypeDecoder(abc.ABC):
    """Base class of a codec that turns decoded BSON values into a custom type.

    A subclass sets ``bson_type`` (the Python type the decoder produces for the BSON
    values to convert, e.g. ``Decimal128``, ``Binary``, ``dict``) and implements
    ``transform_bson``, which is called with every decoded value of exactly that type in
    a document or array (never with a top-level document).  Values are transformed once
    the document or array holding them is complete, in element order, so a decoder of
    ``dict`` gets sub-documents whose own values were transformed already.
    """

    @property
    @abc.abstractmethod
    def bson_type(self) -> Any:
        """The type of decoded values this codec converts."""

    @abc.abstractmethod
    def transform_bson(self, value: Any) -> Any:
        """The application's value for the decoded ``value``."""


class TypeCodec(TypeEncoder, TypeDecoder):
    """Base class of a codec that both encodes a custom type (``python_type``,
    ``transform_python``) and decodes to it (``bson_type``, ``transform_bson``)."""


def _check_encodable(codec: Any) -> type:
    python_type = codec.python_type
    if not isinstance(python_type, type):
        raise TypeError(f"type encoder {codec!r}: python_type must be a class, "
                        f"not {python_type!r}")
    for native in _encode.NATIVE_TYPES:
        if issubclass(python_type, native):
            raise TypeError(f"type encoder {codec!r}: python_type {python_type!r} is (a "
                            f"subclass of) {native!r}, which BSON encodes natively; type "
                            "encoders cannot change how a built-in type is encoded")
    return python_type


class TypeRegistry:
    """Type codecs and a fallback encoder, with lookup tables built once; immutable.

    ``type_codecs`` is an iterable of TypeEncoder/TypeDecoder/TypeCodec instances (for
    two codecs of one Python or BSON type, the later one wins); ``fallback_encoder`` is
    called with a value nothing else can encode and returns one that can be.  Raises
    TypeError for a codec that is neither an encoder nor a decoder, an encoder of a type
    BSON encodes natively (or a subclass of one), or a fallback that is not callable.

    ``uuid_representations`` (keyword-only, a mongofw extension) are objects with
    ``code``, ``name``, ``subtype``, ``to_binary(uuid) -> bytes`` and
    ``from_binary(bytes) -> uuid`` (such as ``mongofw.extensions.UuidRepresentation``),
    selectable by their ``code`` as ``CodecOptions.uuid_representation``.
    """

    __slots__ = ("_type_codecs", "_fallback_encoder", "_uuid_representations",
                 "_encoder_map", "_decoder_map", "_uuid_by_code")

    def __init__(self, type_codecs: Optional[Iterable[Any]] = None,
                 fallback_encoder: Optional[Callable[[Any], Any]] = None, *,
                 uuid_representations: Iterable[Any] = ()) -> None:
        codecs_ = tuple(type_codecs) if type_codecs is not None else ()
        if fallback_encoder is not None and not callable(fallback_encoder):
            raise TypeError(f"fallback_encoder must be callable, not {fallback_encoder!r}")
        encoders: Dict[type, Callable[[Any], Any]] = {}
        decoders: Dict[Any, Callable[[Any], Any]] = {}
        for codec in codecs_:
            is_encoder = isinstance(codec, TypeEncoder)
            is_decoder = isinstance(codec, TypeDecoder)
            if not (is_encoder or is_decoder):
                raise TypeError("type_codecs must hold TypeEncoder, TypeDecoder or TypeCodec "
                                f"instances, not {codec!r}")
            if is_encoder:
                encoders[_check_encodable(codec)] = codec.transform_python
            if is_decoder:
                decoders[codec.bson_type] = codec.transform_bson
        reps = tuple(uuid_representations)
        for name, value in (("_type_codecs", codecs_), ("_fallback_encoder", fallback_encoder),
                            ("_uuid_representations", reps), ("_encoder_map", encoders),
                            ("_decoder_map", decoders),
                            ("_uuid_by_code", {rep.code: rep for rep in reps})):
            object.__setattr__(self, name, value)

    @property
    def type_codecs(self) -> Tuple[Any, ...]:
        """The codecs, in the order given."""
        return self._type_codecs

    @property
    def fallback_encoder(self) -> Optional[Callable[[Any], Any]]:
        """The fallback encoder, or None."""
        return self._fallback_encoder

    @property
    def uuid_representations(self) -> Tuple[Any, ...]:
        """The extra UUID representations, in the order given."""
        return self._uuid_representations

    def _is_empty(self) -> bool:
        return not (self._type_codecs or self._fallback_encoder is not None
                    or self._uuid_representations)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"TypeRegistry is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"TypeRegistry is immutable; cannot delete {name!r}")

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, TypeRegistry):
            return ((self._encoder_map, self._decoder_map, self._fallback_encoder,
                     self._uuid_representations)
                    == (other._encoder_map, other._decoder_map, other._fallback_encoder,
                        other._uuid_representations))
        return NotImplemented

    def __hash__(self) -> int:
        # Only what equal registries share for sure: the transforms and representations
        # compare by value but need not be hashable.
        return hash((frozenset(self._encoder_map), len(self._decoder_map),
                     self._fallback_encoder is None, len(self._uuid_representations)))

    def __reduce__(self) -> Tuple[Any, ...]:
        return _rebuild_registry, (self._type_codecs, self._fallback_encoder,
                                   self._uuid_representations)

    def __repr__(self) -> str:
        text = (f"TypeRegistry(type_codecs={list(self._type_codecs)!r}, "
                f"fallback_encoder={self._fallback_encoder!r}")
        if self._uuid_representations:
            names = [getattr(r, "name", r) for r in self._uuid_representations]
            text += f", uuid_representations={names!r}"
        return text + ")"


def _rebuild_registry(type_codecs: Tuple[Any, ...], fallback_encoder: Any,
                      uuid_representations: Tuple[Any, ...]) -> TypeRegistry:
    return TypeRegistry(type_codecs, fallback_encoder,
                        uuid_representations=uuid_representations)


_EMPTY_REGISTRY = TypeRegistry()


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
    :class:`TypeRegistry`; None means an empty one, which is what the attribute then
    holds).
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
        if type_registry is None:
            type_registry = _EMPTY_REGISTRY
        elif not isinstance(type_registry, TypeRegistry):
            raise TypeError(f"type_registry must be a TypeRegistry or None, not {type_registry!r}")
        if uuid_representation is None:
            # 3.13's default spelling; it stands for 3.x's default, PYTHON_LEGACY.
            uuid_representation = PYTHON_LEGACY
        known = type_registry._uuid_by_code
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
        if rep in registry._uuid_by_code:
            rep_name = registry._uuid_by_code[rep].name
        text = (f"document_class={doc_class_repr}, tz_aware={self.tz_aware!r}, "
                f"uuid_representation={rep_name}, "
                f"unicode_decode_error_handler={self.unicode_decode_error_handler!r}, "
                f"tzinfo={self.tzinfo!r}")
        if not registry._is_empty():
            # The 3.4 repr, which had no registry, for options without custom types.
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
                 "custom_encoders", "fallback_encoder", "type_decoders")

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
        rep = registry._uuid_by_code.get(options.uuid_representation)
        if rep is not None:
            self.uuid_subtype = rep.subtype
            self.uuid_to_binary = rep.to_binary
            self.uuid_from_binary = rep.from_binary
        elif options.uuid_representation == UuidRepresentation.UNSPECIFIED:
            # Subtype 0 tells the decoders to leave UUID subtypes as Binary.
            self.uuid_subtype = 0
            self.uuid_to_binary = _refuse_uuid
            self.uuid_from_binary = _rfc4122_from_binary
        else:
            _, self.uuid_subtype, self.uuid_to_binary, self.uuid_from_binary = (
                UUID_REPRESENTATION_FUNCTIONS[options.uuid_representation])
        # None (not empty dicts) when unused, so the codec's checks are one identity test.
        self.custom_encoders = dict(registry._encoder_map) or None
        self.fallback_encoder = registry._fallback_encoder
        self.type_decoders = dict(registry._decoder_map) or None


DEFAULT_CODEC_OPTIONS = CodecOptions()
