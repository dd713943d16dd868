"""Connection-string parsing: the documented functions, their results and their errors."""
from __future__ import annotations

import warnings
from urllib.parse import quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mongofw.errors import ConfigurationError, InvalidURI
from mongofw.options.uri_parser import (
    OptionDict,
    parse_host,
    parse_ipv6_literal_host,
    parse_uri,
    parse_userinfo,
    split_hosts,
    split_options,
    validate_options,
)


def test_parse_uri_returns_the_documented_dict():
    result = parse_uri("mongodb://alice:s3cret@Example.COM:27018,[::1]/shop.orders?w=2")
    assert result == {"nodelist": [("example.com", 27018), ("::1", 27017)],
                      "username": "alice", "password": "s3cret", "database": "shop",
                      "collection": "orders", "options": {"w": 2}}


def test_parse_uri_without_path_has_no_database():
    result = parse_uri("mongodb://localhost")
    assert (result["database"], result["collection"], dict(result["options"])) == \
        (None, None, {})


def test_parse_uri_uses_default_port_argument():
    assert parse_uri("mongodb://h1,h2:5", default_port=4)["nodelist"] == [("h1", 4), ("h2", 5)]


def test_percent_encoded_socket_path_is_a_unix_socket_without_port():
    result = parse_uri("mongodb://%2Ftmp%2Fmongodb-27017.sock/admin")
    assert result["nodelist"] == [("/tmp/mongodb-27017.sock", None)]
    assert result["database"] == "admin"


def test_host_ending_in_sock_without_slash_is_a_host_name():
    assert parse_host("mongodb-27017.sock") == ("mongodb-27017.sock", 27017)


def test_parse_host_plain_socket_path():
    # As 3.4: a socket path comes back as is with the default port; split_hosts gives None.
    assert parse_host("/tmp/Mongo.sock") == ("/tmp/Mongo.sock", 27017)
    assert split_hosts("/tmp/Mongo.sock") == [("/tmp/Mongo.sock", None)]


def test_parse_host_lower_cases_and_applies_default_port():
    assert parse_host("DB1.Example.com", 5) == ("db1.example.com", 5)


@pytest.mark.parametrize("entity", ["localhost:0", "localhost:65536", "localhost:-1",
                                    "localhost:2_7", "localhost:"])
def test_parse_host_rejects_bad_ports(entity):
    port = entity.partition(":")[2]
    with pytest.raises(ValueError, match=f"port must be an integer from 1 to 65535, "
                                         f"not '{port}'"):
        parse_host(entity)


def test_parse_host_rejects_unbracketed_ipv6():
    with pytest.raises(ValueError, match=r"must be enclosed in '\[' and '\]'"):
        parse_host("::1")


def test_parse_ipv6_literal_host():
    assert parse_ipv6_literal_host("[::1]:27019", 27017) == ("::1", "27019")  # 3.4: text
    assert parse_ipv6_literal_host("[fe80::1]", 5) == ("fe80::1", 5)


def test_parse_ipv6_literal_host_requires_closing_bracket():
    with pytest.raises(ValueError, match=r"enclosed in '\[' and '\]' \(RFC 2732\), "
                                         r"not '\[::1'"):
        parse_ipv6_literal_host("[::1", 27017)


def test_split_hosts_keeps_order_and_does_not_decode():
    # As 3.4: parse_uri decodes a host list that names a socket; split_hosts does not.
    assert split_hosts("b:1,a,%2Fx%2Fy.sock") == [("b", 1), ("a", 27017),
                                                  ("%2Fx%2Fy.sock", None)]
    assert parse_uri("mongodb://b:1,%2Fx%2Fy.sock")["nodelist"] == [("b", 1),
                                                                   ("/x/y.sock", None)]


def test_split_hosts_rejects_empty_entry():
    with pytest.raises(ConfigurationError, match=r"Empty host \(or extra comma in host list\)"):
        split_hosts("a,,b")


