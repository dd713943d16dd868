"""The documented API surface, and a Sphinx directive that lays one module of it out.

One list of modules (``DOCUMENTED_MODULES``) and one rule for a module's public names
(:func:`public_names`) serve both the reference pages (``.. mongofw-module::``) and the
test suite's docstring check, so the site and the check always cover the same names.
"""
from __future__ import annotations

import importlib
import inspect
import types
from typing import Any, Dict, Iterator, List, Optional, Tuple

# The documented modules: PyMongo 3.4's pages and the 3.x additions mongofw provides,
# then the plugin surface.  A name exposed by several is described once, in the deepest
# (``pymongo.mongo_client.MongoClient``); the others point there.
DOCUMENTED_MODULES = [
    "bson", "bson.binary", "bson.code", "bson.codec_options", "bson.dbref",
    "bson.decimal128", "bson.errors", "bson.int64", "bson.json_util", "bson.max_key",
    "bson.min_key", "bson.objectid", "bson.raw_bson", "bson.regex", "bson.son",
    "bson.timestamp", "bson.tz_util",
    "pymongo", "pymongo.auth", "pymongo.bulk", "pymongo.change_stream",
    "pymongo.client_options", "pymongo.client_session", "pymongo.collation",
    "pymongo.collection", "pymongo.command_cursor", "pymongo.cursor",
    "pymongo.cursor_manager", "pymongo.database", "pymongo.driver_info", "pymongo.errors",
    "pymongo.event_loggers", "pymongo.message", "pymongo.mongo_client",
    "pymongo.mongo_replica_set_client", "pymongo.monitoring", "pymongo.operations",
    "pymongo.pool", "pymongo.read_concern", "pymongo.read_preferences", "pymongo.results",
    "pymongo.server_api", "pymongo.server_description", "pymongo.son_manipulator",
    "pymongo.topology_description", "pymongo.uri_parser", "pymongo.write_concern",
    "gridfs", "gridfs.errors", "gridfs.grid_file",
    "mongofw", "mongofw.hookspecs", "mongofw.extensions", "mongofw.plugin_manager",
]

_OURS = ("bson", "pymongo", "gridfs", "mongofw")


