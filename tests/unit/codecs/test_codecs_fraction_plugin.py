"""The example third-party plugin (plugins/mongofw-fraction-codec) through a plugin
manager and the bson codec; the real-server round trip lives in tests/plugins."""
from __future__ import annotations

import importlib.util
import sys
from collections import OrderedDict
from fractions import Fraction
from pathlib import Path

import pytest

import bson
from bson import json_util
from bson.codec_options import TypeCodec
from bson.dbref import DBRef
from bson.son import SON
from mongofw.codecs import default_codec_options, default_plugin
from mongofw.plugin_manager import Plugins, create_plugin_manager

_PLUGIN_FILE = (Path(__file__).resolve().parents[3] / "plugins" / "mongofw-fraction-codec"
                / "src" / "mongofw_fraction_codec" / "plugin.py")


def _load_plugin():
    # Load from the source tree without installing it or touching sys.path.
    name = "mongofw_fraction_codec_under_test"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _PLUGIN_FILE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def options():
    pm = create_plugin_manager(entry_points=[], plugins=[
        ("default_codecs", default_plugin), ("fraction_codec", _load_plugin())])
    return default_codec_options(Plugins(pm))


def test_the_plugin_contributes_standard_codecs(options):
    plugin = _load_plugin()
    codecs = [codec for codec in options.type_registry.type_codecs
              if type(codec).__module__ == plugin.__name__]
    assert [type(codec).__name__ for codec in codecs] == ["FractionCodec", "FractionSONDecoder"]
    assert isinstance(codecs[0], TypeCodec)
    assert (codecs[0].python_type, codecs[0].bson_type, codecs[1].bson_type) == (
        Fraction, dict, SON)


def test_fraction_encodes_as_marker_document(options):
    encoded = bson.BSON.encode({"f": Fraction(3, 4)}, codec_options=options)
    assert encoded == bson.BSON.encode({"f": {"__fraction__": "3/4"}})


@pytest.mark.parametrize("value", [Fraction(3, 4), Fraction(-7, 3), Fraction(0),
                                   Fraction(2 ** 100 + 1, 3 ** 70)])
def test_fraction_round_trips(options, value):
    doc = {"f": value, "nested": {"list": [value, 1]}}
    assert bson.BSON.encode(doc, codec_options=options).decode(options) == doc


def test_fraction_documents_pass_check_keys(options):
    encoded = bson.BSON.encode({"f": Fraction(1, 3)}, check_keys=True, codec_options=options)
    assert encoded.decode(options) == {"f": Fraction(1, 3)}


def test_lookalike_documents_are_left_alone(options):
    doc = {"a": {"__fraction__": "not a fraction"}, "b": {"__fraction__": "1/2", "x": 1}}
    assert bson.BSON.encode(doc).decode(options) == doc


def test_son_document_class_still_decodes_fractions(options):
    son_options = options.with_options(document_class=SON)
    decoded = bson.BSON.encode({"f": Fraction(1, 2)}, codec_options=son_options).decode(
        son_options)
    assert decoded == SON([("f", Fraction(1, 2))])


def test_without_the_plugin_fractions_are_rejected():
    with pytest.raises(bson.InvalidDocument, match="Fraction"):
        bson.BSON.encode({"f": Fraction(1, 2)})


def test_without_the_plugin_the_marker_document_stays_a_document(options):
    encoded = bson.BSON.encode({"f": Fraction(5, 2)}, codec_options=options)
    assert encoded.decode() == {"f": {"__fraction__": "5/2"}}
    assert json_util.loads(json_util.dumps(encoded.decode())) == {"f": {"__fraction__": "5/2"}}


def test_dbrefs_still_decode_with_a_marker_codec(options):
    doc = {"r": {"$ref": "c", "$id": 1}, "l": [{"$ref": "c", "$id": 2}]}
    assert bson.BSON.encode(doc).decode(options) == {"r": DBRef("c", 1), "l": [DBRef("c", 2)]}


def test_other_document_classes_keep_the_marker_document(options):
    ordered = options.with_options(document_class=OrderedDict)
    encoded = bson.BSON.encode({"f": Fraction(1, 2)}, codec_options=ordered)
    assert encoded.decode(ordered) == OrderedDict(f=OrderedDict(__fraction__="1/2"))


def test_json_util_dumps_through_the_type_registry(options):
    """json_util applies type encoders (as BSON encoding does), not decoders."""
    json_options = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL,
                                         type_registry=options.type_registry)
    text = json_util.dumps({"f": Fraction(2, 3)}, json_options=json_options)
    assert text == '{"f": {"__fraction__": "2/3"}}'
    assert json_util.loads(text, json_options=json_options) == {"f": {"__fraction__": "2/3"}}
