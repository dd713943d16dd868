"""The default codec plugin: the four documented UUID representations and a
``decimal.Decimal`` type codec.

Registered through our own ``mongofw`` entry point (``default_codecs``), exactly as a
third-party plugin would be.  The UUID conversions are bson's own functions, referenced
here, so ``import bson`` alone and a plugin-built CodecOptions behave the same.
"""
from __future__ import annotations

import decimal
from typing import List

from bson.binary import UUID_REPRESENTATION_FUNCTIONS
from bson.codec_options import TypeCodec
from bson.decimal128 import Decimal128
from mongofw import hookimpl
from mongofw.extensions import UuidRepresentation


@hookimpl
def mongofw_uuid_representations() -> List[UuidRepresentation]:
    """PYTHON_LEGACY, STANDARD, JAVA_LEGACY and CSHARP_LEGACY."""
    return [UuidRepresentation(code=code, name=name, subtype=subtype, to_binary=to_binary,
                               from_binary=from_binary)
            for code, (name, subtype, to_binary, from_binary)
            in UUID_REPRESENTATION_FUNCTIONS.items()]


@hookimpl
def mongofw_type_codecs() -> List[TypeCodec]:
    """``decimal.Decimal`` encodes as BSON Decimal128 (exactly, or Inexact/Overflow is
    raised); Decimal128 values decode to :class:`bson.decimal128.Decimal128`."""
    return [TypeCodec(name="decimal.Decimal", python_types=(decimal.Decimal,),
                      encode=Decimal128)]
