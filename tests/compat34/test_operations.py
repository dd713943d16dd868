"""pymongo.operations as PyMongo 3.4's: documents checked at bulk_write, 3.4's
IndexModel document."""
from __future__ import annotations

import pytest

from pymongo.operations import IndexModel, InsertOne, ReplaceOne, UpdateOne


def test_operations_with_bad_documents_can_be_built():
    assert repr(UpdateOne({}, {})) == "UpdateOne({}, {}, False)"
    assert repr(ReplaceOne({}, {"$set": {}})) == "ReplaceOne({}, {'$set': {}}, False)"
    assert repr(InsertOne(1)) == "InsertOne(1)"
    assert UpdateOne({}, {"a": 1}) == UpdateOne({}, {"a": 1})


def test_filter_and_upsert_are_checked_when_built():
    with pytest.raises(TypeError):
        UpdateOne(1, {"$set": {}})
    with pytest.raises(TypeError):
        UpdateOne({}, {"$set": {}}, upsert=1)


def test_index_model_document_is_3_4s_dict():
    model = IndexModel([("a", 1)], name="x", unique=True)
    assert type(model.document) is dict
    assert list(model.document) == ["name", "unique", "key"]
    assert list(IndexModel("a", sparse=True).document) == ["sparse", "name", "key"]


def test_difference_index_model_name_must_be_a_string():
    """3.4 sent any name to the server, which refused a non-string one."""
    with pytest.raises(TypeError, match="name must be an instance of str"):
        IndexModel("a", name=5)
