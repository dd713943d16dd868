"""DEFAULT negotiation, the default plugin's registry, and ``pymongo.auth.MECHANISMS``."""
from __future__ import annotations

import subprocess
import sys
import types

import pytest

from mongofw.auth import default_plugin
from mongofw.auth.credentials import MongoCredential, build_credentials
from mongofw.auth.default import negotiate_mechanism
from mongofw.errors import ConfigurationError
from mongofw.plugin_manager import Plugins, create_plugin_manager
from tests.support.wire_peer import WirePeer, hello_reply
from tests.unit.auth.auth_peers import ScramServer, make_pool


def _sock(wire_version, mechs=None):
    reply = {"maxWireVersion": wire_version}
    if mechs is not None:
        reply["saslSupportedMechs"] = mechs
    return types.SimpleNamespace(ismaster=reply, max_wire_version=wire_version)


@pytest.mark.parametrize("wire_version,mechs,expected", [
    (21, ["SCRAM-SHA-1", "SCRAM-SHA-256"], "SCRAM-SHA-256"),
    (21, ["SCRAM-SHA-256"], "SCRAM-SHA-256"),
    (21, ["SCRAM-SHA-1"], "SCRAM-SHA-1"),
    (21, [], "SCRAM-SHA-1"),          # unknown user: the server fails the login itself
    (21, None, "SCRAM-SHA-1"),        # no saslSupportedMechs (MongoDB 3.0 - 3.6)
    (3, None, "SCRAM-SHA-1"),
    (2, None, "MONGODB-CR"),          # MongoDB 2.6
])
def test_negotiation(wire_version, mechs, expected):
    assert negotiate_mechanism(_sock(wire_version, mechs)) == expected


@pytest.mark.parametrize("offered,used", [(["SCRAM-SHA-1", "SCRAM-SHA-256"], "SCRAM-SHA-256"),
                                          (["SCRAM-SHA-1"], "SCRAM-SHA-1")])
def test_default_logs_in_with_the_negotiated_scram(offered, used):
    server = ScramServer("user", "pencil", used,
                         hello=hello_reply(saslSupportedMechs=offered))
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pool.get_socket({"admin": MongoCredential("DEFAULT", "admin", "user", "pencil",
                                                       None)}):
            pass
        pool.close()
        assert peer.commands("saslStart")[0]["mechanism"] == used
    assert server.logins == 1


def _plugins():
    return Plugins(create_plugin_manager(entry_points=[],
                                         plugins=[("default_auth", default_plugin)]))


def test_default_plugin_registers_every_documented_mechanism():
    registry = _plugins().auth_mechanisms()
    assert sorted(registry) == ["DEFAULT", "GSSAPI", "MONGODB-CR", "MONGODB-X509", "PLAIN",
                                "SCRAM-SHA-1", "SCRAM-SHA-256"]
    assert registry["MONGODB-X509"].requires_password is False
    assert registry["GSSAPI"].default_source == "$external"


def test_sha256_password_is_validated_when_credentials_are_built():
    registry = _plugins().auth_mechanisms()
    with pytest.raises(ConfigurationError, match="cannot be used with SCRAM-SHA-256"):
        build_credentials({"username": "u", "password": "bad\u0007",
                           "authMechanism": "SCRAM-SHA-256"}, None, registry)
    ok = build_credentials({"username": "u", "password": "\u2168",
                            "authMechanism": "SCRAM-SHA-256"}, None, registry)
    assert ok.mechanism == "SCRAM-SHA-256" and ok.source == "admin"


def test_mechanism_repr_hides_the_functions():
    text = repr(_plugins().auth_mechanisms()["PLAIN"])
    assert text == "AuthMechanism(name='PLAIN', default_source=None, requires_password=True)"


def test_import_pymongo_loads_no_plugin():
    code = ("import sys, pymongo, pymongo.auth; "
            "print(sorted(m for m in sys.modules if m.startswith('mongofw.auth') "
            "or m == 'mongofw.plugin_manager'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_mechanisms_come_from_the_registered_plugins():
    code = ("import sys, pymongo.auth; m = pymongo.auth.MECHANISMS; "
            "print(type(m).__name__, sorted(m), 'mongofw.auth.default_plugin' in sys.modules)")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True,
                         text=True, check=True).stdout.strip()
    kind, rest = out.split(" ", 1)
    assert kind == "frozenset"
    for name in ("DEFAULT", "GSSAPI", "MONGODB-CR", "MONGODB-X509", "PLAIN", "SCRAM-SHA-1",
                 "SCRAM-SHA-256"):
        assert f"'{name}'" in rest
    assert rest.endswith("True")


def test_disabled_default_plugin_removes_its_mechanisms():
    code = "import pymongo.auth; print(sorted(pymongo.auth.MECHANISMS))"
    env = {**__import__("os").environ, "MONGOFW_DISABLE_PLUGINS": "default_auth"}
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True,
                         text=True, check=True, env=env).stdout.strip()
    assert "SCRAM-SHA-1" not in out and "DEFAULT" not in out


def test_unknown_module_attribute():
    import pymongo.auth

    with pytest.raises(AttributeError, match="has no attribute 'NOPE'"):
        pymongo.auth.NOPE  # noqa: B018
