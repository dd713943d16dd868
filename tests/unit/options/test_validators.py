"""Option validators, and their consumers: ClientOptions and credentials built from options."""
from __future__ import annotations

import ssl
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mongofw.auth.credentials import DEFAULT_MECHANISMS, MongoCredential, build_credentials
from mongofw.errors import ConfigurationError
from mongofw.options import validators as common
from mongofw.options.client_options import ClientOptions, merge_options
from mongofw.options.read_concern import ReadConcern
from mongofw.options.uri_parser import parse_uri
from mongofw.options.write_concern import WriteConcern

# ---------------------------------------------------------------- validators


def test_positive_integer_message_names_option_value_and_rule():
    with pytest.raises(ValueError, match="^maxPoolSize must be a positive integer, not 0$"):
        common.validate("maxpoolsize", 0)


def test_positive_integer_refuses_bool_as_type_error():
    with pytest.raises(TypeError, match="maxPoolSize must be a positive integer, not True"):
        common.validate("maxPoolSize", True)


@given(st.integers(-10**6, 10**6))
def test_non_negative_integer_accepts_exactly_the_non_negative_strings(number):
    if number >= 0:
        assert common.validate_non_negative_integer("minPoolSize", str(number)) == number
    else:
        with pytest.raises(ValueError, match=f"not '{number}'"):
            common.validate_non_negative_integer("minPoolSize", str(number))


@pytest.mark.parametrize("text,expected", [("1500", 1500), ("2.5", 2.5), (7, 7), (None, None)])
def test_timeouts_accept_numbers_and_none(text, expected):
    assert common.validate("connectTimeoutMS", text) == ("connecttimeoutms", expected)


@pytest.mark.parametrize("value", ["nan", "inf", "ten"])
def test_timeouts_refuse_non_finite(value):
    with pytest.raises(ValueError, match=f"socketTimeoutMS must be a non-negative number, "
                                         f"not '{value}'"):
        common.validate("socketTimeoutMS", value)


@pytest.mark.parametrize("value,expected", [("true", True), ("false", False), (True, True)])
def test_boolean(value, expected):
    assert common.validate_boolean("journal", value) is expected


def test_boolean_refuses_other_strings_and_types_as_3_4_did():
    with pytest.raises(ValueError, match="loadBalanced must be 'true' or 'false', not '1'"):
        common.validate("loadBalanced", "1")
    with pytest.raises(ValueError, match="journal must be 'true' or 'false', not 'FALSE'"):
        common.validate_boolean("journal", "FALSE")
    with pytest.raises(TypeError, match="journal must be True or False, not int 1"):
        common.validate_boolean("journal", 1)


def test_heartbeat_minimum():
    with pytest.raises(ValueError, match="heartbeatFrequencyMS must be at least 500 "
                                         "\\(milliseconds\\), not '499'"):
        common.validate("heartbeatFrequencyMS", "499")


@pytest.mark.parametrize("value,expected", [("majority", "majority"), ("3", 3), (0, 0),
                                            ("dc-tags", "dc-tags")])
def test_w_values(value, expected):
    assert common.validate_w("w", value) == expected


@pytest.mark.parametrize("value,expected", [("-1", "-1"), (-2, -2), ("", ""), (True, True),
                                            ("3", 3)])
def test_w_takes_any_int_or_string_as_3_4_did(value, expected):
    result = common.validate_w("w", value)
    assert result == expected and type(result) is type(expected)


def test_w_refuses_other_types():
    with pytest.raises(TypeError, match="w must be an integer or a string, not float 1.5"):
        common.validate_w("w", 1.5)


def test_read_preference_mode_is_normalised():
    assert common.validate("readPreference", "SECONDARYPREFERRED")[1] == "secondaryPreferred"
    with pytest.raises(ValueError, match="readPreference must be one of primary, "
                                         "primaryPreferred, secondary, secondaryPreferred, "
                                         "nearest, not 'any'"):
        common.validate("readPreference", "any")


def test_read_preference_tags_from_kwargs_and_strings():
    validate = common.validate_read_preference_tags
    assert validate("readPreferenceTags", [{"dc": "ny"}, {}]) == [{"dc": "ny"}, {}]
    assert validate("readPreferenceTags", "dc:ny,rack:1") == [{"dc": "ny", "rack": "1"}]
    with pytest.raises(ValueError, match="readPreferenceTags item 1 is not a KEY:value pair"):
        validate("readPreferenceTags", "invalid")


@pytest.mark.parametrize("value,ok", [("-1", True), ("120", True), ("0", False),
                                      ("-2", False)])
def test_max_staleness(value, ok):
    if ok:
        assert common.validate_max_staleness("maxStalenessSeconds", value) == int(value)
    else:
        with pytest.raises(ValueError, match="maxStalenessSeconds must be -1 \\(no maximum\\) "
                                             "or a positive integer"):
            common.validate_max_staleness("maxStalenessSeconds", value)


