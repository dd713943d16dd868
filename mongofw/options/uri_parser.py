"""MongoDB connection strings (documented as ``pymongo.uri_parser``).

``mongodb://[userinfo@]hosts[/[db][?options]]``, read as PyMongo 3.4 read it: user info,
database and option values are decoded with ``unquote_plus`` (``+`` is a space; quote
them with ``urllib.parse.quote_plus``), a user without ``:`` has the password ``''``, a
host ending in ``.sock`` is a Unix domain socket (port ``None``), percent-escapes in the
host list are decoded only when it names a socket.  Where the connection string
specification's tests expect otherwise, docs/differences.md says which rule is followed.
Option names are case-insensitive.  Messages never repeat the user info.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import unquote_plus

from mongofw.errors import ConfigurationError, InvalidURI
from mongofw.options.validators import SECRET_OPTIONS, URI_VALIDATORS, canonical_name, validate

SCHEME = "mongodb://"
SCHEME_LEN = len(SCHEME)
SRV_SCHEME = "mongodb+srv://"
SRV_SCHEME_LEN = len(SRV_SCHEME)
DEFAULT_PORT = 27017

# Options that may not repeat (the SOCKS5 spec: a second value is an error, not a warning).
_NO_REPEAT = frozenset({"proxyhost", "proxyport", "proxyusername", "proxypassword"})
_SRV_ONLY = ("srvservicename", "srvmaxhosts")


class InvalidHost(InvalidURI, ValueError):
    """A bad host or port in a URI: InvalidURI, and ValueError as 3.4's parse_uri raised."""


class OptionDict(dict):
    """Options keyed by lower-case name (a ``dict``, the 3.4 shape) that also answer to
    any spelling; ``cased_key(name)`` gives the spelling the option was set with.
    Its repr hides secret values (passwords, mechanism properties)."""

    def __init__(self, data: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        self._names: Dict[str, str] = {}
        if data:
            cased = getattr(data, "cased_key", None)
            for key, value in data.items():
                self[cased(key) if cased else key] = value

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(key.lower())

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key.lower(), value)
        self._names[key.lower()] = key

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key.lower())
        del self._names[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default) if isinstance(key, str) else default

    def pop(self, key: str, *default: Any) -> Any:
        self._names.pop(key.lower(), None)
        return super().pop(key.lower(), *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, other: Any = (), **kwargs: Any) -> None:  # type: ignore[override]
        items = other.items() if hasattr(other, "items") else other
        for key, value in [*items, *kwargs.items()]:
            self[key] = value

    def cased_key(self, key: str) -> str:
        return self._names[key.lower()]

    def copy(self) -> OptionDict:
        return OptionDict(self)

    def __reduce__(self) -> Tuple[Any, ...]:
        return _rebuild_options, ([(self._names[k], v) for k, v in self.items()],)

    def __repr__(self) -> str:
        return repr({k: ("<hidden>" if k in SECRET_OPTIONS else v) for k, v in self.items()})


def _rebuild_options(pairs: List[Tuple[str, Any]]) -> OptionDict:
    options = OptionDict()
    for key, value in pairs:
        options[key] = value
    return options


def parse_userinfo(userinfo: str) -> Tuple[str, str]:
    """``(username, password)`` from ``userinfo``, each ``unquote_plus``-decoded.

    :param userinfo: the part of a URI before ``@``: ``user`` or ``user:password``.
        ``:`` and ``@`` in a name or password, and ``+``, must be percent-encoded (as
        ``urllib.parse.quote_plus`` does).
    :returns: a ``(username, password)`` tuple; the password is ``''`` when there is no
        ``:``.
    :raises ~pymongo.errors.InvalidURI: for an unescaped ``@`` or a second ``:``, or an
        empty user name.
    """
    if "@" in userinfo or userinfo.count(":") > 1:
        raise InvalidURI("':' or '@' characters in a username or password must be "
                         "percent-encoded (urllib.parse.quote_plus)")
    user, _, password = userinfo.partition(":")
    if not user:
        raise InvalidURI("The empty string is not a valid username")
    return unquote_plus(user), unquote_plus(password)


def parse_ipv6_literal_host(entity: str, default_port: Optional[int]
                            ) -> Tuple[str, Union[str, int, None]]:
    """``(address, port)`` from an IPv6 address literal in brackets.

    :param entity: ``'[::1]'`` or ``'[::1]:27017'`` (RFC 2732 brackets required).
    :param default_port: the port to return when ``entity`` gives none (an ``int`` or
        None).
    :returns: the address without brackets and the port.  As in 3.4 a given port comes
        back as the text it was (:func:`parse_host` checks it).
    :raises ValueError: when the brackets are missing or empty, or something other than
        ``:port`` follows them.
    """
    end = entity.find("]")
    if not entity.startswith("[") or end == -1:
        raise ValueError(f"an IPv6 address literal must be enclosed in '[' and ']' "
                         f"(RFC 2732), not {entity!r}")
    rest = entity[end + 1:]
    if rest and not rest.startswith(":"):
        raise ValueError(f"only ':port' may follow an IPv6 address literal, not {entity!r}")
    if not entity[1:end]:
        raise ValueError(f"empty IPv6 address literal in {entity!r}")
    return entity[1:end], (rest[1:] if rest else default_port)


