"""Write results: counts from the reply, InvalidOperation when unacknowledged."""
from __future__ import annotations

import pytest

from mongofw.errors import InvalidOperation
from pymongo.results import (
    BulkWriteResult,
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)


def test_update_result_counts_an_upsert_as_no_match():
    result = UpdateResult({"n": 1, "nModified": 0, "upserted": 7}, True)
    assert (result.matched_count, result.modified_count, result.upserted_id) == (0, 0, 7)


def test_update_result_of_a_plain_update():
    result = UpdateResult({"n": 3, "nModified": 2}, True)
    assert (result.matched_count, result.modified_count, result.upserted_id) == (3, 2, None)


@pytest.mark.parametrize("result,attribute", [
    (UpdateResult({}, False), "matched_count"),
    (UpdateResult({}, False), "modified_count"),
    (UpdateResult({}, False), "upserted_id"),
    (DeleteResult({}, False), "deleted_count"),
    (BulkWriteResult({}, False), "inserted_count"),
    (BulkWriteResult({}, False), "upserted_ids"),
])
def test_unacknowledged_results_raise_invalid_operation(result, attribute):
    with pytest.raises(InvalidOperation, match=f"{attribute} is not available"):
        getattr(result, attribute)


def test_inserted_ids_are_known_even_when_unacknowledged():
    assert InsertOneResult(5, False).inserted_id == 5
    assert InsertManyResult([1, 2], False).inserted_ids == [1, 2]


def test_bulk_result_reads_the_bulk_api_document():
    raw = {"nInserted": 2, "nMatched": 3, "nModified": 1, "nRemoved": 4, "nUpserted": 1,
           "upserted": [{"index": 5, "_id": "x"}]}
    result = BulkWriteResult(raw, True)
    assert (result.inserted_count, result.matched_count, result.modified_count,
            result.deleted_count, result.upserted_count, result.upserted_ids) == \
        (2, 3, 1, 4, 1, {5: "x"})
    assert result.bulk_api_result is raw


def test_repr_names_the_raw_result_and_acknowledgement():
    assert repr(DeleteResult({"n": 1}, True)) == \
        "DeleteResult(raw_result={'n': 1}, acknowledged=True)"
