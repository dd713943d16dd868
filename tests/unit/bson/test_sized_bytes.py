"""bson._cbson._SizedBytes: the compiled codec's buffer for a result of known size."""
from __future__ import annotations

import array
import os
import sys
import tracemalloc

import pytest

import bson

SizedBytes = getattr(bson._c_codec, "_SizedBytes", None)
pytestmark = pytest.mark.skipif(
    SizedBytes is None, reason="the compiled codec (bson._cbson) is not in use: MONGOFW_NO_C "
                               "or not built")


def test_pieces_are_written_in_order_and_handed_over_as_bytes():
    buffer = SizedBytes(9)
    assert buffer.write(b"abc") == 3
    assert buffer.write(memoryview(b"xdefx")[1:4]) == 3
    assert buffer.write(bytearray(b"ghi")) == 3
    assert buffer.tell() == 9
    value = buffer.getvalue()
    assert type(value) is bytes and value == b"abcdefghi"
    assert hash(value) == hash(b"abcdefghi")


def test_a_short_fill_hands_over_only_what_was_written():
    buffer = SizedBytes(100)
    buffer.write(array.array("B", [1, 2, 3]))
    assert buffer.getvalue() == b"\x01\x02\x03"
    assert SizedBytes(50).getvalue() == b""
    assert SizedBytes(0).getvalue() == b""


def test_a_large_buffer_is_written_and_read_back_whole():
    piece = bytes(range(256)) * 1024  # 256 KB; 12 of them pass the pages-committed size
    buffer = SizedBytes(12 * len(piece) + 5)
    for _ in range(12):
        buffer.write(piece)
    buffer.write(b"tail!")
    value = buffer.getvalue()
    assert len(value) == 12 * len(piece) + 5
    assert value[:len(piece)] == piece and value[-len(piece) - 5:] == piece + b"tail!"


def test_writing_past_the_size_raises_and_keeps_what_was_written():
    buffer = SizedBytes(4)
    buffer.write(b"ab")
    with pytest.raises(ValueError, match="writing 3 bytes after 2 would pass its size, 4"):
        buffer.write(b"cde")
    assert buffer.tell() == 2
    buffer.write(b"cd")
    assert buffer.getvalue() == b"abcd"


def test_the_bytes_are_handed_over_once():
    buffer = SizedBytes(3)
    buffer.write(b"abc")
    value = buffer.getvalue()
    for call in (buffer.getvalue, lambda: buffer.write(b"")):
        with pytest.raises(ValueError, match="already handed the bytes over"):
            call()
    assert value == b"abc" and sys.getrefcount(value) == 2  # ours and getrefcount's


@pytest.mark.parametrize("size, error", [(-1, ValueError), ("3", TypeError),
                                         (2 ** 80, OverflowError)])
def test_a_bad_size_is_refused(size, error):
    with pytest.raises(error):
        SizedBytes(size)


@pytest.mark.parametrize("data, error", [("text", TypeError), (memoryview(b"abcdef")[::2],
                                                               BufferError), (None, TypeError)])
def test_only_contiguous_bytes_like_objects_are_written(data, error):
    buffer = SizedBytes(10)
    with pytest.raises(error):
        buffer.write(data)
    assert buffer.tell() == 0


def test_a_written_buffer_is_released_on_success_and_on_refusal():
    source = bytearray(b"abc")
    buffer = SizedBytes(4)
    buffer.write(source)
    with pytest.raises(ValueError):
        buffer.write(source)  # 3 more would pass 4
    source.extend(b"d")  # BufferError if either write still held the export
    assert buffer.getvalue() == b"abc"


def _cycle() -> None:
    buffer = SizedBytes(64)
    buffer.write(b"x" * 40)
    try:
        buffer.write(b"y" * 40)  # past the size (pytest.raises keeps objects alive)
        refused = False
    except ValueError:
        refused = True
    assert refused
    buffer.getvalue()
    SizedBytes(32).write(b"dropped without getvalue")


@pytest.mark.skipif(bool(os.environ.get("PYTHONMALLOC")),
                    reason="with PYTHONMALLOC set (scripts/check-c-ext uses malloc) tracemalloc "
                           "counts the interpreter's own allocations too")
def test_no_memory_is_kept_per_buffer():
    for _ in range(200):
        _cycle()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(2000):
            _cycle()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert growth < 16 * 1024  # one 64-byte result kept per cycle would be 128 KB
