"""Client option names and their validators.

One table (:data:`VALIDATORS`, keyed by lower-case name) serves both URI options and
``MongoClient`` keyword arguments; URI strings and Python values go through the same
validator.  A validator takes ``(name, value)`` and returns the normalised value, or raises
``ValueError`` / ``TypeError`` saying what, the value, and what is allowed.  Messages for
secret options never carry the value.
"""
from __future__ import annotations

import datetime
import math
import re
from collections import abc
from typing import Any, Callable, Dict, List, Optional

from mongofw.errors import ConfigurationError
from mongofw.options.driver_info import validate_driver_or_none
from mongofw.options.server_api import validate_server_api_or_none

Validator = Callable[[str, Any], Any]

# The documented bson.binary constants; the core keeps its own copy so option parsing does
# not depend on the codec package being importable (tests check the two agree).
# bson.binary.UuidRepresentation's values; "unspecified" (3.11) is 0.
UUID_REPRESENTATIONS = {"unspecified": 0, "pythonlegacy": 3, "standard": 4, "javalegacy": 5,
                        "csharplegacy": 6}
# The names a client takes, spelt so (3.4's four; 3.11 added unspecified).
_UUID_NAMES = ("unspecified", "standard", "pythonLegacy", "javaLegacy", "csharpLegacy")
# The handlers 3.4 let a client (keyword or URI) name; CodecOptions itself takes any.
_UNICODE_DECODE_ERROR_HANDLERS = ("strict", "replace", "ignore")
READ_PREFERENCE_MODES = ("primary", "primaryPreferred", "secondary", "secondaryPreferred",
                         "nearest")
COMPRESSORS = ("snappy", "zlib", "zstd")
SERVER_MONITORING_MODES = ("auto", "stream", "poll")
# ssl.CERT_NONE/OPTIONAL/REQUIRED by value: importing ssl costs ~6 ms, paid only when a
# client really validates a TLS option.
_CERT_REQS = {"CERT_NONE": 0, "CERT_OPTIONAL": 1, "CERT_REQUIRED": 2}
# The spec's minHeartbeatFrequencyMS.
MIN_HEARTBEAT_FREQUENCY_MS = 500
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")


