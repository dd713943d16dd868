"""Every documented class, function and method exists and takes its documented arguments.

The API pages in ``../shared/api`` give each callable's signature, in a ``~~~`` block under
a ``## dotted.name`` section (classes and functions) or as a ``#### name(params)`` heading
(members).  For each one this checks, against ``inspect.signature`` of ours:

- every documented parameter exists, and the positional ones are in the documented order
  (code written for PyMongo 3.4 passes them positionally);
- documented defaults are ours too (evaluated with the documented names in scope);
- ``*args``/``**kwargs`` are accepted where documented; ours requires nothing undocumented.

A few differences are intended; ``EXPECTED`` names each with the reason a user would accept.
"""
from __future__ import annotations

import importlib
import inspect
import re
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from tests.support.shared import API

# "<label>: <problem>" -> why ours differs on purpose.
_PARAMETER_LIST_ORDER = ("the heading omits a parameter that the page's own parameter list "
                         "documents in this position, as PyMongo 3.4 took it")
_NOT_GIVEN = ("None means 'not given', so an option in the URI is not overridden by the "
              "keyword's default; the documented default applies when neither gives one")
_EVENT_ARGS = ("the page abbreviates the remaining constructor arguments as *args; ours "
               "names them (request_id, connection_id, ...) in the same positions")
EXPECTED: Dict[str, str] = {
    "pymongo.collection.Collection.find_one_and_replace: positional #4 is 'upsert', "
    "documented 'return_document'": _PARAMETER_LIST_ORDER,
    "pymongo.collection.Collection.find_one_and_update: positional #4 is 'upsert', "
    "documented 'return_document'": _PARAMETER_LIST_ORDER,
    "pymongo.cursor.Cursor: positional #11 is 'batch_size', documented 'manipulate'":
        _PARAMETER_LIST_ORDER,
    "pymongo.collection.Collection.find: positional #10 is 'batch_size', documented "
    "'manipulate'": _PARAMETER_LIST_ORDER,
    "pymongo.mongo_client.MongoClient: host default 'localhost', ours None": _NOT_GIVEN,
    "pymongo.mongo_client.MongoClient: port default 27017, ours None": _NOT_GIVEN,
    "pymongo.mongo_client.MongoClient: tz_aware default False, ours None": _NOT_GIVEN,
    "pymongo.mongo_client.MongoClient: connect default True, ours None": _NOT_GIVEN,
}
for _event, _named in (("CommandStartedEvent", ("request_id", "connection_id")),
                       ("CommandFailedEvent", ("command_name", "request_id", "connection_id")),
                       ("ServerDescriptionChangedEvent", ("server_address", "topology_id")),
                       ("TopologyDescriptionChangedEvent", ("topology_id",)),
                       ("ServerHeartbeatSucceededEvent", ("connection_id",)),
                       ("ServerHeartbeatFailedEvent", ("connection_id",))):
    EXPECTED[f"pymongo.monitoring.{_event}: documented *args, ours has none"] = _EVENT_ARGS
    for _name in _named:
        EXPECTED[f"pymongo.monitoring.{_event}: ours requires undocumented {_name!r}"] = \
            _EVENT_ARGS

# Documented headings that are not members: ``str(o)`` on the ObjectId page is the builtin.
BUILTIN_HEADINGS = {"str"}


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


def resolve(dotted: str) -> Any:
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
    from bson.binary import PYTHON_LEGACY
    from bson.codec_options import CodecOptions
    from bson.json_util import JSONOptions
    from bson.tz_util import utc
    from pymongo.collection import ReturnDocument
    from pymongo.cursor import CursorType
    from pymongo.read_concern import ReadConcern
    from pymongo.read_preferences import Primary
    return {"PYTHON_LEGACY": PYTHON_LEGACY, "CodecOptions": CodecOptions, "utc": utc,
            "JSONOptions": JSONOptions, "ReturnDocument": ReturnDocument,
            "CursorType": CursorType, "ReadConcern": ReadConcern, "Primary": Primary,
            "dict": dict}


