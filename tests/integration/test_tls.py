"""TLS against the real server's TLS listener, with a CA and certificates made per run."""
from __future__ import annotations

import ssl

import pytest

from mongofw.errors import ConfigurationError, ServerSelectionTimeoutError
from pymongo import MongoClient


def _address(tls_server) -> str:
    return f"mongodb://127.0.0.1:{tls_server.state['port']}/"


def test_tls_with_the_test_ca_connects(tls_server):
    with MongoClient(tls_server.uri, serverSelectionTimeoutMS=5000) as client:
        assert client.admin.command("ping")["ok"] == 1.0


def test_tls_keyword_options_match_the_uri_form(tls_server):
    files = tls_server.state["files"]
    with MongoClient(_address(tls_server), ssl=True, ssl_ca_certs=files["ca"],
                     ssl_certfile=files["client_pem"], serverSelectionTimeoutMS=5000) as c:
        assert c.admin.command("ping")["ok"] == 1.0


def test_an_unknown_ca_fails_certificate_verification(tls_server):
    with MongoClient(_address(tls_server), ssl=True, serverSelectionTimeoutMS=1500) as c:
        with pytest.raises(ServerSelectionTimeoutError, match="(?i)certificate"):
            c.admin.command("ping")


def test_cert_none_skips_verification(tls_server):
    with MongoClient(_address(tls_server), ssl=True, ssl_cert_reqs=ssl.CERT_NONE,
                     serverSelectionTimeoutMS=5000) as client:
        assert client.admin.command("ping")["ok"] == 1.0


def test_hostname_mismatch_is_refused_unless_matching_is_off(tls_server):
    ca = tls_server.state["files"]["ca"]
    # The server certificate names 127.0.0.1 only; "localhost" reaches the same listener.
    uri = f"mongodb://localhost:{tls_server.state['port']}/"
    with MongoClient(uri, ssl=True, ssl_ca_certs=ca, serverSelectionTimeoutMS=1500) as c:
        with pytest.raises(ServerSelectionTimeoutError, match="(?i)certificate|hostname|match"):
            c.admin.command("ping")
    with MongoClient(uri, ssl=True, ssl_ca_certs=ca, ssl_match_hostname=False,
                     serverSelectionTimeoutMS=5000) as c:
        assert c.admin.command("ping")["ok"] == 1.0


def test_plain_connection_to_a_tls_port_fails_without_hanging(tls_server):
    with MongoClient(_address(tls_server), serverSelectionTimeoutMS=1500,
                     connectTimeoutMS=1000) as client:
        with pytest.raises(ServerSelectionTimeoutError):
            client.admin.command("ping")


def test_a_missing_certificate_file_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="could not load"):
        MongoClient("mongodb://127.0.0.1:1/", ssl=True,
                    ssl_certfile=str(tmp_path / "missing.pem"), connect=False)
