"""The bulk engine, the documented builders and the operation classes, with a fake socket."""
from __future__ import annotations

import pytest

from bson.objectid import ObjectId
from mongofw.client.bulk import Bulk, BulkOperationBuilder
from mongofw.client.operations import (
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)
from mongofw.errors import (
    BulkWriteError,
    ConfigurationError,
    DocumentTooLarge,
    InvalidOperation,
)
from mongofw.options.write_concern import WriteConcern
from tests.support.write_fakes import FakeCollection, FakeSocket


def _mixed(bulk):
    for op in [InsertOne({"_id": 0}), InsertOne({"_id": 1}), UpdateOne({"_id": 0}, {"$set": {}}),
               DeleteOne({"_id": 1}), InsertOne({"_id": 2}), UpdateMany({}, {"$inc": {"n": 1}}),
               DeleteMany({"_id": 9})]:
        op._add_to_bulk(bulk)


def test_ordered_bulk_sends_consecutive_runs_in_request_order():
    sock = FakeSocket()
    bulk = Bulk(FakeCollection(sock), ordered=True)
    _mixed(bulk)
    bulk.execute()
    assert [(s["ident"], len(s["statements"])) for s in sock.sent] == [
        ("documents", 2), ("updates", 1), ("deletes", 1), ("documents", 1), ("updates", 1),
        ("deletes", 1)]


def test_unordered_bulk_sends_one_run_per_kind():
    sock = FakeSocket()
    bulk = Bulk(FakeCollection(sock), ordered=False)
    _mixed(bulk)
    bulk.execute()
    assert [(s["ident"], len(s["statements"])) for s in sock.sent] == [
        ("documents", 3), ("updates", 2), ("deletes", 2)]
    assert all(s["cmd"]["ordered"] is False for s in sock.sent)


def test_unordered_errors_carry_request_indexes_sorted_and_the_failing_op():
    def reply(cmd, statements):
        if "delete" in cmd:
            return {"ok": 1.0, "n": 0, "writeErrors": [{"index": 1, "code": 2, "errmsg": "x"}]}
        if "insert" in cmd:
            return {"ok": 1.0, "n": 2, "writeErrors": [{"index": 2, "code": 11000,
                                                        "errmsg": "dup"}]}
        return {"ok": 1.0, "n": 2, "nModified": 2}

    bulk = Bulk(FakeCollection(FakeSocket(reply)), ordered=False)
    _mixed(bulk)
    with pytest.raises(BulkWriteError) as info:
        bulk.execute()
    details = info.value.details
    assert [(e["index"], e["code"]) for e in details["writeErrors"]] == [(4, 11000), (6, 2)]
    assert details["writeErrors"][0]["op"] == {"_id": 2}
    assert dict(details["writeErrors"][1]["op"]) == {"q": {"_id": 9}, "limit": 0}
    assert (details["nInserted"], details["nMatched"], details["nModified"],
            details["nRemoved"]) == (2, 2, 2, 0)
    assert str(info.value) == "batch op errors occurred"


def test_ordered_bulk_stops_after_the_run_with_an_error():
    def reply(cmd, statements):
        if "update" in cmd:
            return {"ok": 1.0, "n": 0, "nModified": 0,
                    "writeErrors": [{"index": 0, "code": 9, "errmsg": "bad update"}]}
        return {"ok": 1.0, "n": len(statements)}

    sock = FakeSocket(reply)
    bulk = Bulk(FakeCollection(sock))
    _mixed(bulk)
    with pytest.raises(BulkWriteError) as info:
        bulk.execute()
    assert [s["ident"] for s in sock.sent] == ["documents", "updates"]
    assert info.value.details["writeErrors"][0]["index"] == 2
    assert info.value.details["nInserted"] == 2


@pytest.mark.parametrize("ordered", [True, False])
def test_a_one_kind_bulk_reports_request_indexes_across_its_batches(ordered):
    # One kind only (insert_many's shape): one run, its positions are the request indexes.
    def reply(cmd, statements):
        if statements[0]["_id"] == 3:
            return {"ok": 1.0, "n": 1, "writeErrors": [{"index": 1, "code": 11000,
                                                        "errmsg": "dup"}]}
        return {"ok": 1.0, "n": len(statements)}

    sock = FakeSocket(reply, max_write_batch_size=3)
    bulk = Bulk(FakeCollection(sock), ordered=ordered)
    bulk.add_inserts([{"_id": i} for i in range(8)])
    with pytest.raises(BulkWriteError) as info:
        bulk.execute()
    details = info.value.details
    assert [(e["index"], e["op"]) for e in details["writeErrors"]] == [(4, {"_id": 4})]
    sent = [[d["_id"] for d in s["statements"]] for s in sock.sent]
    if ordered:  # stops after the batch with the error
        assert sent == [[0, 1, 2], [3, 4, 5]] and details["nInserted"] == 4
    else:
        assert sent == [[0, 1, 2], [3, 4, 5], [6, 7]] and details["nInserted"] == 6