def test_auth_mechanism_properties_errors_hide_values():
    with pytest.raises(ValueError) as info:
        common.validate("authMechanismProperties", "AWS_SESSION_TOKEN:s3cr3t,oops")
    assert "item 2" in str(info.value) and "s3cr3t" not in str(info.value)


def test_uuid_representation_names():
    assert common.validate("uuidRepresentation", "javaLegacy")[1] == 5
    assert common.validate("uuidRepresentation", "unspecified")[1] == 0
    # Names spelt as 3.4 (and 3.11, for unspecified) spelt them; not a number.
    for refused in ("binary", "UNSPECIFIED", "pythonlegacy", 4):
        with pytest.raises(ValueError, match="uuidRepresentation must be one of "
                                             "unspecified, standard, .*, not "):
            common.validate("uuidRepresentation", refused)


def test_uuid_constants_match_bson():
    binary = pytest.importorskip("bson.binary")
    assert common.UUID_REPRESENTATIONS == {
        "unspecified": binary.UuidRepresentation.UNSPECIFIED,
        "pythonlegacy": binary.PYTHON_LEGACY, "standard": binary.STANDARD,
        "javalegacy": binary.JAVA_LEGACY, "csharplegacy": binary.CSHARP_LEGACY}


def test_appname_limit_is_128_utf8_bytes():
    assert common.validate_appname("appname", "é" * 64) == "é" * 64
    with pytest.raises(ValueError, match="appname must be at most 128 bytes in UTF-8, "
                                         "not 130 bytes"):
        common.validate_appname("appname", "é" * 65)


def test_compressors():
    assert common.validate("compressors", "snappy,ZLIB")[1] == ["snappy", "zlib"]
    with pytest.raises(ValueError, match="compressors must name compressors among snappy, "
                                         "zlib, zstd, not 'lz4'"):
        common.validate("compressors", "zlib,lz4")


def test_zlib_level_range():
    assert common.validate("zlibCompressionLevel", "-1")[1] == -1
    with pytest.raises(ValueError, match="zlibCompressionLevel must be an integer from -1 to "
                                         "9, not '10'"):
        common.validate("zlibCompressionLevel", "10")


def test_cert_reqs_by_name_or_constant():
    assert common.validate("ssl_cert_reqs", "CERT_NONE")[1] == ssl.CERT_NONE
    assert common.validate("ssl_cert_reqs", ssl.CERT_OPTIONAL)[1] == ssl.CERT_OPTIONAL


def test_document_class_must_be_a_mapping_type():
    assert common.validate("document_class", dict)[1] is dict
    with pytest.raises(TypeError, match="document_class must be dict"):
        common.validate("document_class", list)


def test_event_listeners_are_duck_typed():
    class Listener:
        def started(self, event): ...

    listener = Listener()
    assert common.validate("event_listeners", [listener])[1] == (listener,)
    with pytest.raises(TypeError, match="event_listeners items must be pymongo.monitoring "
                                        "listeners"):
        common.validate("event_listeners", [object()])


def test_secret_type_errors_do_not_show_value():
    with pytest.raises(TypeError, match="^ssl_pem_passphrase must be a string, not bytes$"):
        common.validate("ssl_pem_passphrase", b"hunter2")


def test_unknown_keyword_option():
    with pytest.raises(ConfigurationError, match="Unknown option 'maxPoolSzie'"):
        common.validate("maxPoolSzie", 5)


def test_table_names_are_unique_ignoring_case():
    names = [*common.URI_OPTIONS, *common.KWARG_OPTIONS]
    assert len({n.lower() for n in names}) == len(names)
    assert common.canonical_name("WTIMEOUTMS") == "wTimeoutMS"

# ---------------------------------------------------------------- ClientOptions


def _options(uri="mongodb://localhost", **kwargs):
    return ClientOptions.from_uri(parse_uri(uri), kwargs)


def test_client_defaults():
    options = _options()
    assert (options.hosts, options.max_pool_size, options.min_pool_size,
            options.connect_timeout_ms, options.socket_timeout_ms, options.local_threshold_ms,
            options.server_selection_timeout_ms, options.heartbeat_frequency_ms,
            options.read_preference_mode, options.ssl, options.credentials) == \
        ((("localhost", 27017),), 100, 0, 20000, None, 15, 30000, 10000, "primary", False,
         None)
    assert options.write_concern == WriteConcern()
    assert options.read_concern == ReadConcern()
    assert (options.connect_timeout, options.socket_timeout, options.heartbeat_frequency) == \
        (20.0, None, 10.0)


def test_keyword_arguments_override_uri():
    options = _options("mongodb://h/?maxPoolSize=5&w=2", maxPoolSize=7, w="majority")
    assert (options.max_pool_size, options.write_concern.document) == (7, {"w": "majority"})


