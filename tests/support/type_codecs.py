"""Standard type codecs built from functions, for tests that need one in a line."""
from __future__ import annotations

from typing import Any, Callable

from bson.codec_options import TypeCodec, TypeDecoder, TypeEncoder


class FunctionEncoder(TypeEncoder):
    """Encodes exactly ``python_type`` with ``transform``."""

    def __init__(self, python_type: type, transform: Callable[[Any], Any]) -> None:
        self._python_type = python_type
        self._transform = transform

    @property
    def python_type(self) -> type:
        return self._python_type

    def transform_python(self, value: Any) -> Any:
        return self._transform(value)


class FunctionDecoder(TypeDecoder):
    """Decodes values of exactly ``bson_type`` with ``transform``."""

    def __init__(self, bson_type: type, transform: Callable[[Any], Any]) -> None:
        self._bson_type = bson_type
        self._transform = transform

    @property
    def bson_type(self) -> type:
        return self._bson_type

    def transform_bson(self, value: Any) -> Any:
        return self._transform(value)


class FunctionCodec(TypeCodec):
    """Both of the above in one codec."""

    def __init__(self, python_type: type, encode: Callable[[Any], Any], bson_type: type,
                 decode: Callable[[Any], Any]) -> None:
        self._python_type, self._encode = python_type, encode
        self._bson_type, self._decode = bson_type, decode

    @property
    def python_type(self) -> type:
        return self._python_type

    @property
    def bson_type(self) -> type:
        return self._bson_type

    def transform_python(self, value: Any) -> Any:
        return self._encode(value)

    def transform_bson(self, value: Any) -> Any:
        return self._decode(value)
