"""Reads ``../shared/specs`` in place and turns its cases into pytest parameters.

Every runner goes through :func:`params`, so ids look like ``file.json::description``
and the one skip list in :mod:`tests.spec.skips` applies everywhere.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import pytest

from tests.support.shared import SHARED_ENV, SPECS


def spec_path(*parts: str) -> Path:
    if not SPECS.is_dir():
        # Reached only when a spec module is named on the command line: a folder walk
        # leaves tests/spec out (the root conftest.py says so once).
        pytest.skip(f"spec data not found at {SPECS}; set {SHARED_ENV} (or MONGOFW_SPECS_DIR)",
                    allow_module_level=True)
    path = SPECS.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"spec data not found at {path}; set MONGOFW_SPECS_DIR")
    return path


def json_files(*parts: str) -> List[Path]:
    """Every ``*.json`` below ``specs/<parts>``, sorted, recursively."""
    return sorted(spec_path(*parts).rglob("*.json"))


def _hex_hook(obj: dict) -> Any:
    if len(obj) == 1 and "$hex" in obj:
        return bytes.fromhex(obj["$hex"])
    return obj


def load(path: Path, extended: bool = False) -> Any:
    """Plain JSON, or with Extended JSON values (``$oid``, ``$date`` …) turned into BSON types."""
    text = path.read_text(encoding="utf-8")
    if not extended:
        return json.loads(text)
    from bson import json_util
    from bson.son import SON

    def hook(pairs):
        obj = _hex_hook(dict(pairs))
        if not isinstance(obj, dict):
            return obj
        return json_util.object_pairs_hook(pairs) if pairs else SON()

    return json.loads(text, object_pairs_hook=hook)


def case_id(path: Path, description: str, base: Optional[Path] = None) -> str:
    rel = path.relative_to(base) if base else Path(path.name)
    return f"{rel.as_posix()}::{description}"


def params(items: Iterable[Tuple[str, Any]]) -> List[Any]:
    """``(id, case)`` pairs as pytest params, with the central skip list applied."""
    from tests.spec.skips import reason_for

    out = []
    for ident, case in items:
        reason = reason_for(ident)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        out.append(pytest.param(case, id=ident, marks=marks))
    return out


def file_cases(area: Tuple[str, ...], key: str = "tests",
               describe: Callable[[dict], str] = lambda c: c["description"],
               extended: bool = False) -> Iterator[Tuple[str, Tuple[Path, dict, dict]]]:
    """``(id, (path, file_doc, case))`` for each case under ``key`` in each file of an area."""
    base = spec_path(*area)
    for path in json_files(*area):
        doc = load(path, extended)
        for case in doc.get(key, []):
            yield case_id(path, describe(case), base), (path, doc, case)


def with_xfails(items: List[Any], xfails: Dict[str, Tuple[type, List[str]]]) -> List[Any]:
    """``items`` (from :func:`params`) with a strict xfail on the cases a known driver bug
    breaks: ``xfails`` maps the bug's description to (the exception the case then fails
    with, case-id globs).  Strict, so a fix shows up as XPASS."""
    from fnmatch import fnmatchcase

    out = []
    for item in items:
        marks = list(item.marks)
        for reason, (raises, patterns) in xfails.items():
            if any(fnmatchcase(item.id, pattern) for pattern in patterns):
                marks.append(pytest.mark.xfail(reason=f"driver bug: {reason}", strict=True,
                                               raises=raises))
        out.append(pytest.param(*item.values, id=item.id, marks=marks))
    return out
