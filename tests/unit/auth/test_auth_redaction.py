"""No secret of an auth conversation reaches events, logs, reprs or exception messages."""
from __future__ import annotations

import base64

import pytest
from structlog.testing import capture_logs

from mongofw.auth.credentials import MongoCredential
from mongofw.errors import OperationFailure
from mongofw.monitoring.events import CommandListener
from mongofw.monitoring.publisher import EventPublisher
from mongofw.monitoring.structlog_listener import StructlogListener
from tests.support.wire_peer import WirePeer
from tests.unit.auth.auth_peers import AUTH_FAILED, ScramServer, make_pool

PASSWORD = "correct horse battery staple"


class Recorder(CommandListener):
    def __init__(self):
        self.events = []

    def started(self, event):
        self.events.append(event)

    succeeded = failed = started


def _secrets(server, peer):
    """Everything secret on the wire or in the server's keys, in the forms it could leak."""
    raw = [PASSWORD.encode(), server.client_key, server.server_key]
    for command in peer.commands("saslStart") + peer.commands("saslContinue"):
        raw.append(bytes(command["payload"]))
    forms = set()
    for item in raw:
        if len(item) >= 8:
            forms.update({item.hex(), base64.b64encode(item).decode(), repr(item)})
    forms.add(PASSWORD)
    return forms


def _dump(recorder, logs, *extra):
    parts = [repr(e) for e in recorder.events]
    parts += [repr(getattr(e, "command", "")) + repr(getattr(e, "reply", "")) +
              repr(getattr(e, "failure", "")) for e in recorder.events]
    parts += [repr(entry) for entry in logs]
    parts += [repr(x) for x in extra]
    return "\n".join(parts)


@pytest.mark.parametrize("password", [PASSWORD, "wrong password"])
def test_scram_run_leaks_nothing(password):
    server = ScramServer("user", PASSWORD)
    recorder = Recorder()
    publisher = EventPublisher([recorder, StructlogListener(log_command_documents=True)])
    credentials = MongoCredential("SCRAM-SHA-256", "admin", "user", password, None)
    error = None
    with WirePeer(server) as peer, capture_logs() as logs:
        pool = make_pool(peer, publisher=publisher)
        try:
            with pool.get_socket({"admin": credentials}) as sock_info:
                sock_info.command("admin", {"ping": 1})
        except OperationFailure as exc:
            error = exc
        pool.close()
    assert (error is None) == (password == PASSWORD)
    names = [e.command_name for e in recorder.events]
    assert names[:2] == ["saslStart", "saslStart"]
    assert {e["command_name"] for e in logs} >= {"saslStart", "saslContinue"}
    # (pool.auth_cache holds the derived keys by design; it is memory, not output.)
    dump = _dump(recorder, logs, credentials, error, error and error.details)
    for secret in _secrets(server, peer):
        assert secret not in dump
    assert password not in dump


def test_failed_sasl_event_keeps_only_the_code():
    recorder = Recorder()
    publisher = EventPublisher([recorder])

    def handler(name, command):
        return {"ok": 1.0, "maxWireVersion": 21} if name == "isMaster" else AUTH_FAILED

    with WirePeer(handler) as peer:
        pool = make_pool(peer, publisher=publisher)
        with pytest.raises(OperationFailure):
            with pool.get_socket({"$external": MongoCredential(
                    "PLAIN", "$external", "u", PASSWORD, None)}):
                pass
        pool.close()
    failed = [e for e in recorder.events if type(e).__name__ == "CommandFailedEvent"]
    assert len(failed) == 1
    assert failed[0].failure == {"ok": 0.0, "code": 18, "codeName": "AuthenticationFailed"}
    started = [e for e in recorder.events if type(e).__name__ == "CommandStartedEvent"]
    assert started[0].command == {}
