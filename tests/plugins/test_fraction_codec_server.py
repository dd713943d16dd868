"""The example codec plugin round-trips ``fractions.Fraction`` through the real server."""
from __future__ import annotations

from fractions import Fraction

from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument


def test_a_fraction_survives_insert_and_find_through_the_plugin(db):
    doc = {"ratio": Fraction(22, 7), "nested": {"parts": [Fraction(-1, 3), 2]}}
    db.fractions.insert_one(doc)
    found = db.fractions.find_one({"_id": doc["_id"]})
    assert found["ratio"] == Fraction(22, 7) and isinstance(found["ratio"], Fraction)
    assert found["nested"]["parts"] == [Fraction(-1, 3), 2]


def test_the_server_stores_the_plugins_marker_document(db):
    db.fractions.insert_one({"_id": 1, "ratio": Fraction(3, 4)})
    raw = db.fractions.with_options(
        codec_options=CodecOptions(document_class=RawBSONDocument)).find_one({"_id": 1})
    assert b"__fraction__" in raw.raw
    # The server can query the stored form: the marker is an ordinary sub-document.
    assert db.fractions.find_one({"ratio.__fraction__": "3/4"})["_id"] == 1
