"""bson.dbref.DBRef takes arbitrary attributes, as 3.4's did."""
from __future__ import annotations

from bson.dbref import DBRef


def test_attributes_can_be_set_and_extra_fields_read():
    ref = DBRef("c", 1, x=2)
    ref.note = "n"
    assert ref.note == "n" and ref.x == 2
    assert ref == DBRef("c", 1, x=2)
