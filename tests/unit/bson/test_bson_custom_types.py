"""Custom types as PyMongo 3.8 documents them: TypeEncoder, TypeDecoder, TypeCodec,
TypeRegistry(type_codecs, fallback_encoder) and CodecOptions(type_registry=...).

Through the public functions, so the suite's second run (MONGOFW_NO_C=1) checks the
pure-Python codec the same way; tests/unit/bson/test_cext_fuzz.py compares the two."""
from __future__ import annotations

import copy
import pickle
import uuid
from decimal import Decimal
from fractions import Fraction
from typing import Any, List

import pytest

import bson
from bson.binary import Binary
from bson.codec_options import (
    CodecOptions,
    TypeCodec,
    TypeDecoder,
    TypeEncoder,
    TypeRegistry,
)
from bson.dbref import DBRef
from bson.decimal128 import Decimal128
from bson.errors import InvalidDocument
from bson.int64 import Int64
from bson.son import SON
from tests.support.type_codecs import FunctionDecoder, FunctionEncoder


class DecimalCodec(TypeCodec):
    """Written as the 3.8 documentation's example is: class attributes and two methods."""

    python_type = Decimal
    bson_type = Decimal128

    def transform_python(self, value: Decimal) -> Decimal128:
        return Decimal128(value)

    def transform_bson(self, value: Decimal128) -> Decimal:
        return value.to_decimal()


class DecimalSubclass(Decimal):
    pass


def _options(*codecs: Any, fallback: Any = None, **kwargs: Any) -> CodecOptions:
    return CodecOptions(type_registry=TypeRegistry(codecs, fallback), **kwargs)


DECIMAL = _options(DecimalCodec())


def test_a_type_codec_round_trips_its_type():
    data = bson.encode({"d": Decimal("1.25")}, codec_options=DECIMAL)
    assert data == bson.encode({"d": Decimal128("1.25")})
    assert bson.decode(data, codec_options=DECIMAL) == {"d": Decimal("1.25")}
    assert type(bson.decode(data, codec_options=DECIMAL)["d"]) is Decimal
    assert bson.decode(data) == {"d": Decimal128("1.25")}


def test_values_in_nested_documents_and_arrays_are_transformed_both_ways():
    doc = {"a": [Decimal("1"), [Decimal("2")], {"b": Decimal("3")}], "c": {"d": Decimal("4")}}
    data = bson.encode(doc, codec_options=DECIMAL)
    assert bson.decode(data) == {"a": [Decimal128("1"), [Decimal128("2")],
                                       {"b": Decimal128("3")}], "c": {"d": Decimal128("4")}}
    assert bson.decode(data, codec_options=DECIMAL) == doc
    assert bson.decode_all(data + data, DECIMAL) == [doc, doc]


def test_a_subclass_of_an_encoded_type_is_not_transformed():
    """Only the exact ``python_type``: a subclass needs a codec of its own."""
    with pytest.raises(InvalidDocument, match="cannot encode object: Decimal\\('2'\\)"):
        bson.encode({"d": DecimalSubclass("2")}, codec_options=DECIMAL)
    both = _options(DecimalCodec(), FunctionEncoder(DecimalSubclass, lambda v: str(v)))
    assert bson.decode(bson.encode({"d": DecimalSubclass("2")}, codec_options=both)) == {
        "d": "2"}


def test_a_decoder_applies_to_values_of_exactly_its_bson_type():
    data = bson.encode({"i": 1, "l": Int64(2), "s": "x", "f": 1.5, "b": True})
    as_text = _options(FunctionDecoder(int, lambda value: f"int {value}"))
    # Int64 and bool are ints too, but not of type int.
    assert bson.decode(data, codec_options=as_text) == {"i": "int 1", "l": Int64(2), "s": "x",
                                                       "f": 1.5, "b": True}


def test_a_dict_decoder_sees_every_sub_document_but_not_the_top_level_one():
    seen: List[Any] = []

    def record(doc: dict) -> Any:
        seen.append(dict(doc))
        return ("doc", len(doc))

    options = _options(FunctionDecoder(dict, record))
    data = bson.encode({"outer": {"inner": {"x": 1}, "y": 2}, "list": [{"z": 3}]})
    assert bson.decode(data, codec_options=options) == {"outer": ("doc", 2),
                                                        "list": [("doc", 1)]}
    # A document's values are transformed once it is complete, so each document saw its
    # own values already transformed; "outer" is a value of the top level, which ends last.
    assert seen == [{"x": 1}, {"z": 3}, {"inner": ("doc", 1), "y": 2}]
    # With another document_class the sub-documents are not of type dict.
    assert bson.decode(data, codec_options=options.with_options(document_class=SON)) == {
        "outer": {"inner": {"x": 1}, "y": 2}, "list": [{"z": 3}]}


def test_a_dbref_is_made_before_decoders_see_it():
    data = bson.encode({"r": {"$ref": "c", "$id": 1}})
    options = _options(FunctionDecoder(dict, lambda d: "dict"),
                       FunctionDecoder(DBRef, lambda r: f"ref to {r.collection}"))
    assert bson.decode(data, codec_options=options) == {"r": "ref to c"}


def test_the_fallback_encoder_gets_only_otherwise_unencodable_values():
    calls: List[Any] = []

    def fallback(value: Any) -> Any:
        calls.append(value)
        return Decimal128(value) if isinstance(value, Decimal) else value

    options = _options(fallback=fallback)
    data = bson.encode({"d": Decimal("1.5"), "i": 1, "s": "x"}, codec_options=options)
    assert bson.decode(data) == {"d": Decimal128("1.5"), "i": 1, "s": "x"}
    assert calls == [Decimal("1.5")]


