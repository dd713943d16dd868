"""What MongoClient's options accept, as PyMongo 3.4's did (no server needed)."""
from __future__ import annotations

import ssl

import pytest

from pymongo import MongoClient
from pymongo.errors import ConfigurationError

URI = "mongodb://127.0.0.1:1/"


def _client(*args, **kwargs):
    return MongoClient(*args or (URI,), connect=False, **kwargs)


@pytest.mark.parametrize("kwargs", [
    {"ssl": False, "ssl_cert_reqs": ssl.CERT_NONE},
    {"ssl": False, "ssl_certfile": None},
    {"w": -1}, {"w": True}, {"replicaSet": ""}, {"authSource": ""},
])
def test_options_3_4_accepted(kwargs):
    with _client(**kwargs):
        pass


def test_ssl_false_with_a_true_ssl_option_is_refused():
    with pytest.raises(ConfigurationError, match="ssl has not been enabled"):
        _client(ssl=False, ssl_cert_reqs=ssl.CERT_REQUIRED)


@pytest.mark.parametrize("kwargs,error", [
    ({"ssl": 1}, TypeError), ({"ssl": "TRUE"}, ValueError), ({"j": 1}, TypeError),
    ({"w": 1.5}, TypeError), ({"minPoolSize": 10, "maxPoolSize": 5}, ValueError),
    ({"uuidRepresentation": 4}, ValueError),
    ({"unicode_decode_error_handler": "backslashreplace"}, ValueError),
])
def test_options_3_4_refused_with_its_exception_type(kwargs, error):
    with pytest.raises(error):
        _client(**kwargs)


def test_the_uri_takes_unicode_decode_error_handler():
    with _client(URI + "?unicode_decode_error_handler=replace") as client:
        assert client.codec_options.unicode_decode_error_handler == "replace"


def test_an_empty_replica_set_name_names_no_set():
    with _client(replicaSet="") as client:
        assert client._setup.options.replica_set_name is None


def test_difference_none_and_zero_are_accepted_where_3_4_refused_them():
    """3.4 refused ssl=None and heartbeatFrequencyMS=None (TypeError), and 0 or 1e9 ms
    for connectTimeoutMS, socketTimeoutMS and maxIdleTimeMS (ValueError).  Ours reads a
    keyword None as "not given" and 0 as "no timeout", as the URI options spec does."""
    with _client(ssl=None, heartbeatFrequencyMS=None, connectTimeoutMS=0, socketTimeoutMS=0,
                 maxIdleTimeMS=0) as client:
        assert client._setup.options.socket_timeout is None


def test_difference_a_missing_tls_file_is_a_configuration_error():
    """3.4 opened the file while validating and let FileNotFoundError out."""
    with pytest.raises(ConfigurationError, match="could not load the TLS certificates"):
        _client(ssl=True, ssl_certfile="/nonexistent")