def test_write_concern_errors_are_collected_into_bulk_write_error():
    wce = {"code": 64, "errmsg": "waiting for replication timed out"}
    bulk = Bulk(FakeCollection(FakeSocket(
        lambda cmd, st: {"ok": 1.0, "n": len(st), "writeConcernError": wce})))
    bulk.add_insert({"_id": 1})
    with pytest.raises(BulkWriteError) as info:
        bulk.execute()
    assert info.value.details["writeConcernErrors"] == [wce]
    assert info.value.details["nInserted"] == 1


def test_unacknowledged_bulk_returns_none():
    sock = FakeSocket()
    bulk = Bulk(FakeCollection(sock), ordered=False)
    _mixed(bulk)
    assert bulk.execute(WriteConcern(w=0)) is None
    assert all(s["unacknowledged"] for s in sock.sent)


def test_a_document_too_large_stops_the_bulk_before_anything_is_sent():
    sock = FakeSocket(max_bson_size=1000)
    bulk = Bulk(FakeCollection(sock))
    bulk.add_insert({"_id": 1})
    bulk.add_delete({"_id": 1}, 1)
    bulk.add_insert({"_id": 2, "pad": "x" * 2000})
    with pytest.raises(DocumentTooLarge):
        bulk.execute()
    assert sock.sent == []


def test_empty_and_repeated_execution_raise_invalid_operation():
    bulk = Bulk(FakeCollection(FakeSocket()))
    with pytest.raises(InvalidOperation, match="No operations to execute"):
        bulk.execute()
    bulk.add_insert({})
    bulk.execute()
    with pytest.raises(InvalidOperation, match="only be executed once"):
        bulk.execute()


def test_collation_is_refused_for_unacknowledged_bulks():
    bulk = Bulk(FakeCollection(FakeSocket()))
    DeleteOne({}, collation={"locale": "fr"})._add_to_bulk(bulk)
    with pytest.raises(ConfigurationError, match="unacknowledged"):
        bulk.execute(WriteConcern(w=0))


def test_insert_adds_an_id_to_the_callers_document():
    doc = {"x": 1}
    Bulk(FakeCollection(FakeSocket())).add_insert(doc)
    assert isinstance(doc["_id"], ObjectId)


def test_builder_adds_the_documented_statements():
    sock = FakeSocket(lambda cmd, st: {"ok": 1.0, "n": len(st), "nModified": 0})
    builder = BulkOperationBuilder(FakeCollection(sock), ordered=True)
    builder.insert({"_id": 1})
    builder.find({"a": 1}).update_one({"$set": {"b": 1}})
    builder.find({"a": 2}).update({"$set": {"b": 2}})
    builder.find({"a": 3}).replace_one({"b": 3})
    builder.find({"a": 4}).upsert().update_one({"$set": {"b": 4}})
    builder.find({"a": 5}).upsert().update({"$set": {"b": 5}})
    builder.find({"a": 6}).upsert().replace_one({"b": 6})
    builder.find({"a": 7}).remove_one()
    builder.find({"a": 8}).remove()
    result = builder.execute()
    updates = [dict(s) for s in sock.sent[1]["statements"]]
    assert [(u["q"]["a"], u["multi"], u["upsert"]) for u in updates] == [
        (1, False, False), (2, True, False), (3, False, False), (4, False, True),
        (5, True, True), (6, False, True)]
    assert [dict(s) for s in sock.sent[2]["statements"]] == [
        {"q": {"a": 7}, "limit": 1}, {"q": {"a": 8}, "limit": 0}]
    assert result["nInserted"] == 1 and result["nRemoved"] == 2


def test_builder_execute_takes_a_write_concern_mapping():
    sock = FakeSocket()
    builder = BulkOperationBuilder(FakeCollection(sock))
    builder.insert({})
    assert builder.execute({"w": 0}) is None
    assert sock.sent[0]["cmd"]["writeConcern"] == {"w": 0}


def test_builder_execute_names_unknown_write_concern_options():
    builder = BulkOperationBuilder(FakeCollection(FakeSocket()))
    builder.insert({})
    with pytest.raises(TypeError, match="unknown write concern option.*'wtimeoutMS'"):
        builder.execute({"wtimeoutMS": 5})


