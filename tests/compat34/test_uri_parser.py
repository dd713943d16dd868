"""pymongo.uri_parser as PyMongo 3.4's parse_uri, parse_userinfo, split_hosts and
split_options: what is accepted, what is decoded, what warns."""
from __future__ import annotations

import json
import warnings

import pytest

from pymongo.errors import ConfigurationError, InvalidURI
from pymongo.uri_parser import (
    parse_host,
    parse_ipv6_literal_host,
    parse_uri,
    parse_userinfo,
    split_hosts,
    split_options,
    validate_options,
)


def test_userinfo_is_unquote_plus_decoded():
    assert parse_userinfo("a+b:c+d") == ("a b", "c d")
    assert parse_userinfo("a%2Bb:c%2Bd") == ("a+b", "c+d")
    result = parse_uri("mongodb://a+b:p%40ss+w@h")
    assert (result["username"], result["password"]) == ("a b", "p@ss w")


def test_user_without_password_gives_the_empty_password():
    assert parse_userinfo("alice") == ("alice", "")
    assert parse_uri("mongodb://alice@h")["password"] == ""


def test_a_percent_that_starts_no_escape_is_literal():
    assert parse_userinfo("a%zz:b%") == ("a%zz", "b%")
    assert parse_uri("mongodb://user%w:pa%ss@h")["username"] == "user%w"


def test_parse_userinfo_takes_a_slash_and_refuses_at_or_two_colons():
    assert parse_userinfo("a/b:c") == ("a/b", "c")
    for userinfo in ("a@b:c", "a:b:c"):
        with pytest.raises(InvalidURI):
            parse_userinfo(userinfo)
    with pytest.raises(InvalidURI, match="The empty string is not a valid username"):
        parse_userinfo(":b")


def test_a_host_ending_in_sock_is_a_unix_socket():
    assert parse_uri("mongodb://mongodb-27017.sock")["nodelist"] == [
        ("mongodb-27017.sock", None)]
    assert split_hosts("/tmp/a.sock,b") == [("/tmp/a.sock", None), ("b", 27017)]
    assert parse_host("/tmp/a.sock") == ("/tmp/a.sock", 27017)


def test_percent_escapes_in_hosts_are_decoded_only_for_a_socket_uri():
    assert parse_uri("mongodb://%2Ftmp%2Fa.sock/db")["nodelist"] == [("/tmp/a.sock", None)]
    assert split_hosts("%2Ftmp%2Fa.sock") == [("%2Ftmp%2Fa.sock", None)]


def test_bad_hosts_and_ports_raise_value_error():
    for uri in ("mongodb://a:x", "mongodb://a:0", "mongodb://a:65536", "mongodb://[::1",
                "mongodb://::1"):
        with pytest.raises(ValueError):
            parse_uri(uri)
        with pytest.raises(InvalidURI):  # and the connection string spec's error
            parse_uri(uri)


def test_ipv6_literal_port_comes_back_as_text():
    assert parse_ipv6_literal_host("[::1]:5", 1) == ("::1", "5")
    assert parse_host("[::1]:5") == ("::1", 5)


def test_a_dotted_path_is_database_and_collection():
    """The connection string specification's auth database is the whole 'db.coll';
    3.4's parse_uri split it, and so does ours."""
    result = parse_uri("mongodb://h/db.coll.sub")
    assert (result["database"], result["collection"]) == ("db", "coll.sub")


def test_database_and_collection_are_split_then_decoded():
    result = parse_uri("mongodb://h/d%2Eb+x.c$d")
    assert (result["database"], result["collection"]) == ("d.b x", "c$d")


def test_option_values_are_unquote_plus_decoded():
    assert parse_uri("mongodb://h/?appname=my+app%21")["options"]["appname"] == "my app!"


@pytest.mark.parametrize("opts", ["", "w", "w=1=2", "w=1&&j=true", "w=1&"])
def test_options_must_be_key_value_pairs(opts):
    with pytest.raises(InvalidURI, match="MongoDB URI options are key=value pairs"):
        split_options(opts)


def test_a_repeated_option_warns_duplicate_only_when_spelt_the_same():
    with pytest.warns(UserWarning, match="Duplicate URI option w"):
        assert split_options("w=1&w=2") == {"w": 2}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert split_options("w=1&W=2") == {"w": 2}


def test_wtimeout_always_warns_that_it_is_deprecated():
    with pytest.warns(UserWarning, match="Option wtimeout is deprecated, use 'wtimeoutMS' "
                                         "instead"):
        assert parse_uri("mongodb://h/?wtimeout=5")["options"] == {"wtimeout": 5}


def test_unknown_options_warn_with_warn_and_raise_without():
    with pytest.warns(UserWarning, match="Unknown URI option 'foo'"):
        assert parse_uri("mongodb://h/?foo=1", warn=True)["options"] == {}
    with pytest.raises(ConfigurationError):
        parse_uri("mongodb://h/?foo=1")


