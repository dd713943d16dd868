"""A 100,000-document collection: streamed in batches with flat memory; abandoned cursors die.

The collection is built once for the module (about 7 s against FerretDB).
"""
from __future__ import annotations

import gc
import time
import tracemalloc
import uuid

import pytest

from mongofw.errors import CursorNotFound
from mongofw.monitoring.events import CommandListener
from pymongo import MongoClient
from tests.support.listeners import RecordingListener

N_DOCS = 100_000
BATCH = 1000


@pytest.fixture(scope="module")
def big(server):
    client = MongoClient(server.uri, serverSelectionTimeoutMS=10000)
    name = f"t_stream_{uuid.uuid4().hex[:8]}"
    coll = client[name].docs
    coll.insert_many(({"_id": i, "payload": "x" * 200} for i in range(N_DOCS)), ordered=False)
    yield server.uri, name
    client.drop_database(name)
    client.close()


class GetMoreSizes(CommandListener):
    """Keeps only each getMore's batchSize: a recording listener would hold every batch."""

    def __init__(self) -> None:
        self.sizes = []

    def started(self, event) -> None:
        if event.command_name == "getMore":
            self.sizes.append(event.command.get("batchSize"))

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


def _get_more_of(client, db_name, cursor_id):
    """Ask the server for more of ``cursor_id`` directly: proves whether it still exists."""
    from bson.int64 import Int64
    from bson.son import SON

    return client[db_name].command(SON([("getMore", Int64(cursor_id)), ("collection", "docs"),
                                        ("batchSize", 1)]))


def _assert_killed(listener, client, name, cursor_id):
    """One killCursors for ``cursor_id`` on "docs" went out, and the server forgot it."""
    [kill] = listener.started_commands("killCursors")
    assert kill["killCursors"] == "docs" and list(kill["cursors"]) == [cursor_id]
    with pytest.raises(CursorNotFound):
        _get_more_of(client, name, cursor_id)


def test_find_streams_100k_documents_in_batches_with_flat_memory(big):
    uri, name = big
    listener = GetMoreSizes()
    with MongoClient(uri, event_listeners=[listener]) as client:
        coll = client[name].docs
        tracemalloc.start()
        try:
            count = 0
            expected_id = 0
            for doc in coll.find().sort("_id", 1).batch_size(BATCH):
                assert doc["_id"] == expected_id
                expected_id += 1
                count += 1
            _, stream_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            everything = list(coll.find())
            _, whole_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == N_DOCS
    assert len(everything) == N_DOCS
    # One batch of 1000 small documents is ~1% of the whole result; allow 10x headroom.
    assert stream_peak < whole_peak / 10, (stream_peak, whole_peak)
    # The streamed query: a find of 1000, 99 getMores bringing 1000 each, and one last
    # getMore that finds the end (the server cannot know a full batch was the last).
    assert listener.sizes.count(BATCH) == N_DOCS // BATCH


def test_a_cursor_closed_half_way_is_killed_on_the_server(big):
    uri, name = big
    listener = RecordingListener()
    with MongoClient(uri, event_listeners=[listener]) as client:
        cursor = client[name].docs.find().batch_size(BATCH)
        for _ in range(N_DOCS // 2):
            next(cursor)
        cursor_id = cursor.cursor_id
        assert cursor_id and cursor.alive
        cursor.close()
        assert not cursor.alive
        _assert_killed(listener, client, name, cursor_id)


def test_a_cursor_abandoned_half_way_is_killed_after_garbage_collection(big):
    uri, name = big
    listener = RecordingListener()
    with MongoClient(uri, event_listeners=[listener]) as client:
        cursor = client[name].docs.find().batch_size(BATCH)
        for _ in range(N_DOCS // 2):
            next(cursor)
        cursor_id = cursor.cursor_id
        del cursor
        gc.collect()
        deadline = time.monotonic() + 10
        while not listener.started_commands("killCursors") and time.monotonic() < deadline:
            time.sleep(0.05)
        _assert_killed(listener, client, name, cursor_id)


def test_an_exhausted_cursor_sends_no_kill(big):
    uri, name = big
    listener = RecordingListener()
    with MongoClient(uri, event_listeners=[listener]) as client:
        cursor = client[name].docs.find({"_id": {"$lt": 2500}}).batch_size(BATCH)
        assert len(list(cursor)) == 2500
        assert cursor.cursor_id == 0 and not cursor.alive
        cursor.close()
    assert listener.started_commands("killCursors") == []


def test_a_limit_reached_mid_batch_stops_without_asking_for_more(big):
    uri, name = big
    listener = RecordingListener()
    with MongoClient(uri, event_listeners=[listener]) as client:
        docs = list(client[name].docs.find().batch_size(BATCH).limit(2500))
    assert [d["_id"] for d in docs] == list(range(2500))
    assert [g["batchSize"] for g in listener.started_commands("getMore")] == [1000, 500]