def test_builder_rejects_bad_selectors_and_updates():
    builder = BulkOperationBuilder(FakeCollection(FakeSocket()))
    with pytest.raises(TypeError, match="selector must be an instance of dict"):
        builder.find("a")
    with pytest.raises(ValueError, match="update only works with \\$ operators"):
        builder.find({}).update_one({"b": 1})
    with pytest.raises(ValueError, match="replacement can not include \\$ operators"):
        builder.find({}).replace_one({"$set": {"b": 1}})


def test_bulk_rejects_a_non_boolean_ordered():
    with pytest.raises(TypeError, match="ordered must be True or False, not 1"):
        Bulk(FakeCollection(FakeSocket()), ordered=1)


# ---------------------------------------------------------------- operation classes


@pytest.mark.parametrize("make, message", [
    (lambda: DeleteOne(["x"]), "filter must be an instance of dict"),
    (lambda: ReplaceOne({}, {}, upsert="yes"), "upsert must be True or False"),
    (lambda: DeleteMany({}, collation=5), "collation must be a dict"),
])
def test_operations_check_their_arguments(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


@pytest.mark.parametrize("make, message", [
    (lambda: InsertOne("doc"), "document must be an instance of dict"),
    (lambda: UpdateOne({}, {"x": 1}), "update only works with \\$ operators"),
    (lambda: UpdateMany({}, {}), "update only works with \\$ operators"),
    (lambda: ReplaceOne({}, {"$set": {"x": 1}}), "replacement can not include"),
])
def test_documents_are_checked_when_added_to_a_bulk(make, message):
    """As in PyMongo 3.4: the operation is built, bulk_write refuses it."""
    operation = make()
    with pytest.raises((TypeError, ValueError), match=message):
        operation._add_to_bulk(Bulk(FakeCollection(FakeSocket())))


def test_operations_compare_by_type_and_arguments():
    assert UpdateOne({"a": 1}, {"$set": {"b": 1}}) == UpdateOne({"a": 1}, {"$set": {"b": 1}})
    assert UpdateOne({"a": 1}, {"$set": {"b": 1}}) != UpdateMany({"a": 1}, {"$set": {"b": 1}})
    assert DeleteOne({"a": 1}) != DeleteOne({"a": 2})
    assert InsertOne({"a": 1}) == InsertOne({"a": 1})


def test_operations_repr_shows_their_arguments():
    assert repr(ReplaceOne({"a": 1}, {"b": 2}, True)) == "ReplaceOne({'a': 1}, {'b': 2}, True)"
    assert repr(DeleteMany({"x": 1})) == "DeleteMany({'x': 1})"
    assert repr(InsertOne({"y": 1})) == "InsertOne({'y': 1})"


def test_collation_objects_are_sent_as_their_document():
    class Collation:
        document = {"locale": "fr", "strength": 1}

    sock = FakeSocket(lambda cmd, st: {"ok": 1.0, "n": 0, "nModified": 0})
    bulk = Bulk(FakeCollection(sock))
    UpdateOne({}, {"$set": {"a": 1}}, collation=Collation())._add_to_bulk(bulk)
    bulk.execute()
    assert sock.sent[0]["statements"][0]["collation"] == {"locale": "fr", "strength": 1}


def test_models_compare_and_show_their_3_6_to_3_11_options():
    from pymongo.operations import DeleteOne, ReplaceOne, UpdateMany, UpdateOne

    assert UpdateOne({"a": 1}, {"$set": {"b": 1}}, array_filters=[{"x": 1}], hint="a_1") == \
        UpdateOne({"a": 1}, {"$set": {"b": 1}}, False, None, [{"x": 1}], "a_1")
    assert UpdateOne({}, {"$set": {"b": 1}}, hint="a_1") != UpdateOne({}, {"$set": {"b": 1}})
    assert repr(UpdateMany({}, {"$set": {"b": 1}}, array_filters=[{"x": 1}])) == \
        "UpdateMany({}, {'$set': {'b': 1}}, False, None, [{'x': 1}])"
    assert repr(ReplaceOne({}, {"b": 1}, hint=[("a", 1)])) == \
        "ReplaceOne({}, {'b': 1}, False, None, [('a', 1)])"
    assert repr(DeleteOne({"a": 1})) == "DeleteOne({'a': 1})"
    assert repr(DeleteOne({"a": 1}, hint="a_1")) == "DeleteOne({'a': 1}, None, 'a_1')"
