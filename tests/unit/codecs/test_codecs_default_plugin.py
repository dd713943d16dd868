"""The default codec plugin and default_codec_options, through a real plugin manager."""
from __future__ import annotations

import decimal
import uuid

import pytest

import bson
from bson.binary import (
    CSHARP_LEGACY,
    JAVA_LEGACY,
    PYTHON_LEGACY,
    STANDARD,
    UUID_REPRESENTATION_FUNCTIONS,
    Binary,
)
from bson.codec_options import CodecOptions, TypeCodec, TypeDecoder, TypeEncoder, TypeRegistry
from bson.decimal128 import Decimal128
from mongofw import hookimpl
from mongofw.codecs import default_codec_options, default_plugin, type_registry
from mongofw.extensions import UuidRepresentation
from mongofw.plugin_manager import PluginConflictError, Plugins, create_plugin_manager
from tests.support.type_codecs import FunctionDecoder, FunctionEncoder


def _plugins(*extra):
    pm = create_plugin_manager(entry_points=[], plugins=[("default_codecs", default_plugin),
                                                         *extra])
    return Plugins(pm)


def test_uuid_representations_are_the_four_documented_ones():
    reps = _plugins().uuid_representations()
    assert sorted(reps) == [PYTHON_LEGACY, STANDARD, JAVA_LEGACY, CSHARP_LEGACY]
    assert all(isinstance(rep, UuidRepresentation) for rep in reps.values())
    assert {rep.name for rep in reps.values()} == {
        "PYTHON_LEGACY", "STANDARD", "JAVA_LEGACY", "CSHARP_LEGACY"}


def test_uuid_representations_reference_bsons_functions():
    """The plugin publishes bson's conversion functions, not copies of them."""
    for code, rep in _plugins().uuid_representations().items():
        name, subtype, to_binary, from_binary = UUID_REPRESENTATION_FUNCTIONS[code]
        assert (rep.name, rep.subtype) == (name, subtype)
        assert rep.to_binary is to_binary
        assert rep.from_binary is from_binary


@pytest.mark.parametrize("code", [PYTHON_LEGACY, STANDARD, JAVA_LEGACY, CSHARP_LEGACY])
def test_plugin_options_encode_uuid_like_plain_bson(code):
    value = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    options = default_codec_options(_plugins(), uuid_representation=code)
    plain = CodecOptions(uuid_representation=code)
    encoded = bson.BSON.encode({"u": value}, codec_options=options)
    assert encoded == bson.BSON.encode({"u": value}, codec_options=plain)
    assert encoded.decode(options) == {"u": value}


def test_java_legacy_byte_order():
    value = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    options = default_codec_options(_plugins(), uuid_representation=JAVA_LEGACY)
    encoded = bson.BSON.encode({"u": value}, codec_options=options)
    assert encoded[-17:-1] == bytes.fromhex("7766554433221100ffeeddccbbaa9988")


def test_decimal_codec_encodes_decimal128():
    options = default_codec_options(_plugins())
    encoded = bson.BSON.encode({"d": decimal.Decimal("1.25")}, codec_options=options)
    assert encoded == bson.BSON.encode({"d": Decimal128("1.25")})
    assert encoded.decode(options) == {"d": Decimal128("1.25")}


def test_plain_bson_still_rejects_decimal():
    with pytest.raises(bson.InvalidDocument, match="cannot encode object"):
        bson.BSON.encode({"d": decimal.Decimal("1.25")})


def test_default_codec_options_passes_fields_and_rejects_type_registry():
    options = default_codec_options(_plugins(), tz_aware=True, document_class=bson.SON)
    assert options.tz_aware is True
    assert options.document_class is bson.SON
    assert isinstance(options.type_registry, TypeRegistry)
    with pytest.raises(TypeError, match="do not pass type_registry"):
        default_codec_options(_plugins(), type_registry=TypeRegistry())


class _CountingPlugin:
    """A plugin whose hook counts its calls, to prove resolution happens once."""

    def __init__(self):
        self.calls = 0

    @hookimpl
    def mongofw_type_codecs(self):
        self.calls += 1
        return [FunctionEncoder(complex, lambda c: [c.real, c.imag])]


