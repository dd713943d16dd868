"""The one plugin manager: built on first use from the ``mongofw`` entry points, then cached.

Nothing here runs at ``import bson`` or ``import pymongo``; a client or codec
configuration asks :func:`get_plugins` once and keeps plain attributes.
"""
from __future__ import annotations

import os
import sys
import threading
import warnings
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import attrs
import pluggy

from mongofw import PROJECT_NAME, hookspecs

ENTRY_POINT_GROUP = "mongofw"
#: Comma-separated entry-point names of plugins not to load (e.g. ``default_monitoring``).
DISABLE_ENV = "MONGOFW_DISABLE_PLUGINS"
DEFAULT_PREFIX = "default_"


class PluginLoadWarning(UserWarning):
    """A plugin could not be imported or registered; the driver goes on without it."""


class PluginConflictError(Exception):
    """Two plugins registered the same name in one registry."""


@attrs.frozen
class PluginInfo:
    """What ``python -m mongofw plugins`` shows for one loaded plugin.

    :param name: the plugin's name: its entry point's name (``default_codecs``), or the
        name it was registered under in code.
    :param distribution: the distribution that declares the entry point
        (``"(registered in code)"`` for a plugin passed to :func:`create_plugin_manager`).
    :param version: that distribution's version (``"-"`` when registered in code).
    :param hooks: the names of the hooks the plugin implements, sorted.
    """

    name: str
    distribution: str
    version: str
    hooks: Tuple[str, ...]


def _entry_points() -> Sequence[Any]:
    if sys.version_info >= (3, 10):
        from importlib.metadata import entry_points
    else:  # pragma: no cover - exercised on 3.9 only
        from importlib_metadata import entry_points
    return list(entry_points(group=ENTRY_POINT_GROUP))


