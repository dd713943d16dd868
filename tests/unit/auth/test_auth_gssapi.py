"""GSSAPI: the conversation with a stand-in for the ``gssapi`` binding, and without it.

No KDC is available to the tests; the stand-in module records what the mechanism asks
of the binding and plays a two-token Kerberos exchange.
"""
from __future__ import annotations

import socket
import sys
import types

import pytest

from mongofw.auth import gssapi as mech
from mongofw.auth.credentials import MongoCredential
from mongofw.errors import ConfigurationError, OperationFailure
from tests.support.wire_peer import WirePeer, hello_reply
from tests.unit.auth.auth_peers import make_pool


class FakeGSSError(Exception):
    pass


def _fake_binding(calls, fail_step=False):
    module = types.ModuleType("gssapi")

    class Name:
        def __init__(self, value, name_type):
            calls.append(("name", value, name_type))

    class SecurityContext:
        def __init__(self, name, creds, usage):
            calls.append(("context", creds, usage))
            self.complete = False

        def step(self, token=None):
            calls.append(("step", token))
            if fail_step:
                raise FakeGSSError("Server not found in Kerberos database")
            if token is None:
                return b"token-1"
            self.complete = True
            return b"token-2"

        def unwrap(self, message):
            assert message.startswith(b"W")
            return types.SimpleNamespace(message=message[1:])

        def wrap(self, message, encrypt):
            calls.append(("wrap", message, encrypt))
            return types.SimpleNamespace(message=b"W" + message)

    def acquire_cred_with_password(name, password, usage):
        calls.append(("password", password, usage))
        return types.SimpleNamespace(creds="password-creds")

    module.Name = Name
    module.SecurityContext = SecurityContext
    module.NameType = types.SimpleNamespace(hostbased_service="hostbased",
                                            kerberos_principal="principal", user="user")
    module.raw = types.SimpleNamespace(acquire_cred_with_password=acquire_cred_with_password)
    module.exceptions = types.SimpleNamespace(GSSError=FakeGSSError, GeneralError=FakeGSSError)
    return module


def _kerberos_server(offer=b"\x07\x00\x10\x00"):
    def handle(name, command):
        if name == "isMaster":
            return hello_reply()
        payload = bytes(command["payload"])
        if name == "saslStart":
            assert payload == b"token-1"
            return {"ok": 1.0, "conversationId": 7, "done": False, "payload": b"server-1"}
        if payload == b"token-2":
            return {"ok": 1.0, "conversationId": 7, "done": False, "payload": b"W" + offer}
        return {"ok": 1.0, "conversationId": 7, "done": True, "payload": b""}
    return handle


def _cred(password=None, **props):
    return MongoCredential("GSSAPI", "$external", "user@EXAMPLE.COM", password,
                           {"SERVICE_NAME": "mongodb", **props})


def _login(peer, credentials):
    pool = make_pool(peer)
    try:
        with pool.get_socket({"$external": credentials}):
            pass
    finally:
        pool.close()


def test_kerberos_conversation(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "gssapi", _fake_binding(calls))
    with WirePeer(_kerberos_server()) as peer:
        _login(peer, _cred())
        continues = peer.commands("saslContinue")
    assert ("name", "mongodb@127.0.0.1", "hostbased") in calls
    assert ("context", None, "initiate") in calls
    assert [c[1] for c in calls if c[0] == "step"] == [None, b"server-1"]
    assert [bytes(c["payload"]) for c in continues] == [
        b"token-2", b"W\x01\x00\x00\x00user@EXAMPLE.COM"]
    assert all(c["$db"] == "$external" for c in continues)


def test_password_acquires_credentials_and_realm_names_a_principal(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "gssapi", _fake_binding(calls))
    with WirePeer(_kerberos_server()) as peer:
        _login(peer, _cred(password="pw", SERVICE_NAME="mongo", SERVICE_REALM="EXAMPLE.COM",
                           SERVICE_HOST="db.example.com"))
    assert ("password", b"pw", "initiate") in calls
    assert ("name", "mongo/db.example.com@EXAMPLE.COM", "principal") in calls
    assert ("context", "password-creds", "initiate") in calls


def test_offer_without_no_security_layer_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "gssapi", _fake_binding([]))
    with WirePeer(_kerberos_server(offer=b"\x04\x00\x10\x00")) as peer:
        with pytest.raises(OperationFailure, match="does not allow \"no security layer\""):
            _login(peer, _cred())


def test_binding_errors_become_operation_failures(monkeypatch):
    monkeypatch.setitem(sys.modules, "gssapi", _fake_binding([], fail_step=True))
    with WirePeer(_kerberos_server()) as peer:
        with pytest.raises(OperationFailure,
                           match="GSSAPI failed for service 'mongodb@127.0.0.1': Server not"):
            _login(peer, _cred())


def test_missing_binding_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gssapi", None)  # makes "import gssapi" fail
    with WirePeer(_kerberos_server()) as peer:
        with pytest.raises(ConfigurationError) as info:
            _login(peer, _cred())
        assert peer.commands("saslStart") == []
    assert "pip install 'mongofw[gssapi]'" in str(info.value)
    assert "authMechanism GSSAPI needs the 'gssapi' module" in str(info.value)


def test_service_principal_forms():
    assert mech.service_principal("db", None) == "mongodb@db"
    assert mech.service_principal("db", {"SERVICE_NAME": "svc"}) == "svc@db"
    assert mech.service_principal("db", {"SERVICE_HOST": "alias"}) == "mongodb@alias"
    assert mech.service_principal("db", {"SERVICE_REALM": "R"}) == "mongodb/db@R"


def test_canonicalize_host_name_forward(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda *a: [(2, 1, 6, "DB1.Example.COM", ("10.0.0.1", 0))])
    assert mech.service_principal("db", {"CANONICALIZE_HOST_NAME": True}) == \
        "mongodb@db1.example.com"
    assert mech.service_principal("db", {"CANONICALIZE_HOST_NAME": "none"}) == "mongodb@db"


def test_canonicalize_host_name_forward_and_reverse(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda *a: [(2, 1, 6, "alias.example.com", ("10.0.0.1", 0))])
    monkeypatch.setattr(socket, "gethostbyaddr",
                        lambda ip: ("real.example.com", [], [ip]))
    props = {"CANONICALIZE_HOST_NAME": "forwardAndReverse"}
    assert mech.service_principal("db", props) == "mongodb@real.example.com"


def test_unresolvable_host_is_a_configuration_error(monkeypatch):
    def fail(*args):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(ConfigurationError, match="could not canonicalize host name 'db'"):
        mech.service_principal("db", {"CANONICALIZE_HOST_NAME": "forward"})