def test_parse_userinfo_decodes_plus_as_space_and_gives_empty_password():
    # 3.4's unquote_plus: '+' is a space, '%2B' a plus; no ':' gives the password ''.
    assert parse_userinfo("a+b:c%2Bd") == ("a b", "c+d")
    assert parse_userinfo("alice:") == ("alice", "")
    assert parse_userinfo("alice") == ("alice", "")


@pytest.mark.parametrize("userinfo", ["", ":pw"])
def test_parse_userinfo_requires_username(userinfo):
    with pytest.raises(InvalidURI, match="The empty string is not a valid username"):
        parse_userinfo(userinfo)


@pytest.mark.parametrize("uri", ["mongodb://alice:Zq/9x@localhost/db",
                                 "mongodb://alice:Zq?9x@localhost/db",
                                 "mongodb://alice:Zq:9x@localhost",
                                 "mongodb://alice:Zq9x@@localhost"])
def test_bad_userinfo_errors_never_show_the_password(uri):
    with pytest.raises(InvalidURI) as info:
        parse_uri(uri)
    assert "Zq" not in str(info.value) and "9x" not in str(info.value)


@given(st.text(min_size=1), st.text())
def test_encoded_credentials_round_trip(username, password):
    uri = f"mongodb://{quote_plus(username)}:{quote_plus(password)}@localhost/"
    # quote_plus and 3.4's unquote_plus decoding are inverses.
    result = parse_uri(uri)
    assert (result["username"], result["password"]) == (username, password)


@given(st.lists(st.tuples(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
                          st.integers(1, 65535)), min_size=1, max_size=5))
def test_host_lists_round_trip(nodes):
    hosts = ",".join(f"{host}:{port}" for host, port in nodes)
    assert parse_uri(f"mongodb://{hosts}/")["nodelist"] == nodes


def test_bad_scheme_names_only_the_scheme():
    with pytest.raises(InvalidURI, match=r"must begin with 'mongodb://' or 'mongodb\+srv://', "
                                         r"not 'http://'"):
        parse_uri("http://user:pw@host")


def test_missing_host():
    with pytest.raises(InvalidURI, match="The URI names no host"):
        parse_uri("mongodb:///db")


def test_database_name_is_decoded_not_checked():
    # As 3.4: unquote_plus after splitting at the first '.'; the server judges the name.
    result = parse_uri("mongodb://localhost/my%20db+x%2Ey.coll")
    assert (result["database"], result["collection"]) == ("my db x.y", "coll")


def test_srv_scheme_is_refused_with_reason():
    with pytest.raises(InvalidURI, match="mongodb\\+srv requires DNS SRV lookups, "
                                                 "which this driver does not support"):
        parse_uri("mongodb+srv://cluster0.example.net/?retryWrites=true")


@pytest.mark.parametrize("uri,message", [
    ("mongodb+srv://a.example.com,b.example.com", "must name exactly one host"),
    ("mongodb+srv://a.example.com:27018", "must not include a port number")])
def test_srv_shape_errors_come_first(uri, message):
    with pytest.raises(InvalidURI, match=message):
        parse_uri(uri)


def test_srv_only_options_need_srv_scheme():
    with pytest.raises(ConfigurationError, match="srvMaxHosts is only valid with a "
                                                 "mongodb\\+srv:// URI"):
        parse_uri("mongodb://h/?srvMaxHosts=2")


def test_options_are_case_insensitive():
    options = parse_uri("mongodb://h/?REPLICASET=rs0&maxpoolsize=5")["options"]
    assert isinstance(options, OptionDict)
    assert options["replicaSet"] == options["replicaset"] == "rs0"
    assert options.cased_key("replicaset") == "REPLICASET"
    assert dict(options) == {"replicaset": "rs0", "maxpoolsize": 5}


def test_read_preference_tags_accumulate_in_order():
    options = split_options("readPreferenceTags=dc:ny,rack:1&readPreferenceTags=dc:sf"
                            "&readPreferenceTags=")
    assert options["readPreferenceTags"] == [{"dc": "ny", "rack": "1"}, {"dc": "sf"}, {}]