def test_validated_options_are_a_dict_with_lower_case_keys():
    options = split_options("W=1&J=true")
    assert isinstance(options, dict) and options == {"w": 1, "j": True}
    assert list(options) == ["w", "j"] and json.dumps(options) == '{"w": 1, "j": true}'
    assert validate_options({"W": "1"}) == {"w": 1}
    assert split_options("W=1&foo=bar", validate=False) == {"W": "1", "foo": "bar"}


@pytest.mark.parametrize("uri,name,value", [
    ("mongodb://h/?w=-1", "w", "-1"), ("mongodb://h/?w=majority", "w", "majority"),
    ("mongodb://h/?replicaSet=", "replicaset", ""), ("mongodb://h/?authSource=", "authsource", ""),
    ("mongodb://h/?unicode_decode_error_handler=ignore", "unicode_decode_error_handler",
     "ignore"),
])
def test_values_3_4_accepted(uri, name, value):
    assert parse_uri(uri)["options"][name] == value


@pytest.mark.parametrize("uri", ["mongodb://h/?journal=TRUE",
                                 "mongodb://h/?uuidRepresentation=pythonlegacy",
                                 "mongodb://h/?unicode_decode_error_handler=backslashreplace"])
def test_values_3_4_refused(uri):
    with pytest.raises(ValueError):
        parse_uri(uri)


def test_srv_scheme_is_invalid_uri():
    with pytest.raises(InvalidURI):
        parse_uri("mongodb+srv://cluster.example.com")


def test_difference_unescaped_slash_or_question_mark_in_user_info_is_refused():
    """3.4 read mongodb://al/ice:pw@h/db as host 'al' with the database 'ice:pw@h/db':
    the password went into a database name sent to the wrong host.  Ours refuses it,
    without echoing the user info."""
    with pytest.raises(InvalidURI) as info:
        parse_uri("mongodb://al/ice:Zq9x@h/db")
    assert "Zq9x" not in str(info.value)


@pytest.mark.parametrize("uri", ["mongodb://[::1]x", "mongodb://:5"])
def test_difference_hosts_3_4_misread_are_refused(uri):
    """3.4 returned the host '::1]' and the empty host '' for these."""
    with pytest.raises(InvalidURI):
        parse_uri(uri)


def test_difference_options_may_follow_the_hosts_without_a_slash():
    """3.4 required mongodb://h/?w=1; the connection string specification (and newer
    drivers) accept mongodb://h?w=1."""
    assert parse_uri("mongodb://h?w=1")["options"] == {"w": 1}


def test_difference_option_values_are_normalised_as_the_uri_options_spec_says():
    """3.4 gave timeouts in seconds (connectTimeoutMS=1500 -> 1.5), readPreference as
    its mode number and CANONICALIZE_HOST_NAME as a bool; ours keeps milliseconds, the
    mode name and the text.  MongoClient reads them either way."""
    options = parse_uri("mongodb://u@h/?connectTimeoutMS=1500&readPreference=secondary"
                        "&authMechanism=GSSAPI"
                        "&authMechanismProperties=CANONICALIZE_HOST_NAME:true")["options"]
    assert options["connecttimeoutms"] == 1500
    assert options["readpreference"] == "secondary"
    assert options["authmechanismproperties"] == {"CANONICALIZE_HOST_NAME": "true"}


@pytest.mark.parametrize("uri", ["mongodb://h/?w=0&journal=true",
                                 "mongodb://h/?heartbeatFrequencyMS=100"])
def test_difference_uri_options_that_fail_at_parse_time(uri):
    """3.4's parse_uri accepted these; its MongoClient then refused them."""
    with pytest.raises((ConfigurationError, ValueError)):
        parse_uri(uri)


def test_difference_uri_options_that_3_4_refused_or_ignored_at_parse_time():
    """3.4 opened ssl_certfile to check it could (FileNotFoundError at parse time),
    refused authMechanism names it did not know, and warned "Unknown option" for the
    options added after 3.4.  Ours checks files when the client is built, leaves
    mechanism names to the auth plugins, and understands the newer options."""
    options = parse_uri("mongodb://u:p@h/?ssl_certfile=/nonexistent&authMechanism=BOGUS"
                        "&tls=true&socketTimeoutMS=0")["options"]
    assert options["ssl_certfile"] == "/nonexistent" and options["authmechanism"] == "BOGUS"
    assert options["tls"] is True and options["sockettimeoutms"] == 0


def test_difference_secret_option_values_are_hidden_in_the_repr():
    options = parse_uri("mongodb://h/?ssl_pem_passphrase=s3cret")["options"]
    assert options["ssl_pem_passphrase"] == "s3cret"
    assert repr(options) == "{'ssl_pem_passphrase': '<hidden>'}"
