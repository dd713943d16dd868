"""pymongo.results as PyMongo 3.4's."""
from __future__ import annotations

import pytest

from pymongo.errors import InvalidOperation
from pymongo.results import BulkWriteResult, DeleteResult, InsertOneResult, UpdateResult


def test_bulk_counts_missing_from_the_result_are_none():
    result = BulkWriteResult({}, True)
    assert (result.inserted_count, result.matched_count, result.modified_count,
            result.deleted_count, result.upserted_count) == (None, None, None, None, None)
    assert result.upserted_ids is None


def test_upserted_ids_by_index():
    result = BulkWriteResult({"nUpserted": 1, "upserted": [{"index": 2, "_id": 7}]}, True)
    assert result.upserted_ids == {2: 7}


def test_unacknowledged_results_refuse_their_counts():
    with pytest.raises(InvalidOperation, match="not available when the write is "
                                               "unacknowledged"):
        UpdateResult({"n": 1}, False).matched_count  # noqa: B018
    assert InsertOneResult(5, False).inserted_id == 5


def test_results_take_attributes():
    result = DeleteResult({"n": 1}, True)
    result.note = 1
    assert result.note == 1 and result.deleted_count == 1


def test_difference_results_have_a_readable_repr():
    """3.4's results and IndexModel printed as <pymongo.results.X object at 0x...>."""
    from pymongo.operations import IndexModel
    assert repr(DeleteResult({"n": 1}, True)) == (
        "DeleteResult(raw_result={'n': 1}, acknowledged=True)")
    assert repr(IndexModel("a")) == "IndexModel({'name': 'a_1', 'key': SON([('a', 1)])})"
