"""Every public callable of the documented modules has a docstring naming each parameter.

The names are those of the API reference (``docs/_ext/mongofw_api.py``): the public names
of ``bson``, ``pymongo``, ``gridfs`` and their documented modules, and of the plugin
surface (``mongofw``, ``mongofw.hookspecs``, ``mongofw.extensions``,
``mongofw.plugin_manager``), with the methods and properties of each class.  A function
or method passes when it has a docstring of its own that mentions every parameter by name
(``*args``/``**kwargs`` aside); a class when its docstring, or its ``__init__``'s, mentions
every constructor parameter; a property when it has a docstring.

Names not documented yet are listed in ``tests/docs/undocumented.py``; the list may only
shrink: a listed name that passes fails the test until it is taken off.
"""
from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import mongofw_api  # noqa: E402

from tests.docs.undocumented import UNDOCUMENTED  # noqa: E402

_SKIPPED_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _parameters(function: Any) -> List[str]:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    return [name for name, parameter in signature.parameters.items()
            if name not in ("self", "cls") and parameter.kind not in _SKIPPED_KINDS]


def _own_doc(obj: Any) -> str:
    return (getattr(obj, "__doc__", None) or "").strip()


def _mentions(doc: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", doc) is not None


def problem(obj: Any) -> Optional[str]:
    """What is missing from ``obj``'s documentation, or None."""
    if isinstance(obj, property):
        return None if _own_doc(obj) else "no docstring"
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if inspect.isclass(obj):
        doc = _own_doc(obj)
        if not doc:
            return "no docstring"
        # The constructor is checked on the class that defines it (an exception subclass
        # does not repeat its base's ``message``); attrs writes __init__ from the fields,
        # which the class docstring then describes.
        init = vars(obj).get("__init__")
        if inspect.isfunction(init) and "__attrs_attrs__" not in vars(obj):
            doc += "\n" + _own_doc(init)
        elif "__attrs_attrs__" not in vars(obj):
            return None
        missing = [p for p in _parameters(obj) if not _mentions(doc, p)]
    else:
        doc = _own_doc(obj)
        if not doc:
            return "no docstring"
        missing = [p for p in _parameters(obj) if not _mentions(doc, p)]
    if missing:
        return "does not mention " + ", ".join(missing)
    return None


def problems() -> Dict[str, str]:
    return {name: found for name, obj in mongofw_api.public_callables()
            if (found := problem(obj)) is not None}


def test_every_public_callable_documents_its_parameters():
    found = problems()
    new = {name: why for name, why in found.items() if name not in UNDOCUMENTED}
    assert not new, "public callables without a docstring that names each parameter " \
        "(document them; the list in tests/docs/undocumented.py only shrinks):\n" + \
        "\n".join(f"  {name}: {why}" for name, why in sorted(new.items()))


def test_the_undocumented_list_only_holds_names_still_undocumented():
    found = problems()
    names = {name for name, _ in mongofw_api.public_callables()}
    done = sorted(name for name in UNDOCUMENTED if name not in found)
    assert not done, "now documented (or gone): take these off tests/docs/undocumented.py:\n" \
        + "\n".join(f"  {name}" for name in done)
    assert not UNDOCUMENTED - names


def test_the_check_sees_a_missing_parameter():
    def documented(a, b):
        """Uses ``a`` only."""

    assert problem(documented) == "does not mention b"
    assert problem(lambda: None) == "no docstring"