def _is_ours(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in _OURS


def public_names(module_name: str) -> List[str]:
    """The public names of a documented module, in a stable order.

    ``__all__`` when the module has one; otherwise every name not starting with ``_``
    that is a class or function of ours, or an upper-case constant (modules and names
    imported from elsewhere, such as ``typing.Any``, are left out).
    """
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is not None:
        # Once each, in __all__'s order; private and typing-only names are not API.
        return [name for name in dict.fromkeys(names)
                if not name.startswith("_") and name != "TYPE_CHECKING"]
    found = []
    for name, value in vars(module).items():
        if name.startswith("_") or name == "TYPE_CHECKING" or isinstance(value, types.ModuleType):
            continue
        if inspect.isclass(value) or inspect.isfunction(value):
            if _is_ours(value):
                found.append(name)
        elif name.isupper():
            found.append(name)
    return found


def _home_modules() -> Dict[int, str]:
    """``id(object) -> the deepest documented module exposing it`` (classes, functions)."""
    homes: Dict[int, str] = {}
    for module_name in DOCUMENTED_MODULES:
        module = importlib.import_module(module_name)
        for name in public_names(module_name):
            value = getattr(module, name, None)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            current = homes.get(id(value))
            if current is None or current.count(".") < module_name.count("."):
                homes[id(value)] = module_name
    return homes


_HOMES: Optional[Dict[int, str]] = None


def home_module(obj: Any) -> Optional[str]:
    """The documented module where ``obj`` is described (None for data values)."""
    global _HOMES
    if _HOMES is None:
        _HOMES = _home_modules()
    return _HOMES.get(id(obj))


def _members(cls: type) -> Iterator[Tuple[str, Any]]:
    """Public attributes of ``cls`` defined by our classes (its own and inherited)."""
    seen = set()
    for klass in cls.__mro__:
        if not _is_ours(klass):
            continue
        for name in vars(klass):
            if (name.startswith("_") and name != "__init__") or name in seen:
                continue
            seen.add(name)
            yield name, inspect.getattr_static(cls, name)


def public_callables() -> Iterator[Tuple[str, Any]]:
    """``(dotted name, callable)`` for every public function, class and method, once each.

    Classes and functions are named in their home module; a class's methods, class and
    static methods and properties follow it (``__init__`` is the class's constructor and
    is checked with the class).
    """
    done = set()
    for module_name in DOCUMENTED_MODULES:
        module = importlib.import_module(module_name)
        for name in public_names(module_name):
            value = getattr(module, name, None)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            if home_module(value) != module_name or id(value) in done:
                continue
            done.add(id(value))
            dotted = f"{module_name}.{name}"
            yield dotted, value
            if not inspect.isclass(value):
                continue
            for member_name, member in _members(value):
                if member_name == "__init__":
                    continue
                function = _function_of(member)
                if function is None or id(function) in done:
                    continue
                done.add(id(function))
                yield f"{dotted}.{member_name}", member


def _function_of(member: Any) -> Any:
    """The function behind a method, class/static method or property (else None)."""
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    if isinstance(member, property):
        return member.fget
    if inspect.isfunction(member):
        return member
    return None


# ``mongofw.hookimpl`` is made on first access (so ``import mongofw`` does not import
# pluggy): it has no docstring of its own to show.
HOOKIMPL_DOC = [
    "The marker for a plugin's hook implementations: decorate a function named after a",
    "hook of :mod:`mongofw.hookspecs` with ``@mongofw.hookimpl``.  It is pluggy's",
    "``HookimplMarker`` for the ``mongofw`` project, so it takes pluggy's options too:",
    "``@mongofw.hookimpl(trylast=True)`` runs after other plugins' implementations (the",
    "default plugins use it on first-result hooks so that any other plugin wins),",
    "``tryfirst=True`` before them.",
]


# --- the Sphinx side -------------------------------------------------------------------

def _directive_lines(module_name: str) -> List[str]:
    module = importlib.import_module(module_name)
    lines = [f".. automodule:: {module_name}", "   :no-members:", ""]
    for name in public_names(module_name):
        value = getattr(module, name)
        dotted = f"{module_name}.{name}"
        home = home_module(value)
        if home is not None and home != module_name:
            role = "class" if inspect.isclass(value) else "func"
            kind = "class" if inspect.isclass(value) else "function"
            lines += [f".. py:{kind}:: {name}", f"   :module: {module_name}",
                      "   :no-index-entry:", "",
                      f"   The same object as :{role}:`{home}.{name}`.", ""]
        elif inspect.isclass(value):
            # Members inherited from our own classes are described; those of builtins
            # (object, Exception, dict...) are Python's.
            foreign = sorted({k.__name__ for k in value.__mro__[1:] if not _is_ours(k)})
            lines += [f".. autoclass:: {dotted}", "   :members:", "   :undoc-members:",
                      f"   :inherited-members: {', '.join(foreign)}", "   :show-inheritance:",
                      ""]
        elif inspect.isfunction(value):
            lines += [f".. autofunction:: {dotted}", ""]
        elif module_name == "mongofw" and name == "hookimpl":
            lines += [f".. py:data:: {name}", f"   :module: {module_name}", "",
                      *("   " + text for text in HOOKIMPL_DOC),
                      ""]
        else:
            # A value: its repr (a builtin's own docstring would describe dict or int).
            shown = repr(value)
            shown = shown if len(shown) <= 90 else shown[:87] + "..."
            lines += [f".. py:data:: {name}", f"   :module: {module_name}",
                      f"   :value: {shown}", ""]
            if _is_ours(type(value)) and home_module(type(value)) is not None:
                kind = type(value)
                lines += [f"   A :class:`~{home_module(kind)}.{kind.__name__}`.", ""]
    return lines


def _documented_bases(app: Any, name: str, obj: Any, options: Any, bases: List[type]) -> None:
    """Show a class's bases as the reference knows them: an implementation-only base of
    ours gives way to its own documented (or Python's) bases."""
    def visible(base: type) -> List[type]:
        if not _is_ours(base) or home_module(base) is not None:
            return [base]
        return [b for parent in base.__bases__ for b in visible(parent)]

    shown = list(dict.fromkeys(b for base in bases for b in visible(base)))
    if shown != [object] or bases == [object]:
        bases[:] = shown
    else:
        bases[:] = []


def setup(app: Any) -> Dict[str, Any]:
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList
    from sphinx.util.nodes import nested_parse_with_titles

    class ModuleDirective(Directive):
        """``.. mongofw-module:: pymongo.cursor``: the module's public names, described."""

        required_arguments = 1

        def run(self) -> List[Any]:
            from docutils import nodes

            module_name = self.arguments[0]
            source = self.state_machine.input_lines.source(
                self.lineno - self.state_machine.input_offset - 1)
            content = StringList()
            for line in _directive_lines(module_name):
                content.append(line, source)
            node = nodes.section()
            node.document = self.state.document
            nested_parse_with_titles(self.state, content, node)
            return node.children

    app.add_directive("mongofw-module", ModuleDirective)
    app.connect("autodoc-process-bases", _documented_bases)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
