"""Change streams against a real replica set (FerretDB 1.24 has none)."""
from __future__ import annotations

import pytest

from pymongo.errors import OperationFailure
from tests.support.server_gaps import against_ferretdb, requires


@requires("change streams")
def test_a_collection_stream_sees_an_insert_and_resumes_from_its_token(db):
    with db.c.watch(max_await_time_ms=1000) as stream:
        db.c.insert_one({"_id": 1})
        change = next(stream)
        token = stream.resume_token
    assert change["operationType"] == "insert" and change["documentKey"] == {"_id": 1}
    db.c.insert_one({"_id": 2})
    with db.c.watch(resume_after=token, max_await_time_ms=1000) as stream:
        assert next(stream)["documentKey"] == {"_id": 2}


def test_the_server_s_refusal_of_a_change_stream_is_an_operation_failure(db):
    if not against_ferretdb():
        pytest.skip("a real replica set supports change streams: the test above runs")
    with pytest.raises(OperationFailure, match="changeStream"):
        db.c.watch()
