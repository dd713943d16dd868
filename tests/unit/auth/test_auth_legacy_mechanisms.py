"""PLAIN, MONGODB-CR and MONGODB-X509 conversations against the scripted wire peer.

FerretDB lacks these mechanisms, so the conversation level is where they are tested.
"""
from __future__ import annotations

import hashlib
import ssl
import subprocess

import attrs
import pytest

from mongofw.auth import mongodb_cr, plain, x509
from mongofw.auth.credentials import MongoCredential
from mongofw.errors import ConfigurationError, OperationFailure
from tests.support.wire_peer import WirePeer, hello_reply
from tests.unit.auth.auth_peers import AUTH_FAILED, make_pool


def _handler(answers, hello=None):
    def handle(name, command):
        if name == "isMaster":
            return hello or hello_reply()
        answer = answers.get(name, {"ok": 1.0})
        return answer(command) if callable(answer) else answer
    return handle


def _login(peer, credentials, **options):
    pool = make_pool(peer, **options)
    try:
        with pool.get_socket({credentials.source: credentials}):
            pass
    finally:
        pool.close()


# ------------------------------------------------------------ PLAIN


def test_plain_sends_one_sasl_start_with_the_rfc4616_message():
    with WirePeer(_handler({"saslStart": {"ok": 1.0, "done": True, "conversationId": 1}})
                  ) as peer:
        _login(peer, MongoCredential("PLAIN", "$external", "ldapuser", "s3cret", None))
        (start,) = peer.commands("saslStart")
        assert start["mechanism"] == "PLAIN" and start["$db"] == "$external"
        assert bytes(start["payload"]) == b"\x00ldapuser\x00s3cret"
        assert start["autoAuthorize"] == 1


def test_plain_message_is_utf8():
    assert plain.plain_message("\u00fc", "p\u00e4ss") == b"\x00\xc3\xbc\x00p\xc3\xa4ss"


def test_plain_refused_by_server_raises_code_18():
    with WirePeer(_handler({"saslStart": AUTH_FAILED})) as peer:
        with pytest.raises(OperationFailure) as info:
            _login(peer, MongoCredential("PLAIN", "$external", "u", "bad", None))
        assert info.value.code == 18


def test_plain_server_wanting_more_steps_fails():
    with WirePeer(_handler({"saslStart": {"ok": 1.0, "done": False, "conversationId": 1}})
                  ) as peer:
        with pytest.raises(OperationFailure, match="more PLAIN steps"):
            _login(peer, MongoCredential("PLAIN", "$external", "u", "p", None))


# ------------------------------------------------------------ MONGODB-CR


def test_mongodb_cr_key_is_md5_of_nonce_user_and_digest():
    digest = hashlib.md5(b"user:mongo:pencil").hexdigest()
    assert mongodb_cr.password_digest("user", "pencil") == digest
    assert mongodb_cr.auth_key("2375531c32080ae8", "user", "pencil") == hashlib.md5(
        ("2375531c32080ae8user" + digest).encode()).hexdigest()


def test_mongodb_cr_conversation():
    with WirePeer(_handler({"getnonce": {"ok": 1.0, "nonce": "2375531c32080ae8"}},
                           hello_reply(max_wire_version=2))) as peer:
        _login(peer, MongoCredential("MONGODB-CR", "app", "user", "pencil", None))
        assert [next(iter(c)) for c in peer.commands()][1:] == ["getnonce", "authenticate"]
        auth = peer.commands("authenticate")[0]
        assert auth == {"authenticate": 1, "user": "user", "nonce": "2375531c32080ae8",
                        "key": mongodb_cr.auth_key("2375531c32080ae8", "user", "pencil")}


def test_mongodb_cr_without_nonce_fails():
    with WirePeer(_handler({"getnonce": {"ok": 1.0}})) as peer:
        with pytest.raises(OperationFailure, match="carries no nonce"):
            _login(peer, MongoCredential("MONGODB-CR", "app", "user", "pencil", None))


def test_mongodb_cr_refused_raises_code_18():
    with WirePeer(_handler({"getnonce": {"ok": 1.0, "nonce": "ab"},
                            "authenticate": AUTH_FAILED})) as peer:
        with pytest.raises(OperationFailure) as info:
            _login(peer, MongoCredential("MONGODB-CR", "app", "user", "bad", None))
        assert info.value.code == 18


# ------------------------------------------------------------ MONGODB-X509


def test_x509_without_user_on_new_servers_lets_the_server_take_the_subject():
    with WirePeer(_handler({})) as peer:
        _login(peer, MongoCredential("MONGODB-X509", "$external", None, None, None))
        (auth,) = peer.commands("authenticate")
        assert auth["mechanism"] == "MONGODB-X509" and "user" not in auth
        assert auth["$db"] == "$external"


def test_x509_with_user_sends_it():
    subject = "CN=client,OU=apps,O=Example,C=US"
    with WirePeer(_handler({})) as peer:
        _login(peer, MongoCredential("MONGODB-X509", "$external", subject, None, None))
        assert peer.commands("authenticate")[0]["user"] == subject


def test_x509_old_server_without_user_or_certificate_is_a_configuration_error():
    with WirePeer(_handler({}, hello_reply(max_wire_version=4))) as peer:
        with pytest.raises(ConfigurationError, match="needs a username for servers older"):
            _login(peer, MongoCredential("MONGODB-X509", "$external", None, None, None))


def test_x509_old_server_takes_the_user_from_the_client_certificate(tmp_path):
    key, cert = tmp_path / "c.key", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert),
                    "-subj", "/C=US/ST=New York/O=Example, Inc./OU=apps/CN=client"],
                   check=True, capture_output=True)
    expected = "CN=client,OU=apps,O=Example\\, Inc.,ST=New York,C=US"
    assert x509.certificate_subject(str(cert)) == expected

    with WirePeer(_handler({}, hello_reply(max_wire_version=4))) as peer:
        pool = make_pool(peer)
        # The client's certificate file reaches the mechanism through the pool options.
        pool.opts = attrs.evolve(pool.opts, ssl_certfile=str(cert))
        with pool.get_socket({"$external": MongoCredential("MONGODB-X509", "$external",
                                                           None, None, None)}):
            pass
        pool.close()
        assert peer.commands("authenticate")[0]["user"] == expected


def test_x509_unreadable_certificate_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="could not read the client certificate"):
        x509.certificate_subject(str(tmp_path / "missing.pem"))


def test_rfc2253_escapes_specials_and_orders_most_specific_first():
    subject = ((("countryName", "US"),), (("organizationName", "A+B; \"C\""),),
               (("commonName", " lead"), ("userId", "x")))
    assert x509.rfc2253_subject(subject) == \
        'CN=\\ lead+UID=x,O=A\\+B\\; \\"C\\",C=US'


def test_x509_refused_raises_code_18():
    with WirePeer(_handler({"authenticate": AUTH_FAILED})) as peer:
        with pytest.raises(OperationFailure) as info:
            _login(peer, MongoCredential("MONGODB-X509", "$external", "CN=x", None, None))
        assert info.value.code == 18


def test_ssl_module_decoder_exists():
    """certificate_subject relies on the ssl module's own PEM decoder."""
    assert callable(ssl._ssl._test_decode_cert)
