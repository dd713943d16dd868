"""MongoDB connection strings (documented as ``pymongo.uri_parser``).

Follows the connection string specification: ``mongodb://[userinfo@]hosts[/[db][?options]]``.
User info and option values are percent-decoded as RFC 3986 says (``+`` stays ``+``); a Unix
domain socket is a host whose decoded form contains ``/`` and is given as ``(path, None)``.
Option names are case-insensitive.  Messages never repeat the user info.
"""
from __future__ import annotations

import re
import warnings
from collections import abc
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import unquote

from mongofw.errors import ConfigurationError, InvalidURI
from mongofw.options.validators import SECRET_OPTIONS, URI_VALIDATORS, canonical_name, validate

SCHEME = "mongodb://"
SRV_SCHEME = "mongodb+srv://"
DEFAULT_PORT = 27017

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DIGITS = re.compile(r"[0-9]+\Z")
# Characters MongoDB refuses in database names (a '.' separates database and collection).
_BAD_DB_CHARS = frozenset('/\\ "$\0')
# Options that may not repeat (the SOCKS5 spec: a second value is an error, not a warning).
_NO_REPEAT = frozenset({"proxyhost", "proxyport", "proxyusername", "proxypassword"})
# Deprecated URI spellings ignored, with a warning, when the replacement is also given.
_DEPRECATED = {"wtimeout": "wtimeoutms"}
_SRV_ONLY = ("srvservicename", "srvmaxhosts")


