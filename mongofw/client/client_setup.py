"""Everything a MongoClient resolves once, at construction.

Hosts and URIs are parsed, options validated into :class:`ClientOptions`, and the plugin
registries asked a single time: type codecs go into the client's ``CodecOptions``,
listeners into one ``EventPublisher``, auth mechanisms into one authenticator, the
cursor manager class is chosen.  The core then gets plain collaborators.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Tuple

import attrs

from bson.binary import ALL_UUID_REPRESENTATIONS
from bson.codec_options import CodecOptions, TypeRegistry
from mongofw.auth.credentials import MongoCredential
from mongofw.client.socket_info import SocketInfo
from mongofw.core.pool import PoolOptions
from mongofw.core.topology.settings import TopologySettings
from mongofw.core.wire.compression import check_available
from mongofw.errors import ConfigurationError
from mongofw.monitoring.publisher import EventPublisher, client_publisher
from mongofw.options.client_options import ClientOptions
from mongofw.options.read_preferences import make_read_preference, read_pref_mode_from_name
from mongofw.options.uri_parser import parse_uri, split_hosts

Address = Tuple[str, Optional[int]]


@attrs.frozen
class ClientSetup:
    """The resolved configuration and collaborators of one client."""

    options: ClientOptions
    seeds: Tuple[Address, ...]
    replica_set_name: Optional[str]
    default_database: Optional[str]
    codec_options: CodecOptions
    read_preference: Any
    write_concern: Any
    read_concern: Any
    credentials: Optional[MongoCredential] = attrs.field(repr=False)
    plugins: Any = attrs.field(repr=False)
    publisher: EventPublisher = attrs.field(repr=False)
    listeners: Tuple[Any, ...] = attrs.field(repr=False)
    authenticator: Optional[Callable[[Any, Any], None]] = attrs.field(repr=False)
    pool_options: PoolOptions = attrs.field(repr=False)
    topology_settings: TopologySettings = attrs.field(repr=False)
    cursor_manager_class: Optional[type] = attrs.field(repr=False)
    plugin_options: Mapping[str, Any] = attrs.field(repr=False)
    connect: bool = True


def _load_plugins() -> Any:
    from mongofw.plugin_manager import get_plugins

    return get_plugins()


def _parse_hosts(host: Any, port: Optional[int], default_host: str, default_port: int
                 ) -> Dict[str, Any]:
    """Seeds, user info, database and URI options from ``host`` (a URI, host or list)."""
    if host is None:
        host = default_host
    if isinstance(host, str):
        host = [host]
    if port is None:
        port = default_port
    if not isinstance(port, int) or isinstance(port, bool):
        raise TypeError(f"port must be an instance of int, not {type(port).__name__}")
    parsed: Dict[str, Any] = {"nodelist": [], "username": None, "password": None,
                              "database": None, "options": {}}
    for entity in host:
        if not isinstance(entity, str):
            raise TypeError(f"host must be a string or a list of strings, not "
                            f"{type(entity).__name__}")
        if "://" in entity:
            res = parse_uri(entity, port, warn=True)
            parsed["nodelist"].extend(res["nodelist"])
            for key in ("username", "password", "database"):
                parsed[key] = res[key] or parsed[key]
            parsed["options"] = res["options"]
        else:
            parsed["nodelist"].extend(split_hosts(entity, port))
    if not parsed["nodelist"]:
        raise ConfigurationError("need to specify at least one host")
    return parsed


def _ssl_context(opts: ClientOptions) -> Any:
    if not opts.ssl:
        return None
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = bool(opts.ssl_match_hostname) and \
        opts.ssl_cert_reqs != ssl.CERT_NONE
    context.verify_mode = opts.ssl_cert_reqs if opts.ssl_cert_reqs is not None \
        else ssl.CERT_REQUIRED
    try:
        if opts.ssl_ca_certs:
            context.load_verify_locations(opts.ssl_ca_certs)
        elif context.verify_mode != ssl.CERT_NONE:
            context.load_default_certs()
        if opts.ssl_crlfile:
            context.load_verify_locations(opts.ssl_crlfile)
            context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
        if opts.ssl_certfile:
            context.load_cert_chain(opts.ssl_certfile, opts.ssl_keyfile,
                                    opts.ssl_pem_passphrase)
    except (OSError, ssl.SSLError) as exc:
        # Never echo the passphrase; the file names are the user's own configuration.
        raise ConfigurationError(f"could not load the TLS certificates or keys: "
                                 f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}"
                                 ) from None
    return context


def make_authenticator(mechanisms: Mapping[str, Any]) -> Callable[[Any, Any], None]:
    """Run the registered mechanism that ``credentials.mechanism`` names."""
    def authenticate(credentials: Any, sock_info: Any) -> None:
        mechanism = mechanisms.get(credentials.mechanism.upper())
        if mechanism is None:
            raise ConfigurationError(
                f"authentication mechanism {credentials.mechanism!r} is not registered; "
                f"registered: {', '.join(sorted(mechanisms)) or 'none'}")
        mechanism.authenticate(credentials, sock_info)

    return authenticate


def _split_plugin_options(kwargs: Mapping[str, Any], plugins: Any
                          ) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    claimed = plugins.client_options() if plugins is not None else {}
    core: Dict[str, Any] = {}
    extra: Dict[str, Any] = {}
    for name, value in kwargs.items():
        (extra if name.lower() in claimed else core)[name] = value
    return core, extra


def _type_registry(plugins: Any, type_registry: Any) -> Optional[TypeRegistry]:
    """The client's codecs: the plugins', then the application's ``type_registry=`` (3.8),
    whose codec prevails for a type both claim and whose fallback encoder is kept."""
    if type_registry is not None and not isinstance(type_registry, TypeRegistry):
        raise TypeError(f"type_registry must be an instance of bson.codec_options.TypeRegistry"
                        f", not {type(type_registry).__name__}")
    codecs = list(plugins.type_codecs())
    extra_uuids = [r for code, r in plugins.uuid_representations().items()
                   if code not in ALL_UUID_REPRESENTATIONS]
    fallback = None
    if type_registry is not None:
        codecs.extend(type_registry.type_codecs)
        extra_uuids.extend(type_registry.uuid_representations)
        fallback = type_registry.fallback_encoder
    if not (codecs or extra_uuids or fallback is not None):
        return None
    return TypeRegistry(codecs, fallback, uuid_representations=extra_uuids)


def resolve(host: Any, port: Optional[int], document_class: type, tz_aware: Optional[bool],
            connect: Optional[bool], kwargs: Mapping[str, Any], *, default_host: str,
            default_port: int, type_registry: Any = None) -> ClientSetup:
    """Parse, validate and assemble a client's configuration (see the module docstring)."""
    plugins = _load_plugins()
    parsed = _parse_hosts(host, port, default_host, default_port)
    core_kwargs, plugin_options = _split_plugin_options(kwargs, plugins)
    core_kwargs["document_class"] = document_class
    if tz_aware is not None:
        core_kwargs["tz_aware"] = tz_aware
    if connect is not None:
        core_kwargs["connect"] = connect
    opts = ClientOptions.from_uri(parsed, core_kwargs, plugins.auth_mechanisms())
    for key, value in opts.options.items():
        plugin_options.setdefault(key, value)

    codec_options = CodecOptions(opts.document_class, opts.tz_aware, opts.uuid_representation,
                                 opts.unicode_decode_error_handler, opts.tzinfo,
                                 _type_registry(plugins, type_registry))
    read_preference = make_read_preference(
        read_pref_mode_from_name(opts.read_preference_mode),
        list(opts.read_preference_tags) if opts.read_preference_tags else None,
        opts.max_staleness_seconds)
    publisher = client_publisher(list(opts.event_listeners),
                                 plugins.event_listeners(plugin_options))
    mechanisms = plugins.auth_mechanisms()
    handshake: Tuple[Tuple[str, Any], ...] = ()
    credentials = opts.credentials
    if credentials is not None and credentials.username and \
            credentials.mechanism.upper() == "DEFAULT":
        handshake = (("saslSupportedMechs", f"{credentials.source}.{credentials.username}"),)
    check_available(opts.compressors)  # a missing package fails now, naming the extra
    pool_options = PoolOptions(
        max_pool_size=opts.max_pool_size if opts.max_pool_size is not None else 2 ** 31 - 1,
        min_pool_size=opts.min_pool_size, max_idle_time_seconds=opts.max_idle_time,
        connect_timeout=opts.connect_timeout, socket_timeout=opts.socket_timeout,
        wait_queue_timeout=opts.wait_queue_timeout,
        wait_queue_multiple=opts.wait_queue_multiple,
        socket_keepalive=opts.socket_keepalive, ssl_context=_ssl_context(opts),
        ssl_match_hostname=opts.ssl_match_hostname, ssl_certfile=opts.ssl_certfile,
        appname=opts.appname, driver=opts.driver, compressors=opts.compressors,
        zlib_compression_level=opts.zlib_compression_level, server_api=opts.server_api,
        handshake_fields=handshake, connection_class=SocketInfo)
    settings = TopologySettings(
        seeds=opts.hosts, replica_set_name=opts.replica_set_name,
        local_threshold_ms=opts.local_threshold_ms,
        server_selection_timeout=opts.server_selection_timeout,
        heartbeat_frequency=opts.heartbeat_frequency,
        direct_connection=opts.direct_connection, server_selector=opts.server_selector)
    return ClientSetup(
        options=opts, seeds=tuple(opts.hosts), replica_set_name=opts.replica_set_name,
        default_database=opts.database, codec_options=codec_options,
        read_preference=read_preference, write_concern=opts.write_concern,
        read_concern=opts.read_concern, credentials=credentials, plugins=plugins,
        publisher=publisher, listeners=tuple(publisher.listeners),
        authenticator=make_authenticator(mechanisms) if mechanisms else None,
        pool_options=pool_options, topology_settings=settings,
        cursor_manager_class=plugins.cursor_manager_class(), plugin_options=plugin_options,
        connect=opts.connect)