def test_keyword_none_means_documented_none_or_unset():
    options = _options("mongodb://h/?connectTimeoutMS=5", maxPoolSize=None,
                       connectTimeoutMS=None, replicaSet=None)
    assert (options.max_pool_size, options.connect_timeout, options.replica_set_name) == \
        (None, None, None)


def test_zero_socket_timeout_means_none():
    assert _options("mongodb://h/?socketTimeoutMS=0").socket_timeout is None

def test_tls_names_map_onto_ssl_settings():
    options = _options("mongodb://h/?tls=true&tlsCAFile=ca.pem&tlsCertificateKeyFile=c.pem"
                       "&tlsAllowInvalidHostnames=true")
    assert (options.ssl, options.ssl_ca_certs, options.ssl_certfile, options.ssl_cert_reqs,
            options.ssl_match_hostname) == (True, "ca.pem", "c.pem", ssl.CERT_REQUIRED, False)


def test_tls_insecure_disables_both_checks():
    options = _options("mongodb://h/?tlsInsecure=true")
    assert (options.ssl, options.ssl_cert_reqs, options.ssl_match_hostname) == \
        (True, ssl.CERT_NONE, False)


def test_ssl_file_implies_ssl_and_ssl_false_refuses_it():
    assert _options(ssl_certfile="c.pem").ssl is True
    with pytest.raises(ConfigurationError, match="ssl has not been enabled but the following "
                                                 "ssl parameters have been set: ssl_certfile"):
        _options(ssl=False, ssl_certfile="c.pem")


def test_keyword_tls_replaces_uri_ssl():
    assert _options("mongodb://h/?ssl=false", tls=True).ssl is True


def test_primary_refuses_tags():
    with pytest.raises(ConfigurationError, match="readPreferenceTags cannot be combined with "
                                                 "readPreference primary"):
        _options("mongodb://h/?readPreferenceTags=dc:ny")


def test_secondary_keeps_tags_and_staleness():
    options = _options("mongodb://h/?readPreference=secondary&readPreferenceTags=dc:ny"
                       "&readPreferenceTags=&maxStalenessSeconds=120")
    assert (options.read_preference_mode, options.read_preference_tags,
            options.max_staleness_seconds) == ("secondary", ({"dc": "ny"}, {}), 120)


def test_min_pool_size_above_max():
    with pytest.raises(ConfigurationError, match="minPoolSize must not exceed maxPoolSize, "
                                                 "not 20 > 10"):
        _options(minPoolSize=20, maxPoolSize=10)


@pytest.mark.parametrize("uri,message", [
    ("mongodb://h/?loadBalanced=true", "load-balanced mode"),
    ("mongodb://h/?proxyHost=p", "SOCKS5 proxy"),
    ("mongodb://h/?timeoutMS=100", "client-side operation timeouts")])
def test_absent_features_are_refused(uri, message):
    with pytest.raises(ConfigurationError, match=message):
        _options(uri)