def disabled_from_env() -> frozenset:
    """The entry-point names listed in ``MONGOFW_DISABLE_PLUGINS`` (comma-separated;
    blanks ignored), as a ``frozenset`` (empty when the variable is not set)."""
    raw = os.environ.get(DISABLE_ENV, "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def create_plugin_manager(entry_points: Optional[Iterable[Any]] = None,
                          disabled: Optional[Iterable[str]] = None,
                          plugins: Iterable[Tuple[str, Any]] = ()) -> pluggy.PluginManager:
    """Build a new ``pluggy.PluginManager`` holding mongofw's hooks and the plugins found.

    :param entry_points: the entry points to load.  Default ``None``: every entry point
        of the ``mongofw`` group of the installed distributions.
    :param disabled: entry-point names not to load (each is blocked in the manager).
        Default ``None``: the names in ``MONGOFW_DISABLE_PLUGINS``.
    :param plugins: ``(name, module_or_object)`` pairs registered as well, after the entry
        points: a test, or an application, can add a plugin without installing it.
    :returns: the manager; its plugins are checked against the hook specifications
        (``check_pending``).
    :raises pluggy.PluginValidationError: when a plugin implements a hook that does not
        exist or with arguments it does not have.

    A plugin that fails to import or register gives a :class:`PluginLoadWarning` naming it
    and its distribution; the rest load.  Unlike :func:`get_plugins`, nothing is cached.
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    blocked = disabled_from_env() if disabled is None else frozenset(disabled)
    pm.mongofw_dists = {}  # plugin name -> (distribution, version)
    for ep in _entry_points() if entry_points is None else entry_points:
        if ep.name in blocked:
            pm.set_blocked(ep.name)
            continue
        dist = getattr(ep, "dist", None)
        dist_name = getattr(dist, "name", None) or (dist.metadata["Name"] if dist else "?")
        dist_version = getattr(dist, "version", "?") if dist else "?"
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except Exception as exc:  # noqa: BLE001 - any failure of third-party code
            warnings.warn(
                f"mongofw plugin {ep.name!r} ({ep.value}) from distribution "
                f"{dist_name} {dist_version} failed to load and is ignored: "
                f"{type(exc).__name__}: {exc}", PluginLoadWarning, stacklevel=2)
            continue
        pm.mongofw_dists[ep.name] = (dist_name, dist_version)
    for name, plugin in plugins:
        pm.register(plugin, name=name)
        pm.mongofw_dists.setdefault(name, ("(registered in code)", "-"))
    pm.check_pending()
    return pm


def describe(pm: pluggy.PluginManager) -> List[PluginInfo]:
    """One :class:`PluginInfo` per plugin registered in ``pm`` (blocked ones left out),
    sorted by name: what ``python -m mongofw plugins`` prints.

    :param pm: a manager made by :func:`create_plugin_manager` (distributions and
        versions are shown as ``"?"`` for one made otherwise).
    """
    infos = []
    dists: Dict[str, Tuple[str, str]] = getattr(pm, "mongofw_dists", {})
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            continue
        callers = pm.get_hookcallers(plugin) or []
        dist, version = dists.get(name, ("?", "?"))
        infos.append(PluginInfo(name, dist, version, tuple(sorted(c.name for c in callers))))
    return sorted(infos, key=lambda info: info.name)


class Plugins:
    """The registries of one plugin manager, merged once and cached.

    :param pm: the ``pluggy.PluginManager`` to ask (see :func:`create_plugin_manager`).

    Registry hooks (codecs, auth mechanisms, UUID representations, client options) are
    called once, on first use, and their merged results kept; a name registered by two
    plugins raises :class:`PluginConflictError` naming both.  The per-object hooks
    (listeners, SON manipulators, cursor manager, GridFS storage) are called each time.
    Thread-safe.
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._lock = threading.Lock()
        self._cache: Dict[str, Any] = {}

    def _registry(self, hook_name: str, key: Callable[[Any], Any]) -> Mapping[Any, Any]:
        with self._lock:
            if hook_name in self._cache:
                return self._cache[hook_name]
            merged: Dict[Any, Any] = {}
            owners: Dict[Any, str] = {}
            hook = getattr(self.pm.hook, hook_name)
            # Call each implementation ourselves so a duplicate can name both plugins.
            for impl in hook.get_hookimpls():
                for item in impl.function() or ():
                    k = key(item)
                    if k in merged:
                        raise PluginConflictError(
                            f"{hook_name}: {k!r} is registered by both plugin "
                            f"{owners[k]!r} and plugin {impl.plugin_name!r}")
                    merged[k] = item
                    owners[k] = impl.plugin_name
            self._cache[hook_name] = merged
            return merged

    def auth_mechanisms(self) -> Mapping[str, Any]:
        """Upper-case mechanism name -> :class:`~mongofw.extensions.AuthMechanism`, from
        every plugin's ``mongofw_auth_mechanisms``.

        :raises PluginConflictError: when two plugins register the same name.
        """
        return self._registry("mongofw_auth_mechanisms", lambda m: m.name.upper())

    def uuid_representations(self) -> Mapping[int, Any]:
        """Code -> :class:`~mongofw.extensions.UuidRepresentation`, from every plugin's
        ``mongofw_uuid_representations``.

        :raises PluginConflictError: when two plugins register the same code.
        """
        return self._registry("mongofw_uuid_representations", lambda r: r.code)

    def client_options(self) -> Mapping[str, str]:
        """Lower-case name -> spelling of the keyword options plugins accept."""
        return self._registry("mongofw_client_options", str.lower)

    def type_codecs(self) -> Tuple[Any, ...]:
        """The plugins' type codecs, defaults' first (in a TypeRegistry the later codec for a
        type prevails, so another plugin's wins over a default's)."""
        with self._lock:
            if "mongofw_type_codecs" not in self._cache:
                self._cache["mongofw_type_codecs"] = _merge_type_codecs(
                    self.pm.hook.mongofw_type_codecs.get_hookimpls())
            return self._cache["mongofw_type_codecs"]

    def event_listeners(self, options: Mapping[str, Any]) -> List[Any]:
        """Every plugin's listeners for a new client, in plugin order.

        :param options: the client's keyword options (plugins' own options included),
            handed to each ``mongofw_event_listeners`` implementation.
        """
        return [listener for group in self.pm.hook.mongofw_event_listeners(options=options)
                for listener in group or ()]

    def son_manipulators(self, database: Any) -> List[Any]:
        """Every plugin's SON manipulators for ``database`` (a new
        :class:`~pymongo.database.Database`), in plugin order."""
        return [m for group in self.pm.hook.mongofw_son_manipulators(database=database)
                for m in group or ()]

    def cursor_manager_class(self) -> Optional[type]:
        """The first non-``None`` answer to ``mongofw_cursor_manager_class`` (the default
        plugin's :class:`~pymongo.cursor_manager.CursorManager` unless another answers)."""
        return self.pm.hook.mongofw_cursor_manager_class()

    def gridfs_storage(self, options: Mapping[str, Any]) -> Any:
        """The first non-``None`` storage factory for a bucket.

        :param options: what ``mongofw_gridfs_storage`` receives: ``database``,
            ``bucket_name``, ``chunk_size_bytes``, ``write_concern``, ``read_preference``
            and ``client_options`` (the client's plugin options).
        :returns: a ``GridFSStorageFactory`` (see :mod:`mongofw.extensions`), or ``None`` when no
            plugin answered.
        """
        return self.pm.hook.mongofw_gridfs_storage(options=options)


