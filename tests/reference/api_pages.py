"""The documented API pages in ``../shared``, read entry by entry, and how one documented
entry compares with ours.  The tests of this folder share it.

Two page formats are read:

- PyMongo 3.4's (``../shared/api``): a ``## dotted.name`` section per class or function,
  its signature in a ``~~~`` block, members as ``#### name(params)``, ``#### name`` or
  ``#### NAME = value`` headings and ``classmethod name(...)`` lines;
- PyMongo 3.13's (``../shared/api-3.13``, generated from its docstrings): ``## [class ]
  dotted.name(params)`` or ``## dotted.name = value`` sections, members as
  ``#### Owner.name(self, params)``, ``#### Owner.name (property)`` or
  ``#### Owner.NAME = value``; ``(...)`` stands for a signature the generator could not read.

For an entry, :func:`problems` lists each way ours differs, against ``inspect.signature``:

- the documented name exists (a module attribute, a class member);
- every documented parameter exists, the positional ones in the documented order (code
  written for the documented release passes them positionally);
- documented defaults are ours too (evaluated with the page's module and common names in
  scope), and ``*args``/``**kwargs`` are accepted where documented; ours requires nothing
  undocumented;
- a documented constant that is a plain literal (``ASCENDING = 1``) has that value.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Optional

# Headings that are not members: ``str(o)`` on 3.4's ObjectId page is the builtin.
BUILTIN_HEADINGS = {"str"}


class Entry(NamedTuple):
    """One documented name."""

    label: str              # its dotted name, e.g. "pymongo.collection.Collection.find"
    section: str            # the dotted name of the class, function or attribute it is under
    module: str             # the page's module: documented defaults are evaluated in it
    params: Optional[str]   # the documented parameters, None where there are none to check
    value: Optional[str] = None  # a documented constant's value, as the page prints it


def missing(label: str) -> str:
    """The problem :func:`problems` reports for a documented name ours lacks."""
    return f"{label}: documented, but ours has none"


def missing_parameter(label: str, name: str) -> str:
    return f"{label}: documented parameter {name!r} is missing"


# ---------------------------------------------------------------- reading the pages


def _pages(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"documented API not found at {folder}; set "
                                f"MONGOFW_SHARED_DIR (or MONGOFW_API_DIR / MONGOFW_API_313_DIR)")
    for page in sorted(folder.glob("*.md")):
        if page.name != "README.md":
            yield page


def _sections(page: Path) -> List[str]:
    # errors="replace": a page may quote a byte string as it printed.
    text = page.read_text(encoding="utf-8", errors="replace")
    return re.split(r"^## ", text, flags=re.M)[1:]


def read_34(folder: Path) -> List[Entry]:
    """Every documented name on PyMongo 3.4's pages."""
    found = []
    for page in _pages(folder):
        module = page.stem
        for section in _sections(page):
            dotted = section.split("\n", 1)[0].strip()
            block = re.search(r"^~~~\n(?:class |exception )?([\w.]+)\((.*)\)\n~~~", section,
                              flags=re.M)
            params = None
            if block and block.group(1).rsplit(".", 1)[-1] == dotted.rsplit(".", 1)[-1]:
                params = block.group(2)
            found.append(Entry(dotted, dotted, module, params))
            for heading in re.finditer(r"^#### ([A-Za-z_]\w*)(?:\((.*)\)| = (.*))?\s*$",
                                       section, flags=re.M):
                name, member_params, value = heading.groups()
                if name not in BUILTIN_HEADINGS:
                    found.append(Entry(f"{dotted}.{name}", dotted, module, member_params, value))
            for name in re.findall(r"^classmethod ([A-Za-z_]\w*)\(", section, flags=re.M):
                found.append(Entry(f"{dotted}.{name}", dotted, module, None))
    return found


_SECTION_313 = re.compile(r"(?:class |exception )?([\w.]+)(?:\((.*)\)| = (.*))?\s*$")
_MEMBER_313 = re.compile(r"^#### (\w+)\.(\w+)(?:\((.*)\)| = (.*)| \(property\))?\s*$", re.M)


def _params_313(text: Optional[str], member: bool) -> Optional[str]:
    """The parameters without ``self``/``cls`` and ``/`` markers; None for ``(...)``."""
    if text is None or text.strip() == "...":
        return None
    params = [p for p in split_parameters(text) if p != "/"]
    if member and params and params[0] in ("self", "cls"):
        params = params[1:]
    return ", ".join(params)


def read_313(folder: Path) -> List[Entry]:
    """Every documented name on PyMongo 3.13's pages.

    A member ``__init__`` is left out: its parameters are the class heading's, which is
    checked as the class's constructor.
    """
    found = []
    for page in _pages(folder):
        module = page.stem
        for section in _sections(page):
            heading = _SECTION_313.match(section.split("\n", 1)[0])
            if heading is None:
                raise ValueError(f"{page.name}: unreadable heading ## "
                                 f"{section.splitlines()[0]!r}")
            dotted, params, value = heading.groups()
            found.append(Entry(dotted, dotted, module, _params_313(params, False), value))
            owner = dotted.rsplit(".", 1)[-1]
            for member in _MEMBER_313.finditer(section):
                member_owner, name, member_params, member_value = member.groups()
                if member_owner != owner:
                    raise ValueError(f"{page.name}: member {member_owner}.{name} under "
                                     f"{dotted}")
                if name != "__init__":
                    found.append(Entry(f"{dotted}.{name}", dotted, module,
                                       _params_313(member_params, True), member_value))
    return found


