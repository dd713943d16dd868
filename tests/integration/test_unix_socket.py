"""Connecting through a Unix domain socket (a percent-encoded path ending in .sock)."""
from __future__ import annotations

import urllib.parse

import pytest

from pymongo import MongoClient


@pytest.fixture
def socket_uri(server):
    path = (server.state or {}).get("unix_socket")
    if not path:
        pytest.skip("the server under test has no Unix domain socket (MONGOFW_TEST_URI names "
                    "a TCP server; scripts/test-server opens one beside its TCP listener)")
    return path, "mongodb://" + urllib.parse.quote_plus(path) + "/"


def test_a_unix_socket_uri_reaches_the_server(socket_uri, db):
    path, uri = socket_uri
    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        coll = client[db.name].c
        coll.insert_one({"_id": 1, "via": "unix"})
        assert coll.find_one() == {"_id": 1, "via": "unix"}
        assert client.address == (path, None)
        assert client.nodes == frozenset([(path, None)])


def test_a_missing_socket_file_fails_server_selection_quickly(socket_uri):
    from pymongo.errors import ServerSelectionTimeoutError

    path, _ = socket_uri
    uri = "mongodb://" + urllib.parse.quote_plus(path + ".missing.sock") + "/"
    with MongoClient(uri, serverSelectionTimeoutMS=300) as client:
        with pytest.raises(ServerSelectionTimeoutError, match="missing.sock"):
            client.admin.command("ping")
