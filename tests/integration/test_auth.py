"""Authentication against the real server (FerretDB 1.24 with ``--test-enable-new-auth``).

FerretDB's new authentication speaks SCRAM-SHA-1 and SCRAM-SHA-256 (and advertises both
in ``saslSupportedMechs``); it answers PLAIN with "Unsupported authentication mechanism"
and has no MONGODB-CR, MONGODB-X509 or GSSAPI.  Those are tested at the conversation level
in ``tests/unit/auth`` against the scripted wire peer.
"""
from __future__ import annotations

import base64
import threading
import time
import uuid
from urllib.parse import quote, urlsplit

import pytest
from structlog.testing import capture_logs

from mongofw.errors import AutoReconnect, OperationFailure, ServerSelectionTimeoutError
from pymongo import MongoClient
from pymongo.monitoring import CommandListener

SETUP_USER = "mongofw"
SETUP_PASSWORD = "mongofw-test-password"


class Recorder(CommandListener):
    def __init__(self):
        self.events = []
        self._lock = threading.Lock()

    def started(self, event):
        with self._lock:
            self.events.append(event)

    succeeded = failed = started

    def names(self, kind="CommandStartedEvent"):
        return [e.command_name for e in self.events if type(e).__name__ == kind]


def _address(auth_server):
    return urlsplit(auth_server.uri).netloc.rpartition("@")[2]


def _uri(auth_server, user=SETUP_USER, password=SETUP_PASSWORD, query=""):
    userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return f"mongodb://{userinfo}@{_address(auth_server)}/{query}"