class OptionDict(abc.MutableMapping):
    """Options keyed case-insensitively; iterates lower-case names (the 3.4 shape).

    ``cased_key(name)`` gives the spelling the option was set with.
    """

    def __init__(self, data: Optional[Mapping[str, Any]] = None) -> None:
        self._values: Dict[str, Any] = {}
        self._names: Dict[str, str] = {}
        if data:
            self.update(data)

    def __getitem__(self, key: str) -> Any:
        return self._values[key.lower()]

    def __setitem__(self, key: str, value: Any) -> None:
        self._values[key.lower()] = value
        self._names[key.lower()] = key

    def __delitem__(self, key: str) -> None:
        del self._values[key.lower()]
        del self._names[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def cased_key(self, key: str) -> str:
        return self._names[key.lower()]

    def copy(self) -> OptionDict:
        clone = OptionDict()
        clone._values, clone._names = dict(self._values), dict(self._names)
        return clone

    def __repr__(self) -> str:
        shown = {self._names[k]: ("<hidden>" if k in SECRET_OPTIONS else v)
                 for k, v in self._values.items()}
        return f"OptionDict({shown!r})"


def parse_userinfo(userinfo: str) -> Tuple[str, Optional[str]]:
    """``(username, password)`` from ``user[:password]``, percent-decoded.

    ``:``, ``/``, ``@`` and ``%`` must be percent-encoded (RFC 3986); ``+`` is a literal
    plus sign.  The password is ``None`` when there is no ``:``.
    """
    if "@" in userinfo or "/" in userinfo:
        raise InvalidURI("Username and password must not contain an unescaped '@' or '/'; "
                         "percent-encode them (urllib.parse.quote_plus)")
    if userinfo.count(":") > 1:
        raise InvalidURI("The password must not contain an unescaped ':'; percent-encode it")
    if _BAD_PERCENT.search(userinfo):
        raise InvalidURI("Username and password must not contain a '%' that does not start "
                         "a percent-escape (%XX); percent-encode it as %25")
    user, sep, password = userinfo.partition(":")
    if not user:
        raise InvalidURI("The empty string is not a valid username")
    return unquote(user), (unquote(password) if sep else None)


def parse_ipv6_literal_host(entity: str, default_port: Optional[int]
                            ) -> Tuple[str, Optional[int]]:
    """``(address, port)`` from ``'[::1]'`` or ``'[::1]:27017'``."""
    end = entity.find("]")
    if not entity.startswith("[") or end == -1:
        raise ValueError(f"an IPv6 address literal must be enclosed in '[' and ']' "
                         f"(RFC 2732), not {entity!r}")
    rest = entity[end + 1:]
    if rest and not rest.startswith(":"):
        raise ValueError(f"only ':port' may follow an IPv6 address literal, not {entity!r}")
    if not entity[1:end]:
        raise ValueError(f"empty IPv6 address literal in {entity!r}")
    return entity[1:end], (_port(rest[1:], entity) if rest else default_port)


def _port(text: str, entity: str) -> int:
    if not _DIGITS.match(text) or not 0 < int(text) <= 65535:
        raise ValueError(f"port must be an integer from 1 to 65535, not {text!r} "
                         f"(in host {entity!r})")
    return int(text)


def parse_host(entity: str, default_port: Optional[int] = DEFAULT_PORT
               ) -> Tuple[str, Optional[int]]:
    """``(host, port)`` from ``host``, ``host:port``, ``[ipv6]:port`` or a socket path.

    Host names are lower-cased; a path containing ``/`` is a Unix domain socket and gets
    port ``None``.
    """
    if entity.startswith("["):
        host, port = parse_ipv6_literal_host(entity, default_port)
        return host.lower(), port
    if "/" in entity:
        return entity, None
    host, sep, port_text = entity.partition(":")
    if not host:
        if sep and ":" in port_text:
            raise ValueError(f"an IPv6 address must be enclosed in '[' and ']' (RFC 2732), "
                             f"not {entity!r}")
        raise ValueError(f"empty host name in {entity!r}")
    return host.lower(), (_port(port_text, entity) if sep else default_port)


def split_hosts(hosts: str, default_port: Optional[int] = DEFAULT_PORT
                ) -> List[Tuple[str, Optional[int]]]:
    """``host1[:port],host2[:port],...`` into ``(host, port)`` pairs, in order.

    Each entity is percent-decoded first, so ``%2Ftmp%2Fmongodb-27017.sock`` is a socket.
    """
    nodes = []
    for entity in hosts.split(","):
        if not entity:
            raise ConfigurationError("Empty host (or extra comma in host list)")
        nodes.append(parse_host(unquote(entity), default_port))
    return nodes


def _warn_or_raise(exc: Exception, warn: bool) -> None:
    if not warn:
        raise exc
    warnings.warn(f"{exc}; the option is ignored", UserWarning, stacklevel=4)


def split_options(opts: str, validate: bool = True, warn: bool = False) -> OptionDict:
    """The ``?name=value&...`` part of a URI (without the ``?``) as an options mapping.

    ``;`` is accepted as the separator when no ``&`` is present.  ``readPreferenceTags`` may
    repeat and gives a list; other repeated names keep the last value with a warning.
    """
    if "&" in opts and ";" in opts:
        raise InvalidURI("Can not mix '&' and ';' as option separators")
    separator = ";" if ";" in opts else "&"
    options = OptionDict()
    for pair in opts.split(separator):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        key = unquote(key)
        if not sep or not key:
            raise InvalidURI(f"URI options must be name=value pairs, not {key!r}")
        value = unquote(value)
        lower = key.lower()
        if lower == "readpreferencetags":
            options.setdefault(key, []).append(value)
            continue
        if lower in options:
            if lower in _NO_REPEAT:
                raise InvalidURI(f"URI option {canonical_name(key)} may be given only once")
            warnings.warn(f"Repeated URI option {canonical_name(key)}: the last value is used",
                          UserWarning, stacklevel=2)
        options[key] = value
    return validate_options(options, warn) if validate else options


def validate_options(opts: Mapping[str, Any], warn: bool = False) -> OptionDict:
    """Validated, normalised copy of URI options.

    With ``warn=False`` an unknown name raises ``ConfigurationError`` and a bad value raises
    ``ValueError``/``TypeError``; with ``warn=True`` each is reported as a ``UserWarning``
    and dropped.  Options that contradict each other always raise ``ConfigurationError``.
    """
    validated = OptionDict()
    for name, value in opts.items():
        if isinstance(opts, OptionDict):
            name = opts.cased_key(name)
        try:
            lower, value = validate(name, value, uri=True)
        except (ValueError, TypeError, ConfigurationError) as exc:
            _warn_or_raise(exc, warn)
            continue
        validated[name] = value
    for old, new in _DEPRECATED.items():
        if old in validated and new in validated:
            warnings.warn(f"URI option {canonical_name(old)} is deprecated and ignored "
                          f"because {canonical_name(new)} is also given", UserWarning,
                          stacklevel=2)
            del validated[old]
    check_option_conflicts(validated)
    return validated


def _flag(options: Mapping[str, Any], name: str) -> Optional[bool]:
    return options.get(name)


def check_option_conflicts(options: Mapping[str, Any],
                           nodes: Optional[Sequence[Any]] = None, srv: bool = False) -> None:
    """Raise ``ConfigurationError`` when validated options contradict each other.

    ``options`` uses lower-case names (an :class:`OptionDict` or plain lower-case dict);
    ``nodes`` is the seed list when known.
    """
    def both(a: str, b: str) -> bool:
        return a.lower() in options and b.lower() in options

    def fail(message: str) -> None:
        raise ConfigurationError(message)

    for a, b in (("tls", "ssl"), ("tlsCAFile", "ssl_ca_certs"),
                 ("tlsCertificateKeyFile", "ssl_certfile"), ("tlsCRLFile", "ssl_crlfile"),
                 ("tlsCertificateKeyFilePassword", "ssl_pem_passphrase"), ("j", "journal")):
        if both(a, b) and options[a.lower()] != options[b.lower()]:
            shown = "" if b.lower() in SECRET_OPTIONS else \
                f" ({options[a.lower()]!r} and {options[b.lower()]!r})"
            fail(f"{a} and {b} are the same option and must agree{shown}")
    exclusive = (("tlsInsecure", "tlsAllowInvalidCertificates"),
                 ("tlsInsecure", "tlsAllowInvalidHostnames"),
                 ("tlsInsecure", "tlsDisableOCSPEndpointCheck"),
                 ("tlsInsecure", "tlsDisableCertificateRevocationCheck"),
                 ("tlsAllowInvalidCertificates", "tlsDisableOCSPEndpointCheck"),
                 ("tlsAllowInvalidCertificates", "tlsDisableCertificateRevocationCheck"),
                 ("tlsDisableCertificateRevocationCheck", "tlsDisableOCSPEndpointCheck"))
    for a, b in exclusive:
        if both(a, b):
            fail(f"{a} and {b} cannot both be given: they set overlapping certificate "
                 f"checks")
    if both("tlsAllowInvalidCertificates", "ssl_cert_reqs") and \
            options["tlsallowinvalidcertificates"] != (options["ssl_cert_reqs"] == 0):
        fail("tlsAllowInvalidCertificates and ssl_cert_reqs disagree")
    if both("tlsAllowInvalidHostnames", "ssl_match_hostname") and \
            options["tlsallowinvalidhostnames"] == options["ssl_match_hostname"]:
        fail("tlsAllowInvalidHostnames and ssl_match_hostname disagree")
    if "proxyhost" not in options:
        for name in ("proxyPort", "proxyUsername", "proxyPassword"):
            if name.lower() in options:
                fail(f"{name} requires proxyHost")
    if ("proxyusername" in options) != ("proxypassword" in options):
        fail("proxyUsername and proxyPassword must be given together")
    if options.get("w") == 0 and (_flag(options, "journal") or _flag(options, "j")
                                  or _flag(options, "fsync")):
        fail("w=0 (unacknowledged writes) cannot be combined with journal=true or fsync=true")
    if _flag(options, "loadbalanced"):
        if _flag(options, "directconnection"):
            fail("loadBalanced=true cannot be combined with directConnection=true")
        if "replicaset" in options:
            fail("loadBalanced=true cannot be combined with replicaSet")
        if nodes is not None and len(nodes) > 1:
            fail(f"loadBalanced=true requires exactly one host, not {len(nodes)}")
    if _flag(options, "directconnection") and nodes is not None and len(nodes) > 1:
        fail(f"directConnection=true requires exactly one host, not {len(nodes)}")
    if not srv:
        for name in _SRV_ONLY:
            if name in options:
                fail(f"{canonical_name(name)} is only valid with a mongodb+srv:// URI")


def _split_uri(rest: str) -> Tuple[str, str, Optional[str]]:
    """``(userinfo@hosts, database, options)``: cut at the first '/' or '?', whichever is
    first, because option values may contain '/' (``TOKEN_RESOURCE:mongodb://...``)."""
    slash, question = rest.find("/"), rest.find("?")
    if question != -1 and (slash == -1 or question < slash):
        return rest[:question], "", rest[question + 1:]
    if slash == -1:
        return rest, "", None
    hosts, path = rest[:slash], rest[slash + 1:]
    database, sep, opts = path.partition("?")
    return hosts, database, (opts if sep else None)


def _parse_database(text: str) -> Tuple[Optional[str], Optional[str]]:
    if not text:
        return None, None
    name = unquote(text)
    bad = sorted(set(name) & _BAD_DB_CHARS)
    if bad:
        raise InvalidURI(f"Bad database name {name!r}: it must not contain "
                         f"{', '.join(map(repr, bad))}")
    database, _, collection = name.partition(".")
    return database, (collection or None)


def parse_uri(uri: str, default_port: Optional[int] = DEFAULT_PORT, validate: bool = True,
              warn: bool = False) -> Dict[str, Any]:
    """Parse and validate a MongoDB URI.

    Returns ``{'nodelist', 'username', 'password', 'database', 'collection', 'options'}``.
    ``mongodb+srv://`` URIs are checked for shape and then refused with
    ``ConfigurationError``: they need DNS SRV lookups, which this driver does not do.
    """
    if not isinstance(uri, str):
        raise TypeError(f"uri must be a string, not {type(uri).__name__}")
    srv = uri.startswith(SRV_SCHEME)
    if not srv and not uri.startswith(SCHEME):
        # Only the scheme is shown: the rest may hold a password.
        scheme = f", not {uri.partition('://')[0] + '://'!r}" if "://" in uri else ""
        raise InvalidURI(f"Invalid URI scheme: URI must begin with {SCHEME!r} or "
                         f"{SRV_SCHEME!r}{scheme}")
    rest = uri[len(SRV_SCHEME if srv else SCHEME):]
    host_part, db_part, opts_part = _split_uri(rest)
    if "@" not in host_part and "@" in rest.partition("=")[0]:
        # An unescaped '/' or '?' in the user info moved the '@' past the host list; say so
        # without echoing any of it (it holds the password).
        raise InvalidURI("Username and password must not contain an unescaped '/', '?' or "
                         "'@'; percent-encode them (urllib.parse.quote_plus)")
    userinfo, at, hosts = host_part.rpartition("@")
    if not hosts:
        raise InvalidURI("The URI names no host")
    username = password = None
    if at:
        username, password = parse_userinfo(userinfo)
    if srv:
        _refuse_srv(hosts)
    try:
        nodes = split_hosts(hosts, default_port)
    except ValueError as exc:
        raise InvalidURI(f"Invalid host in URI: {exc}") from None
    database, collection = _parse_database(db_part)
    options = OptionDict()
    if opts_part:
        options = split_options(opts_part, validate, warn)
    if validate:
        check_option_conflicts(options, nodes, srv)
    return {"nodelist": nodes, "username": username, "password": password,
            "database": database, "collection": collection, "options": options}


def _refuse_srv(hosts: str) -> None:
    if "," in hosts:
        raise InvalidURI("A mongodb+srv:// URI must name exactly one host")
    if ":" in hosts.rpartition("]")[2]:
        raise InvalidURI("A mongodb+srv:// URI must not include a port number")
    raise ConfigurationError("mongodb+srv requires DNS SRV lookups, which this driver "
                             "does not support; list the hosts in a mongodb:// URI instead")


__all__ = ["SCHEME", "SRV_SCHEME", "DEFAULT_PORT", "parse_userinfo", "parse_ipv6_literal_host",
           "parse_host", "split_hosts", "split_options", "validate_options",
           "check_option_conflicts", "parse_uri", "URI_VALIDATORS", "OptionDict"]
