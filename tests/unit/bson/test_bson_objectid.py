"""ObjectId: generation, validation, from_datetime, ordering, pickling old and new."""
from __future__ import annotations

import copy
import datetime
import pickle
import time

import pytest

from bson.errors import InvalidId
from bson.objectid import ObjectId
from bson.tz_util import FixedOffset, utc


def test_documented_examples():
    assert repr(ObjectId(b"foo-bar-quux")) == "ObjectId('666f6f2d6261722d71757578')"
    assert repr(ObjectId("0123456789ab0123456789ab")) == "ObjectId('0123456789ab0123456789ab')"
    o = ObjectId()
    assert o == ObjectId(str(o))


def test_new_ids_are_unique_and_increasing_within_a_second():
    ids = [ObjectId() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(len(o.binary) == 12 for o in ids)
    now = int(time.time())
    assert abs(int.from_bytes(ids[0].binary[:4], "big") - now) <= 2


def test_copy_constructor_and_bytes():
    o = ObjectId()
    assert ObjectId(o) == o
    assert ObjectId(o.binary) == o
    with pytest.raises(TypeError):
        ObjectId(bytearray(o.binary))  # PyMongo 3.4 took bytes only


@pytest.mark.parametrize("bad", ["", "0123456789ab0123456789a", "0123456789ab0123456789abc",
                                 "0123456789ab0123456789ag", " 123456789ab0123456789ab",
                                 b"short", b"thirteen byte"])
def test_invalid_ids_raise_invalid_id(bad):
    with pytest.raises(InvalidId, match="is not a valid ObjectId"):
        ObjectId(bad)
    assert ObjectId.is_valid(bad) is False


@pytest.mark.parametrize("bad", [12, 1.5, [], object()])
def test_wrong_types_raise_type_error(bad):
    with pytest.raises(TypeError, match="id must be an instance of"):
        ObjectId(bad)
    assert ObjectId.is_valid(bad) is False


def test_is_valid():
    assert ObjectId.is_valid("0123456789ab0123456789ab") is True
    assert ObjectId.is_valid(b"foo-bar-quux") is True
    assert ObjectId.is_valid(ObjectId()) is True
    assert ObjectId.is_valid(None) is False


def test_generation_time_and_from_datetime():
    gen = datetime.datetime(2010, 1, 1)
    dummy = ObjectId.from_datetime(gen)
    assert dummy.binary[4:] == b"\x00" * 8
    assert dummy.generation_time == gen.replace(tzinfo=utc)
    aware = datetime.datetime(2010, 1, 1, 1, tzinfo=FixedOffset(60, "+1"))
    assert ObjectId.from_datetime(aware) == dummy
    assert ObjectId().generation_time.tzinfo is utc


def test_ordering_and_hash():
    low, high = ObjectId("000000000000000000000001"), ObjectId("000000000000000000000002")
    assert low < high and low <= high and high > low and high >= low and low != high
    assert hash(low) == hash(ObjectId(low.binary))
    assert (low == "000000000000000000000001") is False


def test_pickle_and_copy():
    o = ObjectId()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(o, protocol)) == o
    assert copy.copy(o) == o and copy.deepcopy(o) == o


def test_unpickles_old_forms():
    o = ObjectId("0123456789ab0123456789ab")
    legacy_dict = ObjectId.__new__(ObjectId)
    legacy_dict.__setstate__({"_ObjectId__id": o.binary})
    assert legacy_dict == o
    python2_str = ObjectId.__new__(ObjectId)
    python2_str.__setstate__(o.binary.decode("latin-1"))
    assert python2_str == o


def test_ids_made_on_many_threads_are_all_different():
    import threading

    made = []

    def make():
        made.extend(ObjectId() for _ in range(2000))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(made) == 16000 and len(set(made)) == 16000


def test_layout_is_time_machine_pid_counter():
    import os

    one, two = ObjectId(), ObjectId()
    assert one.binary[4:7] == two.binary[4:7]  # the machine
    assert one.binary[7:9] == (os.getpid() & 0xFFFF).to_bytes(2, "big")
    step = int.from_bytes(two.binary[9:], "big") - int.from_bytes(one.binary[9:], "big")
    assert step % 0x1000000 == 1  # the counter wraps at three bytes


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork (POSIX)")
def test_a_forked_child_stamps_its_own_process_id():
    import os

    ObjectId()  # the parent has built its process bytes
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.write(write_end, ObjectId().binary)
        finally:
            os._exit(0)
    os.close(write_end)
    child_id = os.read(read_end, 12)
    os.close(read_end)
    os.waitpid(pid, 0)
    assert child_id[7:9] == (pid & 0xFFFF).to_bytes(2, "big")
    assert ObjectId().binary[7:9] == (os.getpid() & 0xFFFF).to_bytes(2, "big")
