"""The documented MongoClient API against the real server: databases, cursor killing,
cursor managers, server facts and admin helpers."""
from __future__ import annotations

import time
import warnings

import pytest

from bson.int64 import Int64
from mongofw.errors import ConfigurationError, CursorNotFound
from pymongo import MongoClient, ReadPreference, WriteConcern
from pymongo.cursor_manager import CursorManager
from pymongo.database import Database
from tests.support.listeners import RecordingListener
from tests.support.server_gaps import requires


def _wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.02)
    return predicate()


def _open_cursor(db, n=10):
    db.c.insert_many([{"i": i} for i in range(n)])
    cursor = db.c.find().batch_size(2)
    next(cursor)
    assert cursor.cursor_id
    return cursor


def test_default_database_comes_from_the_uri(server_uri):
    with MongoClient(server_uri + "app_db") as client:
        default = client.get_default_database()
        assert isinstance(default, Database) and default.name == "app_db"
    with MongoClient(server_uri) as client:
        with pytest.raises(ConfigurationError, match="No default database"):
            client.get_default_database()


def test_database_names_lists_a_database_once_it_holds_data(client, db):
    db.c.insert_one({})
    assert db.name in client.database_names()
    client.drop_database(db)
    assert db.name not in client.database_names()
    with pytest.raises(TypeError, match="name_or_database"):
        client.drop_database(5)


def test_get_database_takes_its_own_options(client):
    database = client.get_database("x", read_preference=ReadPreference.SECONDARY,
                                   write_concern=WriteConcern(w=0))
    assert database.read_preference == ReadPreference.SECONDARY
    assert database.write_concern == WriteConcern(w=0)
    assert database.codec_options == client.codec_options


@pytest.fixture
def recorded(server_uri, db):
    listener = RecordingListener()
    with MongoClient(server_uri, event_listeners=[listener]) as client:
        yield client, client[db.name], listener


def _killed_ids(listener):
    """The ids the server reported killed, once a killCursors has been answered."""
    assert _wait_for(lambda: any(e.command_name == "killCursors" and hasattr(e, "reply")
                                 for e in listener.events)), "no killCursors was answered"
    return [i for e in listener.events if e.command_name == "killCursors"
            and hasattr(e, "reply") for i in e.reply.get("cursorsKilled", [])]


def test_close_cursor_with_the_cursors_address_kills_it(recorded):
    client, db, listener = recorded
    cursor = _open_cursor(db)
    assert cursor.address == client.address  # still compares as (host, port)
    client.close_cursor(cursor.cursor_id, cursor.address)
    # The kill goes out from a background thread, with the id as the 64-bit integer
    # servers insist on and the cursor's collection.
    assert _killed_ids(listener) == [cursor.cursor_id]
    assert listener.started_commands("killCursors")[0]["killCursors"] == "c"
    with pytest.raises(CursorNotFound):
        db.command("getMore", Int64(cursor.cursor_id), collection="c")


def test_kill_cursors_is_deprecated_and_kills(recorded):
    client, db, listener = recorded
    cursor = _open_cursor(db)
    with pytest.warns(DeprecationWarning, match="kill_cursors"):
        client.kill_cursors([cursor.cursor_id], cursor.address)
    assert _killed_ids(listener) == [cursor.cursor_id]
    with pytest.raises(CursorNotFound):
        list(cursor)
    with pytest.raises(TypeError, match="cursor_ids must be a list"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.kill_cursors(5)


def test_close_cursor_checks_the_id(client):
    with pytest.raises(TypeError, match="cursor_id must be an instance of int"):
        client.close_cursor("5")


class Recording(CursorManager):
    closed = []

    def close(self, cursor_id, address):
        Recording.closed.append((cursor_id, address))
        super().close(cursor_id, address)


def test_a_custom_cursor_manager_sees_every_close(recorded):
    client, db, listener = recorded
    Recording.closed.clear()
    with pytest.warns(DeprecationWarning, match="set_cursor_manager"):
        client.set_cursor_manager(Recording)
    cursor = _open_cursor(db)
    cursor_id = cursor.cursor_id
    cursor.close()
    assert [(c, a.namespace) for c, a in Recording.closed] == [(cursor_id, f"{db.name}.c")]
    # super().close() schedules the kill: the server reports the cursor killed.
    assert _killed_ids(listener) == [cursor_id]
    with pytest.raises(TypeError, match="subclass of CursorManager"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.set_cursor_manager(object)


def test_server_facts_of_a_standalone(client):
    client.admin.command("ping")
    assert client.is_primary is True and client.is_mongos is False
    assert client.nodes == frozenset([client.address])
    assert client.max_bson_size == 16 * 1024 * 1024
    assert client.max_message_size >= client.max_bson_size
    assert client.local_threshold_ms == 15 and client.max_pool_size == 100
    assert client.server_info()["ok"] == 1.0
    assert client.is_locked is False


@requires("fsync")
def test_fsync_lock_and_unlock(client):
    client.fsync(lock=True)
    try:
        assert client.is_locked is True
    finally:
        client.unlock()
    assert client.is_locked is False


def test_clients_compare_by_their_seeds(server_uri):
    host_port = server_uri.split("//", 1)[1].rstrip("/")
    with MongoClient(server_uri, connect=False) as one, \
            MongoClient(server_uri, connect=False) as two, \
            MongoClient("mongodb://127.0.0.1:1/", connect=False) as other:
        assert one == two and not one != two and hash(one) == hash(two)
        assert one != other and not one == other
        assert repr(one) == (f"MongoClient(host=['{host_port}'], document_class=dict, "
                             f"tz_aware=False, connect=False)")


def test_a_kill_of_an_unknown_cursor_ends_quietly(client, db):
    client.admin.command("ping")
    client.close_cursor(987654321, client.address)
    client.close()  # runs the pending kill first; the server's error must not surface
    assert client.admin.command("ping")["ok"] == 1.0  # and the client reopens on use
