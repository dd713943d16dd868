"""bson.tz_util.FixedOffset: pickles and copies as in 3.4."""
from __future__ import annotations

import copy
import datetime
import pickle

from bson.codec_options import CodecOptions
from bson.tz_util import FixedOffset, utc


def test_pickle_and_copy_keep_offset_and_name():
    zone = FixedOffset(90, "x")
    for other in (pickle.loads(pickle.dumps(zone)), copy.deepcopy(zone)):
        assert other.utcoffset(None) == datetime.timedelta(minutes=90)
        assert other.tzname(None) == "x"


def test_difference_equality_by_value_and_readable_repr():
    """3.4's FixedOffset compared by identity and printed as <... object at 0x...>.
    Ours compares offset and name, so CodecOptions(tzinfo=utc) still equals itself after
    pickling, and prints what it is."""
    assert FixedOffset(60, "x") == FixedOffset(60, "x")  # 3.4: False
    assert repr(utc) == "FixedOffset(datetime.timedelta(0), 'UTC')"
    options = CodecOptions(tz_aware=True, tzinfo=utc)
    assert pickle.loads(pickle.dumps(options)) == options
