"""Everything a client was configured with, resolved once into one frozen value.

:func:`merge_options` overlays validated keyword arguments on parsed URI options (keyword
arguments win, as documented); :meth:`ClientOptions.from_options` resolves aliases
(``tls*`` names onto the 3.4 ``ssl_*`` ones), defaults, concerns and credentials.
Times keep the unit of their option name (milliseconds); the ``*_timeout`` /
``*_frequency`` properties give seconds, with 0 meaning "no timeout" where documented.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Collection, Dict, Mapping, Optional, Sequence, Tuple

import attrs

from mongofw.auth.credentials import DEFAULT_MECHANISMS, MongoCredential, build_credentials
from mongofw.errors import ConfigurationError
from mongofw.options.read_concern import ReadConcern
from mongofw.options.uri_parser import OptionDict, check_option_conflicts
from mongofw.options.validators import SECRET_OPTIONS, canonical_name, validate
from mongofw.options.write_concern import WriteConcern

if TYPE_CHECKING:  # pragma: no cover - typing only; ssl loads when TLS is configured
    import ssl

Address = Tuple[str, Optional[int]]

# Names that spell the same setting; a keyword argument for one replaces the URI's others.
_FAMILIES = (("tls", "ssl"), ("tlscafile", "ssl_ca_certs"),
             ("tlscertificatekeyfile", "ssl_certfile"), ("tlscrlfile", "ssl_crlfile"),
             ("tlscertificatekeyfilepassword", "ssl_pem_passphrase"), ("j", "journal"),
             ("wtimeout", "wtimeoutms"))
_SSL_FILES = ("ssl_certfile", "ssl_keyfile", "ssl_pem_passphrase", "ssl_ca_certs",
              "ssl_crlfile", "ssl_cert_reqs", "ssl_match_hostname", "tlsinsecure",
              "tlsallowinvalidcertificates", "tlsallowinvalidhostnames")
# Features this driver does not have: accepting the option silently would be a wrong result.
_UNSUPPORTED = {
    "loadbalanced": "load-balanced mode (loadBalanced=true) is not supported by this driver",
    "proxyhost": "connecting through a SOCKS5 proxy (proxyHost) is not supported by this "
                 "driver",
    "timeoutms": "client-side operation timeouts (timeoutMS) are not supported by this "
                 "driver; use socketTimeoutMS, wTimeoutMS or max_time_ms",
    "auto_encryption_opts": "client-side field level encryption (auto_encryption_opts) is "
                            "not supported by this driver: it needs libmongocrypt",
}


def merge_options(uri_options: Mapping[str, Any], kwargs: Mapping[str, Any]) -> OptionDict:
    """URI options overlaid with validated keyword arguments.

    A keyword argument of ``None`` leaves the option unset unless ``None`` is a documented
    value for it (``maxPoolSize=None``: no limit).  Unknown names raise
    ``ConfigurationError``; bad values raise ``ValueError`` / ``TypeError``.
    """
    merged = OptionDict(uri_options)
    for name, value in kwargs.items():
        try:
            lower, value = validate(name, value)
        except (ValueError, TypeError):
            if value is None:
                continue
            raise
        for family in _FAMILIES:
            if lower in family:
                for other in family:
                    merged.pop(other, None)
        merged[canonical_name(name)] = value
    return merged


class _PoolSizeError(ConfigurationError, ValueError):
    """ConfigurationError, and the ValueError 3.4 raised for minPoolSize > maxPoolSize."""


def _hidden_keys(value: Optional[Mapping[str, Any]]) -> str:
    return "None" if value is None else "{" + ", ".join(sorted(value)) + "}"


def _seconds(ms: Optional[float], zero_is_none: bool = False) -> Optional[float]:
    if ms is None or (zero_is_none and ms == 0):
        return None
    return ms / 1000.0


@attrs.frozen
class ClientOptions:
    """The resolved configuration of one client (secrets kept out of the repr)."""

    hosts: Tuple[Address, ...] = (("localhost", 27017),)
    database: Optional[str] = None
    replica_set_name: Optional[str] = None
    direct_connection: Optional[bool] = None
    # Connection pool.
    max_pool_size: Optional[int] = 100
    min_pool_size: int = 0
    max_idle_time_ms: Optional[float] = None
    max_connecting: int = 2
    wait_queue_timeout_ms: Optional[float] = None
    wait_queue_multiple: Optional[int] = None
    connect_timeout_ms: Optional[float] = 20000
    socket_timeout_ms: Optional[float] = None
    socket_keepalive: bool = False
    appname: Optional[str] = None
    driver: Any = None
    server_api: Any = None
    server_selector: Any = attrs.field(default=None, eq=False)
    compressors: Tuple[str, ...] = ()
    zlib_compression_level: int = -1
    # TLS, in the 3.4 names.
    ssl: bool = False
    ssl_certfile: Optional[str] = None
    ssl_keyfile: Optional[str] = None
    ssl_pem_passphrase: Optional[str] = attrs.field(default=None, repr=False)
    ssl_ca_certs: Optional[str] = None
    ssl_cert_reqs: Optional[ssl.VerifyMode] = None
    ssl_crlfile: Optional[str] = None
    ssl_match_hostname: bool = True
    # Server selection and monitoring.
    read_preference_mode: str = "primary"
    read_preference_tags: Optional[Tuple[Dict[str, str], ...]] = None
    max_staleness_seconds: int = -1
    local_threshold_ms: float = 15
    server_selection_timeout_ms: float = 30000
    heartbeat_frequency_ms: float = 10000
    server_monitoring_mode: str = "auto"
    write_concern: WriteConcern = WriteConcern()
    read_concern: ReadConcern = ReadConcern()
    # On by default, as from PyMongo 3.9 (retryWrites) and 3.9 (retryReads).
    retry_writes: bool = True
    retry_reads: bool = True
    # Authentication, raw and resolved.
    username: Optional[str] = None
    password: Optional[str] = attrs.field(default=None, repr=False)
    auth_source: Optional[str] = None
    auth_mechanism: Optional[str] = None
    auth_mechanism_properties: Optional[Mapping[str, Any]] = attrs.field(
        default=None, repr=_hidden_keys, hash=False)
    credentials: Optional[MongoCredential] = None
    # Codec and client behaviour.
    document_class: type = dict
    tz_aware: bool = False
    tzinfo: Any = None
    uuid_representation: int = 3
    unicode_decode_error_handler: str = "strict"
    connect: bool = True
    event_listeners: Tuple[Any, ...] = ()
    options: OptionDict = attrs.field(factory=OptionDict, repr=False, eq=False, hash=False)

    @classmethod
    def from_uri(cls, parsed: Mapping[str, Any], kwargs: Optional[Mapping[str, Any]] = None,
                 mechanisms: Collection[str] = DEFAULT_MECHANISMS) -> ClientOptions:
        """From a :func:`~mongofw.options.uri_parser.parse_uri` result and keyword arguments."""
        uri_options = OptionDict(parsed.get("options") or {})
        for key in ("username", "password"):
            if parsed.get(key) is not None:
                uri_options[key] = parsed[key]
        merged = merge_options(uri_options, kwargs or {})
        return cls.from_options(parsed["nodelist"], merged, parsed.get("database"),
                                mechanisms)

    @classmethod
    def from_options(cls, hosts: Sequence[Address], options: Mapping[str, Any],
                     database: Optional[str] = None,
                     mechanisms: Collection[str] = DEFAULT_MECHANISMS) -> ClientOptions:
        """From seeds and validated options (lower-case or :class:`OptionDict` keys)."""
        opts = OptionDict(options)
        hosts = tuple(hosts)
        if not hosts:
            raise ConfigurationError("at least one host is required")
        check_option_conflicts(opts, hosts)
        _refuse_unsupported(opts)
        values: Dict[str, Any] = dict(hosts=hosts, database=database, options=opts)
        simple = {"replicaset": "replica_set_name", "directconnection": "direct_connection",
                  "maxpoolsize": "max_pool_size", "minpoolsize": "min_pool_size",
                  "maxidletimems": "max_idle_time_ms", "maxconnecting": "max_connecting",
                  "waitqueuetimeoutms": "wait_queue_timeout_ms",
                  "waitqueuemultiple": "wait_queue_multiple",
                  "connecttimeoutms": "connect_timeout_ms",
                  "sockettimeoutms": "socket_timeout_ms", "socketkeepalive": "socket_keepalive",
                  "appname": "appname", "zlibcompressionlevel": "zlib_compression_level",
                  "readpreference": "read_preference_mode",
                  "maxstalenessseconds": "max_staleness_seconds",
                  "localthresholdms": "local_threshold_ms",
                  "serverselectiontimeoutms": "server_selection_timeout_ms",
                  "heartbeatfrequencyms": "heartbeat_frequency_ms",
                  "servermonitoringmode": "server_monitoring_mode",
                  "retrywrites": "retry_writes", "retryreads": "retry_reads",
                  "username": "username", "password": "password", "authsource": "auth_source",
                  "authmechanism": "auth_mechanism",
                  "authmechanismproperties": "auth_mechanism_properties",
                  "document_class": "document_class", "tz_aware": "tz_aware",
                  "tzinfo": "tzinfo", "uuidrepresentation": "uuid_representation",
                  "unicode_decode_error_handler": "unicode_decode_error_handler",
                  "connect": "connect", "event_listeners": "event_listeners",
                  "driver": "driver", "server_selector": "server_selector",
                  "server_api": "server_api"}
        for name, attr in simple.items():
            if name in opts:
                values[attr] = opts[name]
        # replicaSet='' names no set, as in 3.4 (whose topology tested it for truth).
        values["replica_set_name"] = values.get("replica_set_name") or None
        if "compressors" in opts:
            values["compressors"] = tuple(opts["compressors"])
        if opts.get("readpreferencetags") is not None:
            values["read_preference_tags"] = tuple(opts["readpreferencetags"])
        if "read_preference" in opts:
            # The object form (3.4's read_preference= keyword) wins over the URI's names.
            pref = opts["read_preference"]
            tags = tuple(pref.tag_sets)
            values.update(read_preference_mode=pref.mongos_mode, max_staleness_seconds=
                          pref.max_staleness, read_preference_tags=None if tags == ({},)
                          else tags)
        values.update(_resolve_tls(opts))
        values["write_concern"] = WriteConcern(
            opts.get("w"), opts.get("wtimeoutms", opts.get("wtimeout")),
            opts.get("journal", opts.get("j")), opts.get("fsync"))
        values["read_concern"] = ReadConcern(opts.get("readconcernlevel"))
        values["credentials"] = build_credentials(opts, database, mechanisms)
        _check_read_preference(values)
        _check_pool(values)
        _warn_ignored(opts)
        return cls(**values)

    @property
    def connect_timeout(self) -> Optional[float]:
        """Seconds, or None for no timeout (connectTimeoutMS of 0 or None)."""
        return _seconds(self.connect_timeout_ms, zero_is_none=True)

    @property
    def socket_timeout(self) -> Optional[float]:
        """Seconds, or None for no timeout (socketTimeoutMS of 0 or None)."""
        return _seconds(self.socket_timeout_ms, zero_is_none=True)

    @property
    def wait_queue_timeout(self) -> Optional[float]:
        """Seconds a thread waits for a pooled socket, or None to wait without limit."""
        return _seconds(self.wait_queue_timeout_ms)

    @property
    def max_idle_time(self) -> Optional[float]:
        """Seconds a socket may sit idle in the pool, or None (also for 0) for no limit."""
        return _seconds(self.max_idle_time_ms, zero_is_none=True)

    @property
    def server_selection_timeout(self) -> float:
        return self.server_selection_timeout_ms / 1000.0

    @property
    def heartbeat_frequency(self) -> float:
        return self.heartbeat_frequency_ms / 1000.0

def _refuse_unsupported(opts: OptionDict) -> None:
    for name, message in _UNSUPPORTED.items():
        value = opts.get(name)
        if value not in (None, False) and not (name == "timeoutms" and value == 0):
            raise ConfigurationError(message)


def _resolve_tls(opts: OptionDict) -> Dict[str, Any]:
    """The ``tls*`` spellings onto the 3.4 ``ssl_*`` settings, checking they agree."""
    import ssl

    def pick(old: str, new: str) -> Any:
        return opts.get(old, opts.get(new))

    given = sorted(canonical_name(n) for n in (*_SSL_FILES, "tlscafile",
                   "tlscertificatekeyfile", "tlscrlfile", "tlscertificatekeyfilepassword")
                   if n in opts)
    enabled = pick("ssl", "tls")
    # As 3.4 counted them: only ssl_* options with a true value imply or contradict ssl
    # (ssl=False with ssl_cert_reqs=CERT_NONE, or ssl_certfile=None, is accepted).
    given = [name for name in given if opts.get(name)]
    if enabled is False and given:
        raise ConfigurationError(f"ssl has not been enabled but the following ssl parameters "
                                 f"have been set: {', '.join(given)}; remove them or set "
                                 f"ssl=True")
    enabled = bool(enabled) or bool(given)
    cert_reqs = opts.get("ssl_cert_reqs")
    match_hostname = opts.get("ssl_match_hostname", True)
    if opts.get("tlsinsecure"):
        if cert_reqs not in (None, ssl.CERT_NONE) or opts.get("ssl_match_hostname"):
            raise ConfigurationError("tlsInsecure=true disables certificate and host name "
                                     "checks, which ssl_cert_reqs / ssl_match_hostname ask for")
        cert_reqs, match_hostname = ssl.CERT_NONE, False
    if opts.get("tlsallowinvalidcertificates"):
        cert_reqs = ssl.CERT_NONE
    elif opts.get("tlsallowinvalidcertificates") is False and cert_reqs is None:
        cert_reqs = ssl.CERT_REQUIRED
    if opts.get("tlsallowinvalidhostnames") is not None:
        match_hostname = not opts["tlsallowinvalidhostnames"]
    if opts.get("tlsdisablecertificaterevocationcheck") and pick("ssl_crlfile", "tlscrlfile"):
        raise ConfigurationError("tlsDisableCertificateRevocationCheck=true contradicts a "
                                 "certificate revocation list (ssl_crlfile / tlsCRLFile)")
    if enabled and cert_reqs is None:
        cert_reqs = ssl.CERT_REQUIRED
    return dict(ssl=enabled, ssl_certfile=pick("ssl_certfile", "tlscertificatekeyfile"),
                ssl_keyfile=opts.get("ssl_keyfile"),
                ssl_pem_passphrase=pick("ssl_pem_passphrase", "tlscertificatekeyfilepassword"),
                ssl_ca_certs=pick("ssl_ca_certs", "tlscafile"),
                ssl_crlfile=pick("ssl_crlfile", "tlscrlfile"),
                ssl_cert_reqs=cert_reqs if enabled else None,
                ssl_match_hostname=match_hostname)


def _check_read_preference(values: Dict[str, Any]) -> None:
    if values.get("read_preference_mode", "primary") != "primary":
        return
    tags = values.get("read_preference_tags")
    if tags and tags != ({},):
        raise ConfigurationError("readPreferenceTags cannot be combined with readPreference "
                                 "primary (the primary is the only candidate)")
    staleness = values.get("max_staleness_seconds", -1)
    if staleness != -1:
        raise ConfigurationError(f"maxStalenessSeconds cannot be combined with readPreference "
                                 f"primary, got {staleness}")


def _check_pool(values: Dict[str, Any]) -> None:
    max_size = values.get("max_pool_size", 100)
    min_size = values.get("min_pool_size", 0)
    if max_size is not None and min_size > max_size:
        raise _PoolSizeError(f"minPoolSize must not exceed maxPoolSize, not "
                             f"{min_size} > {max_size}")


def _warn_ignored(opts: OptionDict) -> None:
    """Options accepted for compatibility whose feature is absent: say so once, here."""
    if opts.get("servermonitoringmode") == "stream":
        warnings.warn("serverMonitoringMode=stream is ignored: this driver's monitors poll "
                      "with heartbeatFrequencyMS", UserWarning, stacklevel=4)


__all__ = ["ClientOptions", "merge_options", "SECRET_OPTIONS"]
