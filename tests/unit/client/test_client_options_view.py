"""MongoClient.options (3.13's ClientOptions) and the 3.6-3.12 client properties."""
from __future__ import annotations

import pytest

from pymongo import MongoClient, ReadPreference
from pymongo.client_options import ClientOptions
from pymongo.pool import PoolOptions
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern


@pytest.fixture
def client():
    with MongoClient("mongodb://h1:1,h2:2/app?replicaSet=rs&w=2&readPreference=secondary"
                     "&retryReads=false&maxPoolSize=7&appname=demo",
                     connect=False, serverSelectionTimeoutMS=1500,
                     heartbeatFrequencyMS=2000, localThresholdMS=30,
                     readConcernLevel="majority") as client:
        yield client


def test_options_reflect_what_the_client_was_built_with(client):
    options = client.options
    assert isinstance(options, ClientOptions)
    assert options.replica_set_name == "rs"
    assert options.write_concern == WriteConcern(w=2)
    assert options.read_preference == ReadPreference.SECONDARY
    assert options.read_concern == ReadConcern("majority")
    assert (options.server_selection_timeout, options.heartbeat_frequency,
            options.local_threshold_ms) == (1.5, 2.0, 30)
    assert (options.retry_writes, options.retry_reads) == (True, False)
    assert (options.connect, options.direct_connection, options.load_balanced) == \
        (False, False, False)
    assert options.auto_encryption_opts is None and options.server_selector is None
    assert options.codec_options == client.codec_options


def test_pool_options_carry_the_pool_settings_and_handshake_metadata(client):
    pool = client.options.pool_options
    assert isinstance(pool, PoolOptions)
    assert pool.max_pool_size == 7
    assert pool.metadata["application"] == {"name": "demo"}
    assert pool.metadata["driver"]["name"] == "mongofw"
    assert pool.tls_allow_invalid_hostnames is False


def test_mongoengine_reads_the_replica_set_name_through_the_private_options(client):
    """MongoEngine's own test suite reads client._MongoClient__options.replica_set_name."""
    assert client._MongoClient__options.replica_set_name == "rs"


def test_client_options_can_be_built_from_an_options_dict():
    options = ClientOptions("user", "secret", "app", {"w": 1, "replicaset": "rs"})
    assert options.write_concern == WriteConcern(w=1)
    assert options.replica_set_name == "rs"
    assert "secret" not in repr(vars(options))


def test_retry_properties_and_topology_description(client):
    assert client.retry_writes is True and client.retry_reads is False
    td = client.topology_description
    assert td.topology_type_name == "ReplicaSetNoPrimary"
    assert td.has_server(("h1", 1)) and not td.has_known_servers
    assert td.readable_servers == []


@pytest.mark.parametrize("call", [
    lambda c: c.list_database_names(session=object()),
    lambda c: c.drop_database("x", session="s"),
    lambda c: c.app.list_collection_names(session=1),
    lambda c: c.app.command("ping", session=1),
    lambda c: c.app.people.insert_one({}, session=1),
    lambda c: c.app.people.find_one_and_update({}, {"$set": {"a": 1}}, session=1),
    lambda c: c.app.people.find(session=1),
    lambda c: c.app.people.aggregate([], session=1),
    lambda c: c.app.get_collection("people").create_index("a", session=1),
])
def test_a_session_that_is_not_a_client_session_is_a_type_error(client, call):
    with pytest.raises(TypeError, match="session must be an instance of ClientSession"):
        call(client)