def _evaluate_default(text: str, module: str) -> Any:
    """A documented default's value, with the page's module and common names in scope."""
    # Object reprs in rendered defaults: the only one on the pages is the UTC tzinfo.
    text = re.sub(r"<bson\.tz_util\.FixedOffset object at 0x[0-9a-f]+>", "utc", text)
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
                yield f"{label}: documented parameter {name!r} is missing"
            continue
        if not default:
            continue
        if param.default is inspect.Parameter.empty:
            yield f"{label}: {name} default {default}, ours required"
            continue
        expected = _evaluate_default(default, module)
        if expected != param.default:
            yield f"{label}: {name} default {default}, ours {param.default!r}"
    for param in positional:
        if param.name not in names and param.default is inspect.Parameter.empty:
            yield f"{label}: ours requires undocumented {param.name!r}"


def _callables() -> List[Tuple[str, Any, str, str]]:
    """``(label, documented parameter text or None, dotted section, page module)`` for every
    documented name."""
    if not API.is_dir():
        raise FileNotFoundError(f"documented API not found at {API}; set MONGOFW_API_DIR")
    found = []
    for page in sorted(API.glob("*.md")):
        if page.name == "README.md":
            continue
        module = page.stem
        for section in re.split(r"^## ", page.read_text(encoding="utf-8"), flags=re.M)[1:]:
            dotted = section.split("\n", 1)[0].strip()
            found.append((dotted, None, dotted, module))
            block = re.search(r"^~~~\n(?:class |exception )?([\w.]+)\((.*)\)\n~~~", section,
                              flags=re.M)
            if block and block.group(1).rsplit(".", 1)[-1] == dotted.rsplit(".", 1)[-1]:
                found[-1] = (dotted, block.group(2), dotted, module)
            for heading in re.finditer(r"^#### ([A-Za-z_]\w*)(?:\((.*)\))?\s*$", section,
                                       flags=re.M):
                name, params = heading.groups()
                if name not in BUILTIN_HEADINGS:
                    found.append((f"{dotted}.{name}", params, dotted, module))
    return found


def _target(label: str, section: str) -> Any:
    owner = resolve(section)
    if label == section:
        return owner  # a class's signature is its constructor's
    name = label[len(section) + 1:]
    assert hasattr(owner, name), f"{label}: documented, but {section} has no {name}"
    if not inspect.isclass(owner):
        return getattr(owner, name)
    member = inspect.getattr_static(owner, name)
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    return None if isinstance(member, property) else getattr(owner, name)


def _cases() -> List[Any]:
    return [pytest.param(label, params, section, module, id=label)
            for label, params, section, module in _callables()]


@pytest.mark.parametrize("label,params,section,module", _cases())
def test_documented_callable_matches(label: str, params: Any, section: str,
                                     module: str) -> None:
    target = _target(label, section)
    if params is None or target is None or not callable(target):
        return  # a documented attribute or property: existence was the check
    target = _python_twin(label, target)
    problems = [p for p in signature_problems(label, target, split_parameters(params), module)
                if p not in EXPECTED]
    assert problems == []


def _python_twin(label: str, target: Any) -> Any:
    """For a function of the C accelerator (no signature): the pure one it stands in for."""
    if type(target).__name__ != "builtin_function_or_method":
        return target
    module, _, name = label.rpartition(".")
    return getattr(importlib.import_module(module), f"_pure_{name}", target)


def test_every_expected_difference_still_exists() -> None:
    """An entry of EXPECTED that no longer happens must go (ours now matches the page)."""
    seen = set()
    for label, params, section, module in _callables():
        target = _target(label, section)
        if params is not None and target is not None and callable(target):
            target = _python_twin(label, target)
            seen.update(signature_problems(label, target, split_parameters(params), module))
    assert sorted(set(EXPECTED) - seen) == []
