"""The ``mongofw_type_codecs`` hook: teach the codec ``fractions.Fraction``.

A Fraction is stored as ``{"__fraction__": "<numerator>/<denominator>"}``.  The text
keeps integers of any size exactly; the marker key has no ``$`` so documents holding
fractions pass ``check_keys``.  The codec is a standard ``bson.codec_options.TypeCodec``
whose ``bson_type`` is ``dict``: it sees every decoded sub-document of type ``dict`` (the
default ``document_class``) and returns one that is not exactly the marker shape
unchanged, as it is someone's data, not a fraction.  A second decoder does the same for
``SON`` sub-documents; with other document classes the marker documents stay documents.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, List, Mapping

from bson.codec_options import TypeCodec, TypeDecoder
from bson.son import SON
from mongofw import hookimpl

MARKER_KEY = "__fraction__"
_TEXT = re.compile(r"-?[0-9]+/[1-9][0-9]*")


def encode_fraction(value: Fraction) -> dict:
    """The marker sub-document for ``value``."""
    return {MARKER_KEY: f"{value.numerator}/{value.denominator}"}


def decode_fraction(doc: Mapping[str, Any]) -> Any:
    """The Fraction a marker sub-document holds, or ``doc`` itself if it is not one."""
    text = doc.get(MARKER_KEY)
    if len(doc) != 1 or not isinstance(text, str) or _TEXT.fullmatch(text) is None:
        return doc
    return Fraction(text)


class FractionCodec(TypeCodec):
    """``Fraction`` <-> ``{"__fraction__": "n/d"}``."""

    python_type = Fraction
    bson_type = dict

    def transform_python(self, value: Fraction) -> dict:
        return encode_fraction(value)

    def transform_bson(self, value: dict) -> Any:
        return decode_fraction(value)

    def __repr__(self) -> str:
        return "FractionCodec()"


class FractionSONDecoder(TypeDecoder):
    """Fractions in ``SON`` sub-documents (``document_class=SON``)."""

    bson_type = SON

    def transform_bson(self, value: SON) -> Any:
        return decode_fraction(value)

    def __repr__(self) -> str:
        return "FractionSONDecoder()"


@hookimpl
def mongofw_type_codecs() -> List[TypeDecoder]:
    """The Fraction codec and its SON decoder."""
    return [FractionCodec(), FractionSONDecoder()]