def _parse_int(name: str, value: Any, allowed: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be {allowed}, not {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value)
    if isinstance(value, str):
        raise ValueError(f"{name} must be {allowed}, not {value!r}")
    raise TypeError(f"{name} must be {allowed}, not {type(value).__name__} {value!r}")


def _parse_number(name: str, value: Any, allowed: str) -> float:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be {allowed}, not {value!r}")
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{name} must be {allowed}, not {value!r}") from None
        number = int(number) if number.is_integer() else number
    else:
        raise TypeError(f"{name} must be {allowed}, not {type(value).__name__} {value!r}")
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{name} must be {allowed}, not {value!r}")
    return number


def validate_boolean(name: str, value: Any) -> bool:
    """``True``/``False``, or the strings ``"true"``/``"false"`` (lower case, as in 3.4).

    Another string is a ValueError, another type a TypeError (3.4's split).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "false"):
            return value == "true"
        raise ValueError(f"{name} must be 'true' or 'false', not {value!r}")
    raise TypeError(f"{name} must be True or False, not {type(value).__name__} {value!r}")


def validate_positive_integer(name: str, value: Any) -> int:
    number = _parse_int(name, value, "a positive integer")
    if number <= 0:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return number


def validate_non_negative_integer(name: str, value: Any) -> int:
    number = _parse_int(name, value, "a non-negative integer")
    if number < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return number


def validate_non_negative_number(name: str, value: Any) -> float:
    """Milliseconds and similar: an int or float >= 0 (strings parsed)."""
    number = _parse_number(name, value, "a non-negative number")
    if number < 0:
        raise ValueError(f"{name} must be a non-negative number, not {value!r}")
    return number


def _or_none(validator: Validator) -> Validator:
    return lambda name, value: None if value is None else validator(name, value)


def validate_heartbeat(name: str, value: Any) -> float:
    number = _parse_number(name, value, f"a number of milliseconds >= "
                                        f"{MIN_HEARTBEAT_FREQUENCY_MS}")
    if number < MIN_HEARTBEAT_FREQUENCY_MS:
        raise ValueError(f"{name} must be at least {MIN_HEARTBEAT_FREQUENCY_MS} "
                         f"(milliseconds), not {value!r}")
    return number


def _int_range(low: int, high: int) -> Validator:
    def check(name: str, value: Any) -> int:
        allowed = f"an integer from {low} to {high}"
        number = _parse_int(name, value, allowed)
        if not low <= number <= high:
            raise ValueError(f"{name} must be {allowed}, not {value!r}")
        return number
    return check


def validate_string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__} {value!r}")
    return value


def validate_non_empty_string(name: str, value: Any) -> str:
    validate_string(name, value)
    if not value:
        raise ValueError(f"{name} must be a non-empty string, not ''")
    return value


def validate_secret_string(name: str, value: Any) -> str:
    """A password-like string; the message names only the type, never the value."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    return value


def _one_of(choices: tuple) -> Validator:
    by_lower = {choice.lower(): choice for choice in choices}

    def check(name: str, value: Any) -> str:
        if isinstance(value, str) and value.lower() in by_lower:
            return by_lower[value.lower()]
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return check


def validate_w(name: str, value: Any) -> Any:
    """An integer, or a string: digits give an int, anything else is a tag-set or
    ``"majority"`` name (as 3.4's validate_int_or_basestring)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value) if value.isascii() and value.isdigit() else value
    raise TypeError(f"{name} must be an integer or a string, not {type(value).__name__} "
                    f"{value!r}")


def _parse_pairs(name: str, text: str, describe: str) -> Dict[str, str]:
    """``"k1:v1,k2:v2"`` into a dict; a value may itself contain ':' (split on the first)."""
    result: Dict[str, str] = {}
    if not text:
        return result
    for position, item in enumerate(text.split(","), 1):
        key, sep, val = item.partition(":")
        if not sep or not key:
            # Only the position is named: the value may be a secret (a session token).
            raise ValueError(f"{name} item {position} is not a KEY:value pair; {name} must "
                             f"be {describe}")
        result[key] = val
    return result


def validate_read_preference_tags(name: str, value: Any) -> List[Dict[str, str]]:
    """A list of tag sets; each a dict or a ``"dc:ny,rack:1"`` string ("" = any server)."""
    describe = "a list of tag sets such as 'dc:ny,rack:1'"
    items = [value] if isinstance(value, (str, abc.Mapping)) else value
    if not isinstance(items, (list, tuple)):
        raise TypeError(f"{name} must be {describe}, not {type(value).__name__} {value!r}")
    tag_sets = []
    for item in items:
        if isinstance(item, str):
            tag_sets.append(_parse_pairs(name, item, describe))
        elif isinstance(item, abc.Mapping) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in item.items()):
            tag_sets.append(dict(item))
        else:
            raise TypeError(f"{name} must be {describe}, not {item!r}")
    return tag_sets


def validate_max_staleness(name: str, value: Any) -> int:
    allowed = "-1 (no maximum) or a positive integer"
    number = _parse_int(name, value, allowed)
    if number != -1 and number <= 0:
        raise ValueError(f"{name} must be {allowed}, not {value!r}")
    return number


def validate_auth_mechanism_properties(name: str, value: Any) -> Dict[str, Any]:
    describe = "KEY:value pairs separated by commas"
    if isinstance(value, str):
        return _parse_pairs(name, value, describe)
    if isinstance(value, abc.Mapping) and all(isinstance(k, str) for k in value):
        return dict(value)
    raise TypeError(f"{name} must be a dict or {describe}, not {type(value).__name__}")


def validate_uuid_representation(name: str, value: Any) -> int:
    """One of the names unspecified, standard, pythonLegacy, javaLegacy, csharpLegacy,
    spelt so (as 3.4 and 3.11 took them; not a number)."""
    if isinstance(value, str) and value in _UUID_NAMES:
        return UUID_REPRESENTATIONS[value.lower()]
    raise ValueError(f"{name} must be one of unspecified, standard, pythonLegacy, "
                     f"javaLegacy, csharpLegacy, not {value!r}")


def validate_appname(name: str, value: Any) -> str:
    validate_string(name, value)
    size = len(value.encode("utf-8"))
    if size > 128:
        raise ValueError(f"{name} must be at most 128 bytes in UTF-8, not {size} bytes")
    return value


def validate_compressors(name: str, value: Any) -> List[str]:
    """Known compressor names in the given order; unknown names are refused."""
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"{name} must be a comma-separated string or list of names, "
                        f"not {value!r}")
    unknown = [n for n in names if n.lower() not in COMPRESSORS]
    if unknown:
        raise ValueError(f"{name} must name compressors among {', '.join(COMPRESSORS)}, "
                         f"not {', '.join(map(repr, unknown))}")
    return [n.lower() for n in names]


def validate_cert_reqs(name: str, value: Any) -> int:
    import ssl

    if isinstance(value, str) and value in _CERT_REQS:
        return ssl.VerifyMode(_CERT_REQS[value])
    if isinstance(value, int) and not isinstance(value, bool) and \
            value in _CERT_REQS.values():
        return ssl.VerifyMode(value)
    raise ValueError(f"{name} must be one of ssl.CERT_NONE, ssl.CERT_OPTIONAL, "
                     f"ssl.CERT_REQUIRED (or their names), not {value!r}")


def validate_document_class(name: str, value: Any) -> type:
    if isinstance(value, type) and issubclass(value, abc.Mapping):
        return value
    raise TypeError(f"{name} must be dict, bson.son.SON, bson.raw_bson.RawBSONDocument or "
                    f"another Mapping subclass, not {value!r}")


def validate_tzinfo(name: str, value: Any) -> Optional[datetime.tzinfo]:
    if value is None or isinstance(value, datetime.tzinfo):
        return value
    raise TypeError(f"{name} must be a datetime.tzinfo instance or None, not {value!r}")


def validate_unicode_decode_error_handler(name: str, value: Any) -> str:
    if value not in _UNICODE_DECODE_ERROR_HANDLERS:
        raise ValueError(f"{name} must be one of 'strict', 'replace' or 'ignore', "
                         f"not {value!r}")
    return value


# One method of each listener kind (the pool listener's since 3.9).
_LISTENER_METHODS = ("started", "succeeded", "failed", "opened", "closed",
                     "description_changed", "pool_created", "connection_checked_out")


def validate_event_listeners(name: str, value: Any) -> tuple:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple of event listeners, not {value!r}")
    for listener in value:
        if not any(callable(getattr(listener, m, None)) for m in _LISTENER_METHODS):
            raise TypeError(f"{name} items must be pymongo.monitoring listeners (with "
                            f"started/succeeded/failed, opened/closed/description_changed "
                            f"or connection pool methods), not {listener!r}")
    return tuple(value)


def validate_read_preference(name: str, value: Any) -> Any:
    """A read preference object (``ReadPreference.SECONDARY``, ``Nearest(tag_sets)``)."""
    if all(hasattr(value, a) for a in ("mongos_mode", "tag_sets", "max_staleness")):
        return value
    raise TypeError(f"{name} must be a read preference such as ReadPreference.SECONDARY, "
                    f"not {value!r}")


_timeout = _or_none(validate_non_negative_number)


def validate_server_selector(name: str, value: Any) -> Any:
    """``server_selector=`` (3.8): None, or a callable from a list of server descriptions
    to the ones it accepts."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a callable or None, not {type(value).__name__}")
    return value


