"""The ``mongofw_type_codecs`` hook: the PyMongo 3.8 codec, unchanged."""
from __future__ import annotations

from typing import List

from bson.codec_options import TypeCodec
from mongofw import hookimpl
from mongofw_pymongo38_codec.codec import IPv4AddressCodec


@hookimpl
def mongofw_type_codecs() -> List[TypeCodec]:
    """One IPv4AddressCodec instance for every client."""
    return [IPv4AddressCodec()]
