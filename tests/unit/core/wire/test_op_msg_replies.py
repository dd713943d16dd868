"""Decoding OP_MSG replies: every malformed body is a ProtocolError, never a struct error."""
from __future__ import annotations

import struct

import pytest

import bson
from bson.codec_options import DEFAULT_CODEC_OPTIONS as OPTS
from mongofw.core.wire import message
from mongofw.errors import ProtocolError

_DOC = bson.BSON.encode({"ok": 1.0, "n": 3})


def _body(flags: int, kind: int = 0, doc: bytes = _DOC, tail: bytes = b"") -> memoryview:
    return memoryview(struct.pack("<IB", flags, kind) + doc + tail)


def test_a_reply_decodes_to_its_flags_and_body_document():
    flags, docs = message.parse_op_msg(_body(0), OPTS)
    assert (flags, docs) == (0, [{"ok": 1.0, "n": 3}])


def test_a_trailing_checksum_is_not_read_as_part_of_the_body():
    flags, docs = message.parse_op_msg(_body(message.MSG_CHECKSUM_PRESENT, tail=b"\x01\x02\x03\x04"), OPTS)
    assert flags == message.MSG_CHECKSUM_PRESENT and docs == [{"ok": 1.0, "n": 3}]


@pytest.mark.parametrize("data, says", [
    (b"", "too short"),
    (b"\x00\x00\x00\x00\x00", "too short"),  # flags and kind, no document size
    (b"\x00\x00\x00\x00\x00\x05\x00", "too short"),
    (bytes(_body(1 << 5)), "unsupported OP_MSG flag bits"),
    (bytes(_body(0, kind=1)), "kind-0 section"),
    (bytes(_body(0))[:-2], "does not fit"),
    # With the checksum flag the last four bytes are the checksum, not the document.
    (bytes(_body(message.MSG_CHECKSUM_PRESENT)), "does not fit"),
    (struct.pack("<IBi", 0, 0, 3), "does not fit"),
])
def test_malformed_replies_raise_protocol_error(data, says):
    with pytest.raises(ProtocolError, match=says):
        message.parse_op_msg(memoryview(data), OPTS)
