"""The mongofw-credential-provider example plugin, found through its entry point only.

``scripts/bootstrap`` installs every ``plugins/*`` distribution, so ``CREDENTIAL-PROVIDER``
reaches ``authMechanism=`` exactly as a user's ``pip install`` would make it.
"""
from __future__ import annotations

import os
import types
from urllib.parse import urlsplit

import pytest
from mongofw_credential_provider import plugin as provider_plugin

from mongofw.auth.credentials import MongoCredential, build_credentials
from mongofw.errors import ConfigurationError, OperationFailure
from mongofw.plugin_manager import Plugins, create_plugin_manager, describe
from pymongo import MongoClient

SETUP_USER = "mongofw"
SETUP_PASSWORD = "mongofw-test-password"


def _registry():
    return Plugins(create_plugin_manager()).auth_mechanisms()


def test_discovered_through_its_entry_point():
    pm = create_plugin_manager()
    info = {i.name: i for i in describe(pm)}["credential_provider"]
    assert info.distribution == "mongofw-credential-provider"
    assert info.hooks == ("mongofw_auth_mechanisms",)
    mechanism = Plugins(pm).auth_mechanisms()["CREDENTIAL-PROVIDER"]
    assert mechanism.requires_password is False


def test_listed_in_pymongo_auth_mechanisms():
    import pymongo.auth

    assert "CREDENTIAL-PROVIDER" in pymongo.auth.MECHANISMS


def _build(**options):
    return build_credentials({"authMechanism": "CREDENTIAL-PROVIDER", **options}, "app",
                             _registry())


def test_valid_options_build_credentials():
    credentials = _build(username="app", authMechanismProperties={"PASSWORD_ENV": "X"})
    assert (credentials.mechanism, credentials.source, credentials.password) == \
        ("CREDENTIAL-PROVIDER", "app", None)


@pytest.mark.parametrize("options,message", [
    ({"authMechanismProperties": {"PASSWORD_ENV": "X"}}, "requires a username"),
    ({"username": "u", "password": "p", "authMechanismProperties": {"PASSWORD_ENV": "X"}},
     "remove it from the URI"),
    ({"username": "u"}, "exactly one of PASSWORD_FILE and PASSWORD_ENV in "
                        "authMechanismProperties, not neither"),
    ({"username": "u", "authMechanismProperties": {"PASSWORD_ENV": "X", "PASSWORD_FILE": "f"}},
     "not PASSWORD_FILE, PASSWORD_ENV"),
    ({"username": "u", "authMechanismProperties": {"PASSWORD_ENV": "X", "COLOR": "red"}},
     "does not accept authMechanismProperties COLOR"),
    ({"username": "u", "authMechanismProperties": {"PASSWORD_ENV": "X",
                                                   "SCRAM_MECHANISM": "SCRAM-MD5"}},
     "SCRAM_MECHANISM must be one of SCRAM-SHA-1, SCRAM-SHA-256, not 'SCRAM-MD5'"),
])
def test_invalid_options_are_configuration_errors(options, message):
    with pytest.raises(ConfigurationError, match=message):
        _build(**options)


def test_secret_from_file_drops_one_trailing_newline(tmp_path):
    path = tmp_path / "secret"
    path.write_text("s3cret \n\n")
    assert provider_plugin.read_secret({"PASSWORD_FILE": str(path)}) == "s3cret \n"


def test_secret_from_environment():
    assert provider_plugin.read_secret({"PASSWORD_ENV": "DBPW"}, {"DBPW": "s3cret"}) == "s3cret"


def test_secret_errors_name_the_place_not_the_secret(tmp_path):
    with pytest.raises(ConfigurationError, match="could not read PASSWORD_FILE .*missing"):
        provider_plugin.read_secret({"PASSWORD_FILE": str(tmp_path / "missing")})
    with pytest.raises(ConfigurationError, match="'DBPW' \\(PASSWORD_ENV\\) is not set"):
        provider_plugin.read_secret({"PASSWORD_ENV": "DBPW"}, {})
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(ConfigurationError, match="holds an empty password"):
        provider_plugin.read_secret({"PASSWORD_FILE": str(empty)})


def test_secret_is_read_at_each_login(monkeypatch):
    used = []
    monkeypatch.setattr(provider_plugin, "authenticate_scram",
                        lambda cred, sock, mech, password: used.append((mech, password)))
    credentials = MongoCredential("CREDENTIAL-PROVIDER", "admin", "u", None,
                                  {"PASSWORD_ENV": "MONGOFW_TEST_PW",
                                   "SCRAM_MECHANISM": "SCRAM-SHA-1"})
    sock = types.SimpleNamespace(sock=None, close=lambda: None)
    for secret in ("first", "rotated"):
        monkeypatch.setenv("MONGOFW_TEST_PW", secret)
        provider_plugin.authenticate_with_provider(credentials, sock)
    assert used == [("SCRAM-SHA-1", "first"), ("SCRAM-SHA-1", "rotated")]


# ------------------------------------------------------------ against the real server


def _uri(auth_server, properties, extra=""):
    address = urlsplit(auth_server.uri).netloc.rpartition("@")[2]
    return (f"mongodb://{SETUP_USER}@{address}/?authSource=admin"
            f"&authMechanism=CREDENTIAL-PROVIDER&authMechanismProperties={properties}{extra}")


def _ping(uri):
    client = MongoClient(uri, serverSelectionTimeoutMS=10000)
    try:
        return client.admin.command("ping")
    finally:
        client.close()


def test_logs_in_with_a_password_file(auth_server, tmp_path):
    path = tmp_path / "db-password"
    path.write_text(SETUP_PASSWORD + "\n")
    assert _ping(_uri(auth_server, f"PASSWORD_FILE:{path}"))["ok"] == 1.0


@pytest.mark.parametrize("scram", ["SCRAM-SHA-256", "SCRAM-SHA-1"])
def test_logs_in_with_an_environment_variable(auth_server, monkeypatch, scram):
    monkeypatch.setenv("MONGOFW_PROVIDER_PW", SETUP_PASSWORD)
    uri = _uri(auth_server, f"PASSWORD_ENV:MONGOFW_PROVIDER_PW,SCRAM_MECHANISM:{scram}")
    assert _ping(uri)["ok"] == 1.0


def test_wrong_secret_fails_with_code_18(auth_server, monkeypatch):
    monkeypatch.setenv("MONGOFW_PROVIDER_PW", "not-the-password")
    with pytest.raises(OperationFailure) as info:
        _ping(_uri(auth_server, "PASSWORD_ENV:MONGOFW_PROVIDER_PW"))
    assert info.value.code == 18
    assert "not-the-password" not in str(info.value)


def test_missing_secret_is_reported_at_connect_time(auth_server):
    assert "MONGOFW_UNSET_VARIABLE" not in os.environ
    with pytest.raises(ConfigurationError, match="'MONGOFW_UNSET_VARIABLE'"):
        _ping(_uri(auth_server, "PASSWORD_ENV:MONGOFW_UNSET_VARIABLE"))
