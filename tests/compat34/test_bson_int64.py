"""bson.int64.Int64 prints as the int it is and takes attributes, as in 3.4."""
from __future__ import annotations

import pickle

from bson.int64 import Int64


def test_repr_and_str_are_the_int_text():
    assert repr(Int64(5)) == "5" and str(Int64(5)) == "5" and f"{Int64(5)}" == "5"


def test_attributes_can_be_set():
    value = Int64(5)
    value.note = 1
    assert value.note == 1


def test_pickle_keeps_the_type():
    assert type(pickle.loads(pickle.dumps(Int64(5)))) is Int64
