"""Wire compression against the real server (a real mongod; FerretDB 1.24 accepts none)."""
from __future__ import annotations

import pytest

from pymongo import MongoClient
from tests.support.server_gaps import requires


@requires("compression")
@pytest.mark.parametrize("name", ["zlib", "snappy", "zstd"])
def test_a_compressed_round_trip(server_uri, name):
    with MongoClient(server_uri, compressors=name) as client:
        coll = client.compression_test.c
        coll.drop()
        coll.insert_many([{"i": i, "pad": "x" * 100} for i in range(100)])
        assert [d["i"] for d in coll.find(sort=[("i", 1)])] == list(range(100))
        with client._socket_for_writes() as sock_info:
            assert sock_info.compressor.name == name


def test_without_an_accepted_compressor_the_client_still_works(server_uri):
    with MongoClient(server_uri, compressors="zlib,zstd") as client:
        assert client.admin.command("ping")["ok"] == 1