def _any_value(name: str, value: Any) -> Any:
    """An option whose value is not looked at: a feature refused when it is set at all."""
    return value

# Canonical spelling -> validator, for names valid both in a URI and as keyword arguments.
URI_OPTIONS: Dict[str, Validator] = {
    "replicaSet": validate_string,
    "directConnection": validate_boolean,
    "loadBalanced": validate_boolean,
    "maxPoolSize": _or_none(validate_positive_integer),
    "minPoolSize": validate_non_negative_integer,
    "maxConnecting": validate_positive_integer,
    "maxIdleTimeMS": _timeout,
    "waitQueueTimeoutMS": _timeout,
    "waitQueueMultiple": _or_none(validate_non_negative_integer),
    "connectTimeoutMS": _timeout,
    "socketTimeoutMS": _timeout,
    "socketKeepAlive": validate_boolean,
    "appname": validate_appname,
    "serverSelectionTimeoutMS": validate_non_negative_number,
    "localThresholdMS": validate_non_negative_number,
    "heartbeatFrequencyMS": validate_heartbeat,
    "serverMonitoringMode": _one_of(SERVER_MONITORING_MODES),
    "timeoutMS": validate_non_negative_integer,
    "retryWrites": validate_boolean,
    "retryReads": validate_boolean,
    "w": validate_w,
    "wTimeoutMS": validate_non_negative_integer,
    "wtimeout": validate_non_negative_integer,
    "journal": validate_boolean,
    "j": validate_boolean,
    "fsync": validate_boolean,
    "readConcernLevel": validate_string,
    "readPreference": _one_of(READ_PREFERENCE_MODES),
    "readPreferenceTags": validate_read_preference_tags,
    "maxStalenessSeconds": validate_max_staleness,
    "ssl": validate_boolean,
    "tls": validate_boolean,
    "ssl_certfile": validate_string,
    "tlsCertificateKeyFile": validate_string,
    "ssl_keyfile": validate_string,
    "ssl_pem_passphrase": validate_secret_string,
    "tlsCertificateKeyFilePassword": validate_secret_string,
    "ssl_cert_reqs": validate_cert_reqs,
    "ssl_ca_certs": validate_string,
    "tlsCAFile": validate_string,
    "ssl_crlfile": validate_string,
    "tlsCRLFile": validate_string,
    "ssl_match_hostname": validate_boolean,
    "tlsAllowInvalidCertificates": validate_boolean,
    "tlsAllowInvalidHostnames": validate_boolean,
    "tlsInsecure": validate_boolean,
    "tlsDisableOCSPEndpointCheck": validate_boolean,
    "tlsDisableCertificateRevocationCheck": validate_boolean,
    "authSource": validate_string,
    "authMechanism": validate_non_empty_string,
    "authMechanismProperties": validate_auth_mechanism_properties,
    "compressors": validate_compressors,
    "zlibCompressionLevel": _int_range(-1, 9),
    "proxyHost": validate_non_empty_string,
    "proxyPort": _int_range(1, 65535),
    "proxyUsername": validate_non_empty_string,
    "proxyPassword": validate_secret_string,
    "srvServiceName": validate_non_empty_string,
    "srvMaxHosts": validate_non_negative_integer,
    "uuidRepresentation": validate_uuid_representation,
    "connect": validate_boolean,
    "tz_aware": validate_boolean,
    "unicode_decode_error_handler": validate_unicode_decode_error_handler,
}

