"""bson.timestamp.Timestamp: bools are ints, values kept as given, attributes allowed."""
from __future__ import annotations

from bson.int64 import Int64
from bson.timestamp import Timestamp


def test_bool_time_and_inc_are_accepted_and_kept():
    value = Timestamp(True, False)
    assert repr(value) == "Timestamp(True, False)"
    assert value.time is True and value.inc is False


def test_int64_values_are_kept():
    value = Timestamp(Int64(1), Int64(2))
    assert type(value.time) is Int64 and repr(value) == "Timestamp(1, 2)"


def test_arbitrary_attributes_can_be_set():
    value = Timestamp(1, 2)
    value.note = "x"
    assert value.note == "x"
