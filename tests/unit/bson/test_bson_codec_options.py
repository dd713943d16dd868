"""CodecOptions: the documented namedtuple shape, validation and its type_registry."""
from __future__ import annotations

import collections
import copy
import pickle

import pytest

from bson.binary import JAVA_LEGACY, PYTHON_LEGACY
from bson.codec_options import DEFAULT_CODEC_OPTIONS, CodecOptions, TypeRegistry
from bson.raw_bson import RawBSONDocument
from bson.son import SON
from bson.tz_util import utc


def test_defaults_and_repr():
    options = CodecOptions()
    assert tuple(options) == (dict, False, PYTHON_LEGACY, "strict", None, TypeRegistry())
    assert repr(options) == (
        "CodecOptions(document_class=dict, tz_aware=False, uuid_representation=PYTHON_LEGACY, "
        "unicode_decode_error_handler='strict', tzinfo=None)")
    assert options == DEFAULT_CODEC_OPTIONS


def test_namedtuple_shape_is_kept():
    options = CodecOptions(SON, True, JAVA_LEGACY, "replace", utc)
    document_class, tz_aware, rep, handler, tzinfo, registry = options
    assert (document_class, tz_aware, rep, handler, tzinfo, registry) == (
        SON, True, JAVA_LEGACY, "replace", utc, TypeRegistry())
    assert options._replace(tz_aware=True) == options
    assert options._asdict()["document_class"] is SON


def test_with_options_revalidates():
    options = CodecOptions(tz_aware=True, tzinfo=utc)
    assert options.with_options(document_class=SON).document_class is SON
    with pytest.raises(ValueError, match="cannot specify tzinfo without"):
        options.with_options(tz_aware=False)
    with pytest.raises(ValueError, match="unexpected field names"):
        options.with_options(nope=1)


@pytest.mark.parametrize("kwargs,error,message", [
    ({"document_class": list}, TypeError, "document_class must be"),
    ({"tz_aware": 1}, TypeError, "tz_aware must be True or False"),
    ({"uuid_representation": 7}, ValueError, "uuid_representation must be"),
    ({"unicode_decode_error_handler": 1}, TypeError, "must be a string"),
    ({"tzinfo": utc}, ValueError, "cannot specify tzinfo without"),
    ({"tz_aware": True, "tzinfo": "UTC"}, TypeError, "tzinfo must be"),
    ({"type_registry": {}}, TypeError, "type_registry must be"),
])
def test_bad_options(kwargs, error, message):
    with pytest.raises(error, match=message):
        CodecOptions(**kwargs)


def test_document_classes_accepted():
    for cls in (dict, SON, collections.OrderedDict, RawBSONDocument):
        assert CodecOptions(document_class=cls).document_class is cls


def test_immutable_pickle_and_copy():
    options = CodecOptions(document_class=SON, tz_aware=True, tzinfo=utc)
    with pytest.raises(AttributeError):
        options.tz_aware = False
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(options, protocol)) == options
    assert copy.copy(options) == options and copy.deepcopy(options) == options


def test_type_registry_defaults_to_an_empty_registry():
    """3.8: the attribute is always a TypeRegistry; None and an empty one are the same."""
    assert isinstance(CodecOptions().type_registry, TypeRegistry)
    assert CodecOptions().type_registry == TypeRegistry()
    assert CodecOptions(type_registry=TypeRegistry()) == CodecOptions(type_registry=None)
    assert hash(CodecOptions(type_registry=TypeRegistry())) == hash(CodecOptions())


def test_repr_shows_a_registry_only_when_it_holds_something():
    registry = TypeRegistry(fallback_encoder=str)
    assert repr(CodecOptions(type_registry=registry)) == (
        "CodecOptions(document_class=dict, tz_aware=False, uuid_representation=PYTHON_LEGACY, "
        "unicode_decode_error_handler='strict', tzinfo=None, "
        f"type_registry=TypeRegistry(type_codecs=[], fallback_encoder={str!r}))")


def test_uuid_representation_none_means_the_default():
    """3.13 documents ``uuid_representation=None``: the 3.x default, PYTHON_LEGACY."""
    assert CodecOptions(uuid_representation=None) == CodecOptions()
    assert CodecOptions()._replace(uuid_representation=None).uuid_representation == \
        PYTHON_LEGACY
