"""UuidRepresentation (3.11), Binary.from_uuid / as_uuid and the UNSPECIFIED
representation; run with both codecs (the suite's MONGOFW_NO_C=1 pass)."""
from __future__ import annotations

import array
import uuid

import pytest

import bson
from bson.binary import (
    ALL_UUID_REPRESENTATIONS,
    CSHARP_LEGACY,
    JAVA_LEGACY,
    PYTHON_LEGACY,
    STANDARD,
    Binary,
    UUIDLegacy,
    UuidRepresentation,
)
from bson.codec_options import CodecOptions

U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
UNSPECIFIED = CodecOptions(uuid_representation=UuidRepresentation.UNSPECIFIED)


def test_representation_values_and_module_constants():
    assert (UuidRepresentation.UNSPECIFIED, UuidRepresentation.STANDARD,
            UuidRepresentation.PYTHON_LEGACY, UuidRepresentation.JAVA_LEGACY,
            UuidRepresentation.CSHARP_LEGACY) == (0, 4, 3, 5, 6)
    assert (STANDARD, PYTHON_LEGACY, JAVA_LEGACY, CSHARP_LEGACY) == (4, 3, 5, 6)
    assert bson.UuidRepresentation is UuidRepresentation
    assert bson.codec_options.ALL_UUID_REPRESENTATIONS == ALL_UUID_REPRESENTATIONS


@pytest.mark.parametrize("representation,subtype,payload", [
    (STANDARD, 4, "00112233445566778899aabbccddeeff"),
    (PYTHON_LEGACY, 3, "00112233445566778899aabbccddeeff"),
    (JAVA_LEGACY, 3, "7766554433221100ffeeddccbbaa9988"),
    (CSHARP_LEGACY, 3, "33221100554477668899aabbccddeeff"),
])
def test_from_uuid_and_as_uuid(representation, subtype, payload):
    value = Binary.from_uuid(U, representation)
    assert (type(value), value.subtype, bytes(value).hex()) == (Binary, subtype, payload)
    assert value.as_uuid(representation) == U
    # Exactly what the encoder writes for a native UUID under that representation.
    options = CodecOptions(uuid_representation=representation)
    assert bson.encode({"u": value}) == bson.encode({"u": U}, codec_options=options)


def test_defaults_are_standard():
    assert Binary.from_uuid(U) == Binary(U.bytes, 4)
    assert Binary(U.bytes, 4).as_uuid() == U


def test_the_documented_uuid_legacy_equivalence():
    assert UUIDLegacy(U) == Binary.from_uuid(U, UuidRepresentation.PYTHON_LEGACY)
    assert UUIDLegacy(U).uuid == Binary(U.bytes, 3).as_uuid(UuidRepresentation.PYTHON_LEGACY)


def test_from_uuid_errors():
    with pytest.raises(TypeError, match="uuid must be an instance of uuid.UUID"):
        Binary.from_uuid(str(U))
    with pytest.raises(ValueError, match="UNSPECIFIED"):
        Binary.from_uuid(U, UuidRepresentation.UNSPECIFIED)
    for bad in (7, True, "STANDARD"):
        with pytest.raises(ValueError, match="must be a value from bson.binary.UuidRep"):
            Binary.from_uuid(U, bad)


@pytest.mark.parametrize("value,representation", [
    (Binary(U.bytes, 3), STANDARD),         # STANDARD reads only subtype 4
    (Binary(U.bytes, 4), PYTHON_LEGACY),    # the legacy ones read only subtype 3
    (Binary(U.bytes, 0), STANDARD),
    (Binary(U.bytes[:15], 4), STANDARD),    # 16 bytes
])
def test_as_uuid_refuses_what_is_not_that_representation(value, representation):
    with pytest.raises(ValueError, match="cannot decode"):
        value.as_uuid(representation)


def test_as_uuid_representation_errors():
    with pytest.raises(ValueError, match="UNSPECIFIED"):
        Binary(U.bytes, 4).as_uuid(UuidRepresentation.UNSPECIFIED)
    with pytest.raises(ValueError, match="must be a value from bson.binary.UuidRep"):
        Binary(U.bytes, 4).as_uuid(1)


def test_unspecified_refuses_native_uuids_when_encoding():
    with pytest.raises(ValueError, match="UNSPECIFIED: wrap it with .*Binary.from_uuid"):
        bson.encode({"u": U}, codec_options=UNSPECIFIED)
    data = bson.encode({"u": Binary.from_uuid(U)}, codec_options=UNSPECIFIED)
    assert data == bson.encode({"u": U}, codec_options=CodecOptions(uuid_representation=4))


def test_unspecified_decodes_uuid_subtypes_to_binary():
    for subtype in (3, 4):
        data = bson.encode({"u": Binary(U.bytes, subtype), "l": [Binary(U.bytes, subtype)]})
        assert bson.decode(data, codec_options=UNSPECIFIED) == {
            "u": Binary(U.bytes, subtype), "l": [Binary(U.bytes, subtype)]}
        assert bson.decode(data) == {"u": U, "l": [U]}


def test_unspecified_options_repr_and_validation():
    assert "uuid_representation=UNSPECIFIED" in repr(UNSPECIFIED)
    assert UNSPECIFIED.uuid_representation == 0
    assert CodecOptions(uuid_representation=0) == UNSPECIFIED


def test_other_representations_keep_the_34_decoding():
    """Kept from 3.4 (3.11 changed it): subtype 4 decodes to UUID whatever the
    representation, and subtype 3 decodes to UUID under STANDARD."""
    for representation in (PYTHON_LEGACY, JAVA_LEGACY, CSHARP_LEGACY):
        options = CodecOptions(uuid_representation=representation)
        assert bson.decode(bson.encode({"u": Binary(U.bytes, 4)}), options) == {"u": U}
    assert bson.decode(bson.encode({"u": Binary(U.bytes, 3)}),
                       CodecOptions(uuid_representation=STANDARD)) == {"u": U}


def test_binary_takes_any_bytes_like_data():
    """3.9: anything with the buffer protocol."""
    assert Binary(array.array("B", [1, 2, 3]), 5) == Binary(b"\x01\x02\x03", 5)
    assert Binary(memoryview(b"abcd")[1:3]) == Binary(b"bc")
    assert Binary(bytearray(b"x"), 0x80) == Binary(b"x", 0x80)
    for bad in ("text", [1, 2], 3):
        with pytest.raises(TypeError, match="data must be a bytes-like object"):
            Binary(bad)