def test_the_fallback_encoder_is_called_once_per_value():
    calls: List[Any] = []
    options = _options(fallback=lambda value: calls.append(value) or value)
    marker = object()
    with pytest.raises(InvalidDocument, match="cannot encode object"):
        bson.encode({"o": marker}, codec_options=options)
    assert calls == [marker]


def test_a_type_encoders_result_is_not_given_to_type_encoders_again():
    class First:
        pass

    class Second:
        pass

    options = _options(FunctionEncoder(First, lambda value: Second()),
                       FunctionEncoder(Second, lambda value: "from Second"),
                       fallback=lambda value: f"fallback got {type(value).__name__}")
    assert bson.decode(bson.encode({"v": Second()}, codec_options=options)) == {
        "v": "from Second"}
    assert bson.decode(bson.encode({"v": First()}, codec_options=options)) == {
        "v": "fallback got Second"}


def test_the_fallback_encoders_result_may_use_a_type_encoder():
    options = _options(DecimalCodec(),
                       fallback=lambda value: Decimal(value.numerator) / value.denominator)
    data = bson.encode({"f": Fraction(3, 2)}, codec_options=options)
    assert bson.decode(data) == {"f": Decimal128("1.5")}


def test_a_transforms_exception_propagates():
    def boom(value: Any) -> Any:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError, match="no"):
        bson.encode({"d": Decimal(1)}, codec_options=_options(FunctionEncoder(Decimal, boom)))
    with pytest.raises(RuntimeError, match="no"):
        bson.decode(bson.encode({"s": "x"}), codec_options=_options(FunctionDecoder(str, boom)))


def test_the_last_codec_for_a_type_prevails():
    options = _options(FunctionEncoder(Decimal, lambda v: "first"),
                       FunctionEncoder(Decimal, lambda v: "last"),
                       FunctionDecoder(str, lambda v: "first"),
                       FunctionDecoder(str, lambda v: "last"))
    data = bson.encode({"d": Decimal(1)}, codec_options=options)
    assert bson.decode(data) == {"d": "last"}
    assert bson.decode(data, codec_options=options) == {"d": "last"}


@pytest.mark.parametrize("python_type", [int, str, bytes, dict, list, tuple, float, bool,
                                         type(None), uuid.UUID, Binary, Int64, Decimal128,
                                         SON, DBRef])
def test_encoders_cannot_change_how_builtin_types_are_encoded(python_type):
    with pytest.raises(TypeError, match="BSON encodes natively"):
        TypeRegistry([FunctionEncoder(python_type, str)])


def test_encoders_cannot_claim_subclasses_of_builtin_types():
    class Text(str):
        pass

    class Table(dict):
        pass

    for python_type in (Text, Table):
        with pytest.raises(TypeError, match="BSON encodes natively"):
            TypeRegistry([FunctionEncoder(python_type, str)])
    # A decoder may name any type.
    assert TypeRegistry([FunctionDecoder(Text, str)]).type_codecs[0].bson_type is Text


def test_registry_argument_errors():
    with pytest.raises(TypeError, match="must hold TypeEncoder, TypeDecoder or TypeCodec"):
        TypeRegistry([lambda value: value])
    with pytest.raises(TypeError, match="python_type must be a class"):
        TypeRegistry([FunctionEncoder("Decimal", str)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="fallback_encoder must be callable"):
        TypeRegistry(fallback_encoder="str")
    with pytest.raises(TypeError, match="type_registry must be a TypeRegistry"):
        CodecOptions(type_registry=[DecimalCodec()])


def test_codec_classes_are_abstract_until_they_name_their_types():
    class NoType(TypeEncoder):
        def transform_python(self, value: Any) -> Any:
            return value

    class NoTransform(TypeDecoder):
        bson_type = str

    for incomplete in (NoType, NoTransform, TypeCodec):
        with pytest.raises(TypeError, match="abstract"):
            incomplete()
    assert isinstance(DecimalCodec(), TypeEncoder) and isinstance(DecimalCodec(), TypeDecoder)


def test_registry_is_immutable_comparable_and_picklable():
    codec = DecimalCodec()
    registry = TypeRegistry([codec], fallback_encoder=str)
    with pytest.raises(AttributeError, match="immutable"):
        registry._fallback_encoder = repr
    assert registry == TypeRegistry([codec], str)
    assert registry != TypeRegistry([codec])
    assert registry != TypeRegistry([DecimalCodec()], str)  # other instances, other transforms
    assert hash(registry) == hash(TypeRegistry([codec], str))
    assert registry.type_codecs == (codec,) and registry.fallback_encoder is str
    assert repr(registry) == f"TypeRegistry(type_codecs=[{codec!r}], fallback_encoder={str!r})"
    for other in (pickle.loads(pickle.dumps(TypeRegistry([FunctionDecoder(str, str)], str))),
                  copy.deepcopy(registry)):
        assert type(other) is TypeRegistry and other.fallback_encoder is str


def test_type_codecs_can_be_any_iterable():
    registry = TypeRegistry(codec for codec in [DecimalCodec()])
    assert len(registry.type_codecs) == 1
    assert TypeRegistry() == TypeRegistry(None, None) == TypeRegistry([])
