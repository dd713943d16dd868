"""SCRAM steps against the RFC 5802 / 7677 vectors, and whole conversations over the wire."""
from __future__ import annotations

import base64

import pytest

from mongofw.auth import scram
from mongofw.auth.credentials import MongoCredential
from mongofw.errors import ConfigurationError, NetworkTimeout, OperationFailure
from tests.support.wire_peer import NO_REPLY, WirePeer, hello_reply
from tests.unit.auth.auth_peers import ScramServer, make_pool


def _proof_and_signature(variant, prepared, client_nonce, server_first, iterations_ok=True):
    first_bare = scram.client_first_bare("user", client_nonce).encode()
    server_nonce, salt, iterations = scram.check_server_first(
        scram.parse_attributes(server_first), client_nonce)
    without_proof = f"c=biws,r={server_nonce}".encode()
    auth_message = b",".join((first_bare, server_first, without_proof))
    client_key, server_key = scram.derive_keys(
        variant, scram.salted_password(variant, prepared, salt, iterations))
    proof = base64.b64encode(scram.client_proof(variant, client_key, auth_message))
    signature = base64.b64encode(scram.server_signature(variant, server_key, auth_message))
    return proof.decode(), signature.decode()


def test_rfc5802_sha1_vector():
    """RFC 5802 section 5: user "user", password "pencil" (no MongoDB digest)."""
    proof, signature = _proof_and_signature(
        scram.SHA1, b"pencil", "fyko+d2lbbFgONRv9qkxdawL",
        b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
    assert proof == "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
    assert signature == "rmF9pqV8S7suAoZWja4dJRkFsKQ="


def test_rfc7677_sha256_vector():
    """RFC 7677 section 3: the same user and password with SHA-256."""
    proof, signature = _proof_and_signature(
        scram.SHA256, scram.SHA256.prepare_password("user", "pencil"), "rOprNGfwEbeRWgbNEkqO",
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,"
        b"i=4096")
    assert proof == "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    assert signature == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def test_mongodb_sha1_vector():
    """The MongoDB auth spec's SCRAM-SHA-1 example: the password is MD5-digested first."""
    prepared = scram.SHA1.prepare_password("user", "pencil")
    assert prepared == b"1c33006ec1ffd90f9cadcbcc0e118200"
    proof, signature = _proof_and_signature(
        scram.SHA1, prepared, "fyko+d2lbbFgONRv9qkxdawL",
        b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,"
        b"s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000")
    assert proof == "MC2T8BvbmWRckDw8oWl5IVghwCY="
    assert signature == "UMWeI25JD1yNYZRMpZ4VHvhZ9e0="


def test_sha256_password_is_saslprepped():
    assert scram.SHA256.prepare_password("u", "I\u00adX") == b"IX"
    assert scram.SHA256.prepare_password("u", "\u2168") == b"IX"


def test_sha256_refuses_password_saslprep_rejects():
    with pytest.raises(ConfigurationError, match="cannot be used with SCRAM-SHA-256") as info:
        scram.SHA256.prepare_password("u", "a\u0007b")
    assert "\u0007" not in str(info.value)


@pytest.mark.parametrize("name,escaped", [("user", "user"), ("a=b", "a=3Db"),
                                          ("a,b", "a=2Cb"), ("=,", "=3D=2C")])
def test_username_escaping(name, escaped):
    assert scram.escape_username(name) == escaped


def test_nonce_is_24_random_bytes_base64():
    nonces = {scram.new_nonce() for _ in range(50)}
    assert len(nonces) == 50
    assert all(len(base64.b64decode(n)) == 24 and "," not in n for n in nonces)


@pytest.mark.parametrize("server_first,message", [
    (b"r=abcXYZ,s=c2FsdA==,i=4096,m=x", "SCRAM extension"),
    (b"m=x,r=abcXYZ,s=c2FsdA==,i=4096", "SCRAM extension"),
    (b"r=abcXYZ,i=4096", "lacks s"),
    (b"r=zzzXYZ,s=c2FsdA==,i=4096", "invalid SCRAM nonce"),
    (b"r=abc,s=c2FsdA==,i=4096", "invalid SCRAM nonce"),
    (b"r=abcXYZ,s=c2FsdA==,i=4095", "at least 4096, not 4095"),
    (b"r=abcXYZ,s=c2FsdA==,i=many", "malformed"),
    (b"r=abcXYZ,s=!!!,i=4096", "malformed"),
])
def test_server_first_checks(server_first, message):
    with pytest.raises(OperationFailure, match=message):
        scram.check_server_first(scram.parse_attributes(server_first), "abc")


def test_malformed_attribute_list():
    with pytest.raises(OperationFailure, match="malformed"):
        scram.parse_attributes(b"r=abc,garbage")


# ------------------------------------------------------------ conversations over the wire


def _cred(mechanism="SCRAM-SHA-256", password="pencil", username="user"):
    return MongoCredential(mechanism, "admin", username, password, None)


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-1", "SCRAM-SHA-256"])
def test_scram_login_succeeds(mechanism):
    server = ScramServer("user", "pencil", mechanism)
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pool.get_socket({"admin": _cred(mechanism)}) as sock_info:
            assert sock_info.command("admin", {"ping": 1})["ok"] == 1.0
        assert server.logins == 1
        assert server.commands == ["isMaster", "saslStart", "saslContinue", "ping"]
        start = peer.commands("saslStart")[0]
        assert start["mechanism"] == mechanism and start["$db"] == "admin"
        pool.close()


def test_username_with_specials_round_trips():
    server = ScramServer("a=b,c", "pencil")
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pool.get_socket({"admin": _cred(username="a=b,c")}):
            pass
        assert server.logins == 1
        pool.close()


def test_wrong_password_raises_code_18_and_drops_the_socket():
    server = ScramServer("user", "pencil")
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pytest.raises(OperationFailure) as info:
            with pool.get_socket({"admin": _cred(password="wrong")}):
                pass
        assert info.value.code == 18
        assert pool.stats()["idle"] == 0 and pool.stats()["active"] == 0
        # The pool is still healthy: the right password logs in on a new socket.
        with pool.get_socket({"admin": _cred()}):
            pass
        assert server.logins == 1
        pool.close()


@pytest.mark.parametrize("fault,message", [
    ("bad_nonce", "invalid SCRAM nonce"),
    ("bad_signature", "signature did not verify"),
    ("server_error", "rejected the SCRAM proof: other-error"),
    ("mandatory_extension", "SCRAM extension"),
    ("never_done", "did not finish SCRAM-SHA-256 after 10 extra steps"),
])
def test_misbehaving_server_fails_clearly(fault, message):
    server = ScramServer("user", "pencil", **{fault: True})
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pytest.raises(OperationFailure, match=message):
            with pool.get_socket({"admin": _cred()}):
                pass
        assert pool.stats()["idle"] == 0
        pool.close()


def test_low_iteration_count_is_refused():
    server = ScramServer("user", "pencil", iterations=1000)
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pytest.raises(OperationFailure, match="at least 4096, not 1000"):
            with pool.get_socket({"admin": _cred()}):
                pass
        pool.close()


def test_extra_empty_step_finishes_the_conversation():
    """Servers before 4.4 answer the proof with done: false and want one empty step."""
    server = ScramServer("user", "pencil", extra_step=True)
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pool.get_socket({"admin": _cred()}):
            pass
        assert server.commands == ["isMaster", "saslStart", "saslContinue", "saslContinue"]
        assert bytes(peer.commands("saslContinue")[1]["payload"]) == b""
        pool.close()


def test_silent_server_times_out_instead_of_hanging():
    def handler(name, command):
        return hello_reply() if name == "isMaster" else NO_REPLY

    with WirePeer(handler) as peer:
        pool = make_pool(peer, connect_timeout=0.5)
        with pytest.raises(NetworkTimeout):
            with pool.get_socket({"admin": _cred()}):
                pass
        pool.close()


def test_keys_are_cached_per_pool_and_not_the_password(monkeypatch):
    server = ScramServer("user", "pencil")
    calls = []
    real = scram.salted_password
    monkeypatch.setattr(scram, "salted_password",
                        lambda *args: calls.append(1) or real(*args))
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        cred = _cred()
        for _ in range(3):
            with pool.get_socket({"admin": cred}) as sock_info:
                sock_info.close()  # force a new connection (and login) next time
        assert server.logins == 3
        assert len(calls) == 1
        (key, value), = pool.auth_cache.items()
        assert key == ("SCRAM-SHA-256", "user", "admin", server.salt, 4096)
        assert b"pencil" not in b"".join(value) and "pencil" not in repr(pool.auth_cache)
        pool.close()


def test_cached_keys_are_not_reused_for_a_wrong_password():
    server = ScramServer("user", "pencil")
    with WirePeer(server) as peer:
        pool = make_pool(peer)
        with pool.get_socket({"admin": _cred()}):
            pass
        with pytest.raises(OperationFailure) as info:
            with pool.get_socket({"admin": _cred(password="not-pencil")}):
                pass
        assert info.value.code == 18
        pool.close()


def test_missing_password_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="needs a username and a password"):
        scram.authenticate_scram(_cred(password=None), object(), "SCRAM-SHA-256")


def test_unknown_variant_is_refused():
    with pytest.raises(ConfigurationError, match="not 'SCRAM-MD5'"):
        scram.authenticate_scram(_cred(), object(), "SCRAM-MD5")