def test_repeated_option_warns_and_keeps_last():
    with pytest.warns(UserWarning, match="Duplicate URI option replicaSet"):
        options = split_options("replicaSet=a&replicaSet=b")
    assert options["replicaset"] == "b"


def test_semicolon_separator_and_mixing_error():
    assert dict(split_options("w=1;journal=true")) == {"w": 1, "journal": True}
    with pytest.raises(InvalidURI, match="Can not mix '&' and ';'"):
        split_options("w=1;journal=true&fsync=true")


def test_option_without_value_is_invalid():
    with pytest.raises(InvalidURI, match="MongoDB URI options are key=value pairs"):
        split_options("w")


def test_split_options_without_validation_keeps_strings():
    # As 3.4: the names as given when not validated.
    assert split_options("maxPoolSize=abc", validate=False) == {"maxPoolSize": "abc"}


def test_bad_value_raises_without_warn():
    with pytest.raises(ValueError, match="maxPoolSize must be a positive integer, not '0'"):
        parse_uri("mongodb://h/?maxPoolSize=0")


def test_bad_value_warns_and_is_dropped_with_warn():
    with pytest.warns(UserWarning, match="connectTimeoutMS must be a non-negative number, "
                                         "not '-2'; the option is ignored"):
        result = parse_uri("mongodb://h/?connectTimeoutMS=-2&w=1", warn=True)
    assert dict(result["options"]) == {"w": 1}


def test_unknown_option():
    with pytest.raises(ConfigurationError, match="Unknown URI option 'foo'"):
        validate_options({"foo": "bar"})
    with pytest.warns(UserWarning, match="Unknown URI option 'foo'"):
        assert dict(validate_options({"foo": "bar"}, warn=True)) == {}


def test_keyword_only_names_are_unknown_in_uris():
    with pytest.raises(ConfigurationError, match="Unknown URI option 'document_class'"):
        validate_options({"document_class": "dict"})


def test_deprecated_wtimeout_warns_and_yields_to_wtimeoutms():
    with pytest.warns(UserWarning, match="Option wtimeout is deprecated, use 'wtimeoutMS'"):
        options = split_options("wtimeout=5&wtimeoutMS=10")
    assert dict(options) == {"wtimeoutms": 10}
    with pytest.warns(UserWarning, match="Option wtimeout is deprecated"):
        assert dict(split_options("wtimeout=5")) == {"wtimeout": 5}


def test_conflicting_options_raise_even_with_warn():
    with pytest.raises(ConfigurationError, match="tls and ssl are the same option and must "
                                                 "agree"):
        parse_uri("mongodb://h/?tls=true&ssl=false", warn=True)


def test_unacknowledged_with_journal_conflicts():
    with pytest.raises(ConfigurationError, match="w=0 \\(unacknowledged writes\\) cannot be "
                                                 "combined with journal=true"):
        parse_uri("mongodb://h/?w=0&journal=true")


def test_direct_connection_needs_one_host():
    with pytest.raises(ConfigurationError, match="directConnection=true requires exactly one "
                                                 "host, not 2"):
        parse_uri("mongodb://a,b/?directConnection=true")


def test_option_values_are_percent_decoded_before_splitting():
    options = parse_uri("mongodb://h/?authMechanismProperties=SERVICE_NAME:a%2Cb:c"
                        "&appname=my%20app")["options"]
    assert options["appname"] == "my app"


def test_secret_values_are_hidden_in_option_repr():
    options = parse_uri("mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:tok3n")
    assert "tok3n" not in repr(options["options"])


def test_no_warning_for_clean_uri():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_uri("mongodb://a,b/db?replicaSet=rs&tls=true&ssl=true&readPreference=nearest")


def test_pymongo_uri_parser_reexports_core():
    import pymongo.uri_parser as documented
    from mongofw.options import uri_parser

    assert documented.parse_uri is uri_parser.parse_uri
    assert documented.split_options is uri_parser.split_options