def test_retry_writes_and_reads_are_on_unless_turned_off():
    """On by default, as from PyMongo 3.9; setting them is silent either way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (_options("mongodb://h/").retry_writes, _options("mongodb://h/").retry_reads) \
            == (True, True)
        assert _options("mongodb://h/?retryWrites=true").retry_writes is True
        assert _options("mongodb://h/?retryReads=false").retry_reads is False


def test_retry_writes_false_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _options("mongodb://h/?retryWrites=false")


def test_credentials_and_secrets_kept_out_of_repr():
    options = _options("mongodb://bob:pw%40123@h/shop?authSource=admin"
                       "&tlsCertificateKeyFilePassword=pemsecret")
    assert options.credentials == MongoCredential("DEFAULT", "admin", "bob", "pw@123")
    text = repr(options)
    assert "pw@123" not in text and "pemsecret" not in text and "'bob'" in text


def test_merge_options_rejects_unknown_keyword():
    with pytest.raises(ConfigurationError, match="Unknown option 'replicaSetName'"):
        merge_options({}, {"replicaSetName": "rs"})


def test_hosts_required():
    with pytest.raises(ConfigurationError, match="at least one host is required"):
        ClientOptions.from_options([], {})
# ---------------------------------------------------------------- credentials


def test_no_user_no_mechanism_means_no_credential():
    assert build_credentials({"authSource": "x"}, "db") is None


def test_default_mechanism_source_falls_back_to_database_then_admin():
    assert build_credentials({"username": "u", "password": "p"}, "db").source == "db"
    assert build_credentials({"username": "u", "password": "p"}).source == "admin"


def test_default_mechanism_requires_password():
    with pytest.raises(ConfigurationError, match="authMechanism DEFAULT requires a password"):
        build_credentials({"username": "u"})


def test_unknown_mechanism_lists_known_ones():
    with pytest.raises(ConfigurationError, match="authMechanism must be one of DEFAULT, "
                                                 "GSSAPI, MONGODB-CR, MONGODB-X509, PLAIN, "
                                                 "SCRAM-SHA-1, SCRAM-SHA-256, not 'KERBEROS'"):
        build_credentials({"username": "u", "authMechanism": "KERBEROS"})


def test_registered_mechanism_uses_its_description():
    class Description:
        default_source = "$external"
        requires_password = False
        seen = []

        def validate(self, credential):
            self.seen.append(credential.mechanism)

    description = Description()
    mechanisms = {**{name: None for name in DEFAULT_MECHANISMS}, "MONGODB-AWS": description}
    credential = build_credentials({"authMechanism": "MONGODB-AWS"}, "db", mechanisms)
    assert (credential.source, credential.username, description.seen) == \
        ("$external", None, ["MONGODB-AWS"])


def test_x509_refuses_password_and_other_sources():
    with pytest.raises(ConfigurationError, match="MONGODB-X509 .* does not accept a password"):
        build_credentials({"username": "u", "password": "p", "authMechanism": "MONGODB-X509"})
    with pytest.raises(ConfigurationError, match="MONGODB-X509 requires authSource=\\$external, "
                                                 "not 'db'"):
        build_credentials({"authMechanism": "MONGODB-X509", "authSource": "db"})


def test_gssapi_properties():
    credential = build_credentials({"username": "u@R", "authMechanism": "GSSAPI",
                                    "authMechanismProperties": {"CANONICALIZE_HOST_NAME":
                                                                "true"}})
    assert dict(credential.mechanism_properties) == {"SERVICE_NAME": "mongodb",
                                                     "CANONICALIZE_HOST_NAME": True}
    with pytest.raises(ConfigurationError, match="GSSAPI does not accept "
                                                 "authMechanismProperties FOO"):
        build_credentials({"username": "u", "authMechanism": "GSSAPI",
                           "authMechanismProperties": {"FOO": "x"}})


def test_plain_defaults_to_external_source():
    assert build_credentials({"username": "u", "password": "p",
                              "authMechanism": "PLAIN"}).source == "$external"


def test_credential_repr_hides_password_and_property_values():
    credential = MongoCredential("MONGODB-AWS", "$external", "key", "secretkey",
                                 {"AWS_SESSION_TOKEN": "tok"})
    assert repr(credential) == ("MongoCredential(mechanism='MONGODB-AWS', source='$external', "
                                "username='key', mechanism_properties={AWS_SESSION_TOKEN})")


def test_credential_properties_are_read_only_and_hashable():
    credential = MongoCredential("GSSAPI", "$external", "u", None, {"SERVICE_NAME": "m"})
    with pytest.raises(TypeError):
        credential.mechanism_properties["SERVICE_NAME"] = "x"
    assert hash(credential) == hash(MongoCredential("GSSAPI", "$external", "u", None,
                                                    {"SERVICE_NAME": "m"}))


def test_default_mechanism_is_available_with_any_scram_mechanism():
    credential = build_credentials({"username": "u", "password": "p"}, None, {"SCRAM-SHA-256"})
    assert credential.mechanism == "DEFAULT"
    with pytest.raises(ConfigurationError, match="authMechanism must be one of PLAIN, not "
                                                 "'DEFAULT'"):
        build_credentials({"username": "u", "password": "p"}, None, {"PLAIN"})


def test_read_preference_object_keyword_wins_over_uri_mode():
    class Nearest:
        mongos_mode = "nearest"
        tag_sets = [{"dc": "ny"}]
        max_staleness = 100

    options = _options("mongodb://h/?readPreference=secondary", read_preference=Nearest())
    assert (options.read_preference_mode, options.read_preference_tags,
            options.max_staleness_seconds) == ("nearest", ({"dc": "ny"},), 100)
    with pytest.raises(TypeError, match="read_preference must be a read preference such as "
                                        "ReadPreference.SECONDARY, not 'nearest'"):
        _options(read_preference="nearest")


def test_compressors_are_taken_in_order_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _options("mongodb://h/?compressors=zstd,zlib").compressors == ("zstd", "zlib")


def test_revocation_check_disabled_contradicts_crl_file():
    with pytest.raises(ConfigurationError, match="tlsDisableCertificateRevocationCheck=true "
                                                 "contradicts a certificate revocation list"):
        _options("mongodb://h/?tlsCRLFile=crl.pem&tlsDisableCertificateRevocationCheck=true")


def test_no_registered_mechanisms_says_so():
    with pytest.raises(ConfigurationError, match="authMechanism DEFAULT is not available: no "
                                                 "authentication mechanisms are registered"):
        build_credentials({"username": "u", "password": "p"}, None, {})