# Keyword-argument-only names (Python objects that a URI cannot spell, or secrets).
KWARG_OPTIONS: Dict[str, Validator] = {
    "document_class": validate_document_class,
    "tzinfo": validate_tzinfo,
    "event_listeners": validate_event_listeners,
    "read_preference": validate_read_preference,
    "username": _or_none(validate_string),
    "password": _or_none(validate_secret_string),
    "driver": validate_driver_or_none,
    "server_selector": validate_server_selector,
    "server_api": validate_server_api_or_none,
    # Client-side field level encryption (3.9): known, so that asking for it is refused
    # with the reason (client_options._UNSUPPORTED) rather than as an unknown option.
    "auto_encryption_opts": _any_value,
}

CANONICAL_NAMES: Dict[str, str] = {n.lower(): n for n in (*URI_OPTIONS, *KWARG_OPTIONS)}
URI_VALIDATORS: Dict[str, Validator] = {n.lower(): v for n, v in URI_OPTIONS.items()}
VALIDATORS: Dict[str, Validator] = {**URI_VALIDATORS,
                                    **{n.lower(): v for n, v in KWARG_OPTIONS.items()}}
# Options whose values never appear in a message, repr or warning.
SECRET_OPTIONS = frozenset({"password", "ssl_pem_passphrase", "tlscertificatekeyfilepassword",
                            "proxypassword", "authmechanismproperties"})


def canonical_name(name: str) -> str:
    """The documented spelling of an option name given in any case (unknown: as given)."""
    return CANONICAL_NAMES.get(name.lower(), name)


def validate(name: str, value: Any, uri: bool = False) -> tuple:
    """``(lower-case name, normalised value)``; ``ConfigurationError`` for an unknown name."""
    lower = name.lower()
    validator = (URI_VALIDATORS if uri else VALIDATORS).get(lower)
    if validator is None:
        where = "URI option" if uri else "option"
        raise ConfigurationError(f"Unknown {where} {name!r}")
    return lower, validator(canonical_name(name), value)
