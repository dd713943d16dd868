"""bson.codec_options.CodecOptions: 3.4's validation timing and repr."""
from __future__ import annotations

import collections

import pytest

from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from bson.son import SON


def test_an_unknown_unicode_error_handler_is_accepted_at_construction():
    options = CodecOptions(unicode_decode_error_handler="bogus")
    assert options.unicode_decode_error_handler == "bogus"


@pytest.mark.parametrize("handler", [None, 1])
def test_a_non_string_unicode_error_handler_is_a_type_error(handler):
    with pytest.raises(TypeError, match="unicode_decode_error_handler must be a string"):
        CodecOptions(unicode_decode_error_handler=handler)


@pytest.mark.parametrize("document_class,shown", [
    (dict, "dict"), (SON, "<class 'bson.son.SON'>"),
    (collections.OrderedDict, "<class 'collections.OrderedDict'>"),
    (RawBSONDocument, "<class 'bson.raw_bson.RawBSONDocument'>"),
])
def test_repr_shows_the_document_class_as_3_4_did(document_class, shown):
    assert repr(CodecOptions(document_class=document_class)) == (
        f"CodecOptions(document_class={shown}, tz_aware=False, "
        "uuid_representation=PYTHON_LEGACY, unicode_decode_error_handler='strict', "
        "tzinfo=None)")


def test_difference_replace_validates_again():
    """3.4's namedtuple _replace skipped validation (CodecOptions()._replace(tz_aware=1)
    gave options the constructor refuses); ours validates, as with_options does."""
    with pytest.raises(TypeError, match="tz_aware must be True or False"):
        CodecOptions()._replace(tz_aware=1)


def test_difference_a_sixth_field_type_registry():
    """3.4's CodecOptions had five fields.  Ours has PyMongo 3.8's sixth, type_registry
    (an empty registry by default), so code unpacking five values must take the first
    five."""
    assert tuple(CodecOptions())[:5] == (dict, False, 3, "strict", None)
    assert CodecOptions._fields[5] == "type_registry" and len(CodecOptions()) == 6
