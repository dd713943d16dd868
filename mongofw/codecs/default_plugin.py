"""The default codec plugin: the four documented UUID representations and a
``decimal.Decimal`` type encoder.

Registered through our own ``mongofw`` entry point (``default_codecs``), exactly as a
third-party plugin would be.  The UUID conversions are bson's own functions, referenced
here, so ``import bson`` alone and a plugin-built CodecOptions behave the same.
"""
from __future__ import annotations

import decimal
from typing import List

from bson.binary import UUID_REPRESENTATION_FUNCTIONS
from bson.codec_options import TypeEncoder
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


class DecimalEncoder(TypeEncoder):
    """``decimal.Decimal`` encodes as BSON Decimal128, exactly, or ``decimal.Inexact`` /
    ``decimal.Overflow`` is raised.  Encoding only: Decimal128 values still decode to
    :class:`bson.decimal128.Decimal128`, as without the plugin; a plugin whose codec
    decodes them (or encodes Decimal otherwise) replaces this one."""

    python_type = decimal.Decimal

    def transform_python(self, value: decimal.Decimal) -> Decimal128:
        return Decimal128(value)

    def __repr__(self) -> str:
        return "DecimalEncoder()"


@hookimpl
def mongofw_type_codecs() -> List[TypeEncoder]:
    """The ``decimal.Decimal`` encoder."""
    return [DecimalEncoder()]