def _merge_type_codecs(impls: Sequence[Any]) -> Tuple[Any, ...]:
    """Every implementation's codecs, checked; the rules are mongofw_type_codecs's."""
    from bson.codec_options import TypeDecoder, TypeEncoder, TypeRegistry

    defaults: List[Any] = []
    others: List[Any] = []
    # (what, type) -> (plugin name, codec) of the claim that counts so far
    claims: Dict[Tuple[str, Any], Tuple[str, Any]] = {}
    for impl in impls:
        name = impl.plugin_name
        is_default = name.startswith(DEFAULT_PREFIX)
        for codec in impl.function() or ():
            try:
                TypeRegistry([codec])  # the registry's own checks, reported with the plugin
            except TypeError as exc:
                raise TypeError(f"mongofw_type_codecs: plugin {name!r} returned an unusable "
                                f"codec: {exc}") from None
            wanted = []
            if isinstance(codec, TypeEncoder):
                wanted.append(("Python type", codec.python_type))
            if isinstance(codec, TypeDecoder):
                wanted.append(("BSON type", codec.bson_type))
            for key in wanted:
                owner, owned = claims.get(key, (name, codec))
                if owner != name and owner.startswith(DEFAULT_PREFIX) == is_default:
                    raise PluginConflictError(
                        f"mongofw_type_codecs: the {key[0]} {key[1]!r} is claimed by both "
                        f"plugin {owner!r} ({owned!r}) and plugin {name!r} ({codec!r}); "
                        f"keep one (e.g. {DISABLE_ENV}={name})")
                if owner == name or not is_default:
                    claims[key] = (name, codec)
            (defaults if is_default else others).append(codec)
    return tuple(defaults + others)


_plugins: Optional[Plugins] = None
_plugins_lock = threading.Lock()


def get_plugins() -> Plugins:
    """The process-wide plugin set, loaded from entry points on first call."""
    global _plugins
    if _plugins is None:
        with _plugins_lock:
            if _plugins is None:
                pm = create_plugin_manager()
                loaded = [name for name, _ in pm.list_name_plugin()]
                if not any(name.startswith(DEFAULT_PREFIX) for name in loaded) and not any(
                        name.startswith(DEFAULT_PREFIX) for name in disabled_from_env()):
                    warnings.warn("default plugins not found; is mongofw installed "
                                  "(pip install -e .)?", PluginLoadWarning, stacklevel=2)
                _plugins = Plugins(pm)
    return _plugins


def reset_plugins() -> None:
    """Forget the cached plugin set (tests; after installing a plugin at run time)."""
    global _plugins
    with _plugins_lock:
        _plugins = None