@pytest.fixture
def make_client():
    clients = []

    def make(uri, **kwargs):
        kwargs.setdefault("serverSelectionTimeoutMS", 10000)
        client = MongoClient(uri, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1"])
def test_scram_login(auth_server, make_client, mechanism):
    recorder = Recorder()
    client = make_client(auth_server.uri, authMechanism=mechanism, event_listeners=[recorder])
    assert client.admin.command("ping")["ok"] == 1.0
    assert recorder.names()[:2] == ["saslStart", "saslContinue"]


def test_default_mechanism_login(auth_server, make_client):
    client = make_client(auth_server.uri)
    assert client.admin.command("ping")["ok"] == 1.0


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1", "DEFAULT"])
def test_wrong_password_fails_fast_with_code_18(auth_server, make_client, mechanism):
    client = make_client(_uri(auth_server, password="not-the-password"),
                         authMechanism=mechanism)
    start = time.monotonic()
    with pytest.raises(OperationFailure) as info:
        client.admin.command("ping")
    assert info.value.code == 18
    assert time.monotonic() - start < 2.0
    assert "not-the-password" not in str(info.value) + repr(info.value.details)


def test_unknown_user_fails_with_code_18(auth_server, make_client):
    client = make_client(_uri(auth_server, user="nobody-" + uuid.uuid4().hex[:8],
                              password="whatever"))
    with pytest.raises(OperationFailure) as info:
        client.admin.command("ping")
    assert info.value.code == 18


def test_wrong_auth_source_fails_with_code_18(auth_server, make_client):
    client = make_client(auth_server.uri, authSource="not_admin")
    with pytest.raises(OperationFailure) as info:
        client.admin.command("ping")
    assert info.value.code == 18


def test_failed_login_leaves_the_pool_usable(auth_server, make_client):
    bad = make_client(_uri(auth_server, password="wrong"))
    for _ in range(3):
        with pytest.raises(OperationFailure):
            bad.admin.command("ping")
    good = make_client(auth_server.uri)
    assert good.admin.command("ping")["ok"] == 1.0


def test_twenty_threads_authenticate_at_once(auth_server, make_client):
    recorder = Recorder()
    client = make_client(auth_server.uri, maxPoolSize=20, event_listeners=[recorder])
    barrier = threading.Barrier(20)
    results, errors = [], []

    def work():
        try:
            barrier.wait(10)
            results.append(client.admin.command("ping")["ok"])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert results == [1.0] * 20
    logins = recorder.names("CommandSucceededEvent").count("saslStart")
    assert 1 <= logins <= 20
    assert recorder.names("CommandFailedEvent") == []


def _retry_ping(client, deadline_seconds=20.0):
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            return client.admin.command("ping")
        except (AutoReconnect, ServerSelectionTimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
def test_reauthenticates_after_server_restart(auth_server, make_client):
    recorder = Recorder()
    client = make_client(auth_server.uri, event_listeners=[recorder])
    assert client.admin.command("ping")["ok"] == 1.0
    before = recorder.names("CommandSucceededEvent").count("saslStart")
    auth_server.restart()
    assert _retry_ping(client)["ok"] == 1.0
    after = recorder.names("CommandSucceededEvent").count("saslStart")
    assert after > before


def test_plain_is_refused_by_ferretdb(auth_server, make_client):
    """FerretDB 1.24's new auth lists PLAIN as unsupported; the refusal is code 18."""
    client = make_client(_uri(auth_server, query="?authSource=admin"), authMechanism="PLAIN")
    with pytest.raises(OperationFailure) as info:
        client.admin.command("ping")
    assert info.value.code == 18
    assert "PLAIN" in str(info.value)


def test_auth_run_leaks_no_secret_into_events_or_logs(auth_server, make_client):
    recorder = Recorder()
    with capture_logs() as logs:
        for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-1"):
            client = make_client(auth_server.uri, authMechanism=mechanism,
                                 event_listeners=[recorder], structured_logging=True,
                                 log_command_documents=True)
            client.admin.command("ping")
        bad = make_client(_uri(auth_server, password="bad-secret-123"),
                          event_listeners=[recorder], structured_logging=True,
                          log_command_documents=True)
        with pytest.raises(OperationFailure):
            bad.admin.command("ping")
    assert any(entry.get("command_name") == "saslContinue" for entry in logs)
    dump = "\n".join([repr(e) + repr(getattr(e, "command", "")) +
                      repr(getattr(e, "reply", "")) + repr(getattr(e, "failure", ""))
                      for e in recorder.events] + [repr(entry) for entry in logs])
    for secret in (SETUP_PASSWORD, "bad-secret-123",
                   base64.b64encode(SETUP_PASSWORD.encode()).decode()):
        assert secret not in dump
    # Pieces every SCRAM message carries: GS2 header, channel binding, salt, count, proof.
    for marker in ("n,,n=", "c=biws", ",s=", ",i=", ",p=", "'payload'"):
        assert marker not in dump


# ------------------------------------------------------------ users via Database methods


@pytest.fixture
def app_user(auth_server, make_client):
    admin_client = make_client(auth_server.uri)
    name = "u" + uuid.uuid4().hex[:10]
    database = admin_client["admin"]
    # FerretDB 1.24 implements createUser with an empty roles list only.
    database.add_user(name, "pw-" + name, roles=[])
    yield name, "pw-" + name
    try:
        database.remove_user(name)
    except OperationFailure:
        pass


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1"])
def test_user_made_by_add_user_logs_in(auth_server, make_client, app_user, mechanism):
    name, password = app_user
    client = make_client(_uri(auth_server, name, password), authMechanism=mechanism)
    assert client.admin.command("ping")["ok"] == 1.0


def test_add_user_changes_the_password(auth_server, make_client, app_user):
    name, _ = app_user
    make_client(auth_server.uri).admin.add_user(name, "changed-password")
    client = make_client(_uri(auth_server, name, "changed-password"))
    assert client.admin.command("ping")["ok"] == 1.0


def test_removed_user_cannot_log_in(auth_server, make_client, app_user):
    name, password = app_user
    make_client(auth_server.uri).admin.remove_user(name)
    client = make_client(_uri(auth_server, name, password))
    with pytest.raises(OperationFailure) as info:
        client.admin.command("ping")
    assert info.value.code == 18


def test_database_authenticate_and_logout(auth_server, make_client, app_user):
    name, password = app_user
    client = make_client(f"mongodb://{_address(auth_server)}/")
    assert client.admin.authenticate(name, password) is True
    assert client.admin.command("ping")["ok"] == 1.0
    client.admin.logout()


def test_database_authenticate_wrong_password(auth_server, make_client, app_user):
    name, _ = app_user
    client = make_client(f"mongodb://{_address(auth_server)}/")
    with pytest.raises(OperationFailure) as info:
        client.admin.authenticate(name, "wrong")
    assert info.value.code == 18
