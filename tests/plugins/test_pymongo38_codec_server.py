"""The mongofw-pymongo38-codec example plugin: a codec written for PyMongo 3.8, installed
as a plugin, round-trips IPv4 addresses through the real server."""
from __future__ import annotations

from ipaddress import IPv4Address

from mongofw_pymongo38_codec.codec import IPV4_SUBTYPE, IPv4AddressCodec

from bson.binary import Binary
from bson.codec_options import CodecOptions, TypeCodec, TypeRegistry
from bson.raw_bson import RawBSONDocument
from mongofw.plugin_manager import get_plugins

ADDRESS = IPv4Address("192.0.2.17")


def test_the_codec_is_plain_pymongo_38_code():
    assert IPv4AddressCodec.__mro__[1] is TypeCodec
    assert (IPv4AddressCodec.python_type, IPv4AddressCodec.bson_type) == (IPv4Address, Binary)
    assert any(type(codec) is IPv4AddressCodec for codec in get_plugins().type_codecs())


def test_an_address_survives_insert_and_find_through_the_plugin(db):
    doc = {"host": ADDRESS, "peers": [IPv4Address("10.0.0.1"), {"gw": ADDRESS}]}
    db.hosts.insert_one(doc)
    found = db.hosts.find_one({"_id": doc["_id"]})
    assert found["host"] == ADDRESS and type(found["host"]) is IPv4Address
    assert found["peers"] == [IPv4Address("10.0.0.1"), {"gw": ADDRESS}]
    # The filter goes through the same codec: equality on the stored binary.
    assert db.hosts.find_one({"host": ADDRESS})["_id"] == doc["_id"]


def test_the_server_stores_a_user_defined_binary(db):
    db.hosts.insert_one({"_id": 1, "host": ADDRESS, "other": Binary(b"\x01\x02", 0x84)})
    raw = db.hosts.with_options(
        codec_options=CodecOptions(document_class=RawBSONDocument)).find_one({"_id": 1})
    assert raw.raw == bytes.fromhex("2b000000" "105f69640001000000"
                                    "05686f737400" "0400000084" + ADDRESS.packed.hex()
                                    + "056f7468657200" "0200000084" "0102" "00")
    # Another Binary of the subtype but not 4 bytes stays a Binary.
    assert db.hosts.find_one({"_id": 1})["other"] == Binary(b"\x01\x02", IPV4_SUBTYPE)


def test_the_same_instance_works_in_a_registry_of_its_own(db):
    """As a PyMongo 3.8 user would use it, without the plugin manager."""
    options = CodecOptions(type_registry=TypeRegistry([IPv4AddressCodec()]))
    collection = db.get_collection("hosts", codec_options=options)
    collection.insert_one({"_id": 2, "host": ADDRESS})
    assert collection.find_one({"_id": 2}) == {"_id": 2, "host": ADDRESS}
