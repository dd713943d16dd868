"""An ``ipaddress.IPv4Address`` codec, written against PyMongo 3.8's documented API only.

Nothing here knows about mongofw: the same class goes into a PyMongo 3.8+
``TypeRegistry`` or, through :mod:`mongofw_pymongo38_codec.plugin`, into every client
mongofw builds.  An address is stored as its 4 packed bytes in a BSON binary of a
user-defined subtype, so equality queries on the stored value work.
"""
from ipaddress import IPv4Address

from bson.binary import USER_DEFINED_SUBTYPE, Binary
from bson.codec_options import TypeCodec

IPV4_SUBTYPE = USER_DEFINED_SUBTYPE + 4  # 0x84


class IPv4AddressCodec(TypeCodec):
    python_type = IPv4Address
    bson_type = Binary

    def transform_python(self, value):
        return Binary(value.packed, IPV4_SUBTYPE)

    def transform_bson(self, value):
        # Every decoded Binary comes here: only ours become addresses.
        if value.subtype == IPV4_SUBTYPE and len(value) == 4:
            return IPv4Address(bytes(value))
        return value