def test_encoding_a_large_document_never_calls_a_hook():
    counting = _CountingPlugin()
    plugins = _plugins(("counting", counting))
    options = default_codec_options(plugins)
    assert counting.calls == 1
    doc = {f"k{i}": complex(i, 1) for i in range(10_000)}
    data = bson.BSON.encode(doc, codec_options=options)
    assert data.decode(options)["k9999"] == [9999.0, 1.0]
    default_codec_options(plugins)  # the Plugins object caches the merged registry
    assert counting.calls == 1


class DecimalCodec(TypeCodec):
    """The PyMongo 3.8 documentation's example codec, as a user writes it."""

    python_type = decimal.Decimal
    bson_type = Decimal128

    def transform_python(self, value):
        return Decimal128(value)

    def transform_bson(self, value):
        return value.to_decimal()


class _Returning:
    """A plugin whose hook returns the given codecs."""

    def __init__(self, *codecs):
        self.codecs = list(codecs)

    @hookimpl
    def mongofw_type_codecs(self):
        return self.codecs


def test_the_default_decimal_encoder_is_a_standard_type_encoder():
    (codec,) = _plugins().type_codecs()
    assert isinstance(codec, TypeEncoder) and not isinstance(codec, TypeDecoder)
    assert codec.python_type is decimal.Decimal
    assert codec.transform_python(decimal.Decimal("2.5")) == Decimal128("2.5")


def test_another_plugins_codec_replaces_a_default_plugins_codec_for_its_type():
    options = default_codec_options(_plugins(("decimals", _Returning(DecimalCodec()))))
    data = bson.encode({"d": decimal.Decimal("1.25")}, codec_options=options)
    assert bson.decode(data) == {"d": Decimal128("1.25")}
    assert bson.decode(data, codec_options=options) == {"d": decimal.Decimal("1.25")}


@pytest.mark.parametrize("first,second,claim", [
    (DecimalCodec(), FunctionEncoder(decimal.Decimal, str), "Python type <class 'decimal"),
    (FunctionDecoder(Binary, bytes), FunctionDecoder(Binary, len), "BSON type <class 'bson"),
])
def test_two_plugins_claiming_one_type_name_both(first, second, claim):
    plugins = _plugins(("one", _Returning(first)), ("two", _Returning(second)))
    with pytest.raises(PluginConflictError, match=f"{claim}.*plugin 'one'.*plugin 'two'"):
        type_registry(plugins)


def test_within_one_plugin_the_later_codec_for_a_type_prevails():
    plugins = _plugins(("one", _Returning(FunctionDecoder(int, str),
                                          FunctionDecoder(int, lambda v: v * 10))))
    options = default_codec_options(plugins)
    assert bson.decode(bson.encode({"i": 2}), codec_options=options) == {"i": 20}


def test_an_unusable_codec_names_its_plugin():
    with pytest.raises(TypeError, match="plugin 'odd' returned an unusable codec: .*TypeEnc"):
        type_registry(_plugins(("odd", _Returning("not a codec"))))
    with pytest.raises(TypeError, match="plugin 'odd' returned .*BSON encodes natively"):
        type_registry(_plugins(("odd", _Returning(FunctionEncoder(str, str)))))


def test_a_conflict_fails_client_construction(monkeypatch):
    from mongofw.client import client_setup
    from pymongo import MongoClient

    plugins = _plugins(("one", _Returning(FunctionDecoder(Binary, bytes))),
                       ("two", _Returning(FunctionDecoder(Binary, len))))
    monkeypatch.setattr(client_setup, "_load_plugins", lambda: plugins)
    with pytest.raises(PluginConflictError, match="plugin 'one'.*plugin 'two'"):
        MongoClient("mongodb://127.0.0.1:1/", connect=False)


def test_a_plugin_uuid_representation_is_selectable():
    class Reversed:
        @hookimpl
        def mongofw_uuid_representations(self):
            return [UuidRepresentation(code=100, name="REVERSED", subtype=3,
                                       to_binary=lambda u: u.bytes[::-1],
                                       from_binary=lambda b: uuid.UUID(bytes=bytes(b)[::-1]))]

    options = default_codec_options(_plugins(("reversed", Reversed())), uuid_representation=100)
    value = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    encoded = bson.BSON.encode({"u": value}, codec_options=options)
    assert encoded[-17:-1] == value.bytes[::-1]
    assert encoded.decode(options) == {"u": value}
    assert "uuid_representation=REVERSED" in repr(options)
    with pytest.raises(ValueError, match="uuid_representation must be"):
        CodecOptions(uuid_representation=100)
