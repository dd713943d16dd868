"""The ``mongofw_type_codecs`` hook: teach the codec ``fractions.Fraction``.

A Fraction is stored as ``{"__fraction__": "<numerator>/<denominator>"}``.  The text
keeps integers of any size exactly; the marker key has no ``$`` so documents holding
fractions pass ``check_keys``.  A sub-document that starts with the marker key but is
not exactly this shape is returned unchanged: it is someone's data, not a fraction.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, List, Mapping

from bson.codec_options import TypeCodec
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


FRACTION_CODEC = TypeCodec(name="fractions.Fraction", python_types=(Fraction,),
                           encode=encode_fraction, marker_key=MARKER_KEY,
                           decode=decode_fraction)


@hookimpl
def mongofw_type_codecs() -> List[TypeCodec]:
    """The Fraction codec."""
    return [FRACTION_CODEC]