def _port(text: str, entity: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 65535:
        raise ValueError(f"port must be an integer from 1 to 65535, not {text!r} "
                         f"(in host {entity!r})")
    return int(text)


def parse_host(entity: str, default_port: Optional[int] = DEFAULT_PORT
               ) -> Tuple[str, Optional[int]]:
    """``(host, port)`` from ``host``, ``host:port`` or ``[ipv6]:port``; host names are
    lower-cased.  An entity ending in ``.sock`` (a Unix domain socket) comes back as is,
    with ``default_port``."""
    if entity.startswith("["):
        host, port = parse_ipv6_literal_host(entity, default_port)
    elif entity.endswith(".sock"):
        return entity, default_port
    else:
        host, sep, port = entity.partition(":")
        if ":" in port:
            raise ValueError(f"an IPv6 address must be enclosed in '[' and ']' (RFC 2732); "
                             f"other ':' must be percent-encoded, not {entity!r}")
        if not host:
            raise ValueError(f"empty host name in {entity!r}")
        if not sep:
            port = default_port
    if isinstance(port, str):
        port = _port(port, entity)
    return host.lower(), port


def split_hosts(hosts: str, default_port: Optional[int] = DEFAULT_PORT
                ) -> List[Tuple[str, Optional[int]]]:
    """Split a URI's host list into ``(host, port)`` pairs, in order.

    :param hosts: ``host1[:port],host2[:port],...`` (IPv6 literals in brackets).
    :param default_port: the port of a host given without one (default 27017); a Unix
        domain socket path (ending in ``.sock``) gets port ``None``.
    :returns: a list of ``(host, port)`` tuples, host names lower-cased.
    :raises ~pymongo.errors.ConfigurationError: for an empty entry (e.g. a trailing
        comma).
    :raises ValueError: for a bad host or port (a port outside 1-65535, say).
    """
    nodes = []
    for entity in hosts.split(","):
        if not entity:
            raise ConfigurationError("Empty host (or extra comma in host list)")
        nodes.append(parse_host(entity, None if entity.endswith(".sock") else default_port))
    return nodes


def _warn_or_raise(exc: Exception, warn: bool) -> None:
    if not warn:
        raise exc
    warnings.warn(f"{exc}; the option is ignored", UserWarning, stacklevel=4)


def split_options(opts: str, validate: bool = True, warn: bool = False) -> Dict[str, Any]:
    """The ``name=value&...`` part of a URI (``opts``, without the ``?``) as a dict.

    :param opts: the options text (a ``str``).
    :param validate: when ``True`` (the default), validate and normalise the options
        (see :func:`validate_options`).
    :param warn: with ``validate``: when ``True``, warn about an invalid option and drop
        it instead of raising (default ``False``).
    :raises ~pymongo.errors.InvalidURI: when an item is not ``name=value`` or the
        separators are mixed.

    As in 3.4: ``;`` separates when there is no ``&`` (mixing them is an error); every
    item is exactly one ``name=value`` (``=`` inside a value must be percent-encoded);
    values are ``unquote_plus``-decoded; ``readPreferenceTags`` may repeat and gives a
    list; another name given twice warns "Duplicate URI option" and keeps the last value;
    ``wtimeout`` warns that it is deprecated (and is dropped when ``wtimeoutMS`` is given).
    With ``validate`` the result is validated (an ``OptionDict``, lower-case keys).
    """
    if "&" in opts and ";" in opts:
        raise InvalidURI("Can not mix '&' and ';' for option separators")
    separator = "&" if "&" in opts else ";" if ";" in opts else None
    if separator is None and "=" not in opts:
        raise InvalidURI("MongoDB URI options are key=value pairs")
    options: Dict[str, Any] = {}
    for pair in opts.split(separator):
        parts = pair.split("=")
        if len(parts) != 2:
            raise InvalidURI("MongoDB URI options are key=value pairs")
        key, value = parts
        if key.lower() == "readpreferencetags":
            options.setdefault("readpreferencetags", []).append(unquote_plus(value))
            continue
        if key.lower() in _NO_REPEAT and any(k.lower() == key.lower() for k in options):
            raise InvalidURI(f"URI option {canonical_name(key)} may be given only once")
        if key in options:
            warnings.warn(f"Duplicate URI option {key}", UserWarning, stacklevel=2)
        options[key] = unquote_plus(value)
    if "wtimeout" in options:
        if "wtimeoutMS" in options:
            options.pop("wtimeout")
        warnings.warn("Option wtimeout is deprecated, use 'wtimeoutMS' instead",
                      UserWarning, stacklevel=2)
    return validate_options(options, warn) if validate else options


def validate_options(opts: Mapping[str, Any], warn: bool = False) -> OptionDict:
    """Validated, normalised copy of the URI options ``opts`` (a mapping of name to
    value), as an ``OptionDict``.

    With ``warn=False`` an unknown name raises ``ConfigurationError`` and a bad value raises
    ``ValueError``/``TypeError``; with ``warn=True`` each is reported as a ``UserWarning``
    and dropped.  Options that contradict each other always raise ``ConfigurationError``.
    """
    validated = OptionDict()
    cased = getattr(opts, "cased_key", None)
    for name, value in opts.items():
        if cased is not None:
            name = cased(name)
        try:
            lower, value = validate(name, value, uri=True)
        except (ValueError, TypeError, ConfigurationError) as exc:
            _warn_or_raise(exc, warn)
            continue
        validated[name] = value
    check_option_conflicts(validated)
    return validated


def _flag(options: Mapping[str, Any], name: str) -> Optional[bool]:
    return options.get(name)


def check_option_conflicts(options: Mapping[str, Any],
                           nodes: Optional[Sequence[Any]] = None, srv: bool = False) -> None:
    """Raise ``ConfigurationError`` when validated options contradict each other.

    ``options`` uses lower-case names (an ``OptionDict`` or plain lower-case dict);
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
    """``(database, collection)`` from the path: split at the first '.', then each part
    ``unquote_plus``-decoded (3.4's order: an escaped '.' stays in the database name)."""
    if not text:
        return None, None
    database, dot, collection = text.partition(".")
    return unquote_plus(database), (unquote_plus(collection) if dot else None)


def parse_uri(uri: str, default_port: Optional[int] = DEFAULT_PORT, validate: bool = True,
              warn: bool = False) -> Dict[str, Any]:
    """Parse and validate a MongoDB URI.

    :param uri: the connection string, ``mongodb://[user[:password]@]host[:port][,...]
        [/[database][?options]]``.
    :param default_port: the port of a host given without one (default 27017).
    :param validate: when ``True`` (the default), validate and normalise the options.
    :param warn: with ``validate``: when ``True``, warn about an invalid option and drop
        it instead of raising (default ``False``).
    :returns: ``{'nodelist': [(host, port), ...], 'username', 'password', 'database',
        'collection', 'options'}``, each absent part None (``options`` a dict).
    :raises TypeError: when ``uri`` is not a ``str``.
    :raises ~pymongo.errors.InvalidURI: for a bad scheme, user info or option.
    :raises ~pymongo.errors.ConfigurationError: for an unknown option or options that
        contradict each other (without ``warn``).

    ``mongodb+srv://`` URIs are checked for shape and then refused with ``InvalidURI``
    (as 3.4 refused the scheme): they need DNS SRV lookups, which this driver does not do.
    A bad host or port raises ``InvalidHost``, an ``InvalidURI`` that is also the
    ``ValueError`` 3.4 raised.
    """
    if not isinstance(uri, str):
        raise TypeError(f"uri must be a string, not {type(uri).__name__}")
    srv = uri.startswith(SRV_SCHEME)
    if not srv and not uri.startswith(SCHEME):
        # Only the scheme is shown: the rest may hold a password.
        scheme = f", not {uri.partition('://')[0] + '://'!r}" if "://" in uri else ""
        raise InvalidURI(f"Invalid URI scheme: URI must begin with {SCHEME!r} or "
                         f"{SRV_SCHEME!r}{scheme}")
    rest = uri[SRV_SCHEME_LEN if srv else SCHEME_LEN:]
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
    if ".sock" in hosts:
        # 3.4 decoded the host list of a URI naming a socket (%2F for each '/').
        hosts = unquote_plus(hosts)
    try:
        nodes = split_hosts(hosts, default_port)
    except ValueError as exc:
        raise InvalidHost(f"Invalid host in URI: {exc}") from None
    database, collection = _parse_database(db_part)
    options: Dict[str, Any] = OptionDict() if validate else {}
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
    raise InvalidURI("mongodb+srv requires DNS SRV lookups, which this driver does not "
                     "support; list the hosts in a mongodb:// URI instead")


__all__ = ["SCHEME", "SRV_SCHEME", "DEFAULT_PORT", "parse_userinfo", "parse_ipv6_literal_host",
           "parse_host", "split_hosts", "split_options", "validate_options",
           "check_option_conflicts", "parse_uri", "URI_VALIDATORS", "OptionDict", "InvalidHost"]