def split_parameters(text: str) -> List[str]:
    """``"a, b=f(1, 2), *args"`` -> ``["a", "b=f(1, 2)", "*args"]``."""
    parts, depth, current, quote = [], 0, "", None
    for ch in text:
        if quote:
            current += ch
            quote = None if ch == quote else quote
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


# ---------------------------------------------------------------- ours


def resolve(dotted: str) -> Any:
    """The object a dotted name names (the longest importable module, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(dotted)


def _default_namespace() -> Dict[str, Any]:
    from bson.binary import PYTHON_LEGACY, UuidRepresentation
    from bson.codec_options import CodecOptions, TypeRegistry
    from bson.json_util import JSONOptions
    from bson.tz_util import utc
    from pymongo.collection import ReturnDocument
    from pymongo.cursor import CursorType
    from pymongo.read_concern import ReadConcern
    from pymongo.read_preferences import Primary
    return {"PYTHON_LEGACY": PYTHON_LEGACY, "UuidRepresentation": UuidRepresentation,
            "CodecOptions": CodecOptions, "TypeRegistry": TypeRegistry, "utc": utc,
            "JSONOptions": JSONOptions, "ReturnDocument": ReturnDocument,
            "CursorType": CursorType, "ReadConcern": ReadConcern, "Primary": Primary,
            "dict": dict}


def evaluate_default(text: str, module: str) -> Any:
    """A documented default's value, with the page's module and common names in scope."""
    # Object reprs in rendered defaults: the UTC tzinfo and, on 3.13's pages, classes.
    text = re.sub(r"<bson\.tz_util\.FixedOffset object at 0x[0-9a-f]+>", "utc", text)
    text = re.sub(r"<class '(\w+)'>", r"\1", text)
    namespace = dict(vars(importlib.import_module(module)))
    namespace.update(_default_namespace())
    return eval(text, namespace)  # noqa: S307 - the documented API pages


def signature_problems(label: str, func: Any, documented: List[str],
                       module: str) -> Iterator[str]:
    """Each way ``func``'s signature differs from the ``documented`` parameter list
    (defaults are evaluated in ``module``, the page's)."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError) as exc:
        yield f"{label}: no signature ({exc})"
        return
    ours = list(sig.parameters.values())
    if ours and ours[0].name in ("self", "cls"):
        ours = ours[1:]
    kinds = {p.kind for p in ours}
    positional = [p for p in ours if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    by_name = {p.name: p for p in ours}
    position, keyword_only, names = 0, False, set()
    for raw in documented:
        if raw == "*":
            keyword_only = True
            continue
        if raw.startswith("**"):
            if inspect.Parameter.VAR_KEYWORD not in kinds:
                yield f"{label}: documented {raw}, ours has none"
            continue
        if raw.startswith("*"):
            keyword_only = True
            if inspect.Parameter.VAR_POSITIONAL not in kinds:
                yield f"{label}: documented *args, ours has none"
            continue
        name, _, default = (part.strip() for part in raw.partition("="))
        names.add(name)
        param = by_name.get(name)
        if not keyword_only:
            if param is not None and position < len(positional) \
                    and positional[position].name != name:
                yield (f"{label}: positional #{position} is {positional[position].name!r}, "
                       f"documented {name!r}")
            position += 1
        if param is None:
            if inspect.Parameter.VAR_KEYWORD not in kinds or not keyword_only:
                yield missing_parameter(label, name)
            continue
        if not default:
            continue
        if param.default is inspect.Parameter.empty:
            yield f"{label}: {name} default {default}, ours required"
            continue
        expected = evaluate_default(default, module)
        if expected != param.default:
            yield f"{label}: {name} default {default}, ours {param.default!r}"
    for param in positional:
        if param.name not in names and param.default is inspect.Parameter.empty:
            yield f"{label}: ours requires undocumented {param.name!r}"


def _member(owner: Any, name: str) -> Any:
    """What a member's signature is read from: None for a property (nothing to call)."""
    if not inspect.isclass(owner):
        return getattr(owner, name)
    member = inspect.getattr_static(owner, name)
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    return None if isinstance(member, property) else getattr(owner, name)


def _python_twin(label: str, target: Any) -> Any:
    """For a function of the C accelerator (no signature): the pure one it stands in for."""
    if type(target).__name__ != "builtin_function_or_method":
        return target
    module, _, name = label.rpartition(".")
    try:
        return getattr(resolve(module), f"_pure_{name}", target)
    except (ImportError, AttributeError):
        return target


def _literal(text: str) -> Any:
    """A documented value that is a plain literal, else ``_NOT_LITERAL``."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_LITERAL


_NOT_LITERAL = object()


def problems(entry: Entry) -> List[str]:
    """Every way ours differs from the documented ``entry`` (empty: it matches)."""
    try:
        owner = resolve(entry.section)
    except (ImportError, AttributeError):
        return [missing(entry.section)]
    if entry.label == entry.section:
        target = owner  # a class's signature is its constructor's
    else:
        name = entry.label[len(entry.section) + 1:]
        if not hasattr(owner, name):
            return [missing(entry.label)]
        target = _member(owner, name)
    found: List[str] = []
    if entry.value is not None:
        expected = _literal(entry.value)
        if expected is not _NOT_LITERAL and (
                type(expected) is not type(target) or expected != target):
            found.append(f"{entry.label}: documented value {entry.value}, ours {target!r}")
    if entry.params is not None and target is not None and callable(target):
        target = _python_twin(entry.label, target)
        found.extend(signature_problems(entry.label, target,
                                        split_parameters(entry.params), entry.module))
    return found
