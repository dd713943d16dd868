"""bson.objectid.ObjectId's accepted arguments and the errors 3.4 raised."""
from __future__ import annotations

import datetime

import pytest

from bson.errors import InvalidId
from bson.objectid import ObjectId
from bson.tz_util import utc


def test_bytearray_is_a_type_error():
    with pytest.raises(TypeError, match="id must be an instance of"):
        ObjectId(bytearray(12))


@pytest.mark.parametrize("data", [b"x" * 11, b"0" * 24])
def test_bytes_of_the_wrong_length_raise_both_invalid_id_and_type_error(data):
    """Documented as InvalidId; 3.4 on Python 3 raised TypeError.  Either catches it."""
    with pytest.raises(InvalidId):
        ObjectId(data)
    with pytest.raises(TypeError):
        ObjectId(data)
    assert ObjectId.is_valid(data) is False


def test_difference_timestamps_are_unsigned():
    """3.4 packed and read the time signed: from_datetime failed with struct.error after
    2038 and generation_time went back to 1901.  Ours reads and writes the unsigned
    32-bit seconds the ObjectId layout defines."""
    late = ObjectId.from_datetime(datetime.datetime(2100, 1, 1))
    assert str(late) == "f48657000000000000000000"
    assert late.generation_time == datetime.datetime(2100, 1, 1, tzinfo=utc)
    assert ObjectId("ffffffff0000000000000000").generation_time == datetime.datetime(
        2106, 2, 7, 6, 28, 15, tzinfo=utc)  # 3.4: 1969-12-31 23:59:59
