"""The few aggregation stages change stream tests put after ``$changeStream``, evaluated by
the proxy peer itself: ``$match`` (equality, ``$eq``, ``$ne``, ``$in``, ``$exists`` on
dotted paths) and ``$project`` (inclusion, exclusion, ``"$path"`` values, literals,
embedded documents, dotted keys), with MongoDB's semantics.

FerretDB 1.24 evaluates neither ``"$path"`` expressions nor literals inside ``$project``
the way MongoDB does, so these stages cannot go to it; anything else returns None and
the proxy runs it on FerretDB.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

_MISSING = object()


def _get(doc: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(doc, Mapping) or part not in doc:
            return _MISSING
        doc = doc[part]
    return doc


def _condition(value: Any, condition: Any) -> Optional[bool]:
    if isinstance(condition, Mapping) and condition and \
            all(str(k).startswith("$") for k in condition):
        result = True
        for operator, operand in condition.items():
            if operator == "$eq":
                result &= value is not _MISSING and value == operand
            elif operator == "$ne":
                result &= value is _MISSING or value != operand
            elif operator == "$in":
                result &= value is not _MISSING and value in operand
            elif operator == "$exists":
                result &= (value is not _MISSING) == bool(operand)
            else:
                return None
        return result
    return value is not _MISSING and value == condition


def _match(doc: Mapping[str, Any], query: Mapping[str, Any]) -> Optional[bool]:
    for path, condition in query.items():
        if str(path).startswith("$"):
            return None
        verdict = _condition(_get(doc, path), condition)
        if verdict is None:
            return None
        if not verdict:
            return False
    return True


def _expression(doc: Mapping[str, Any], value: Any) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return _get(doc, value[1:])
    if isinstance(value, Mapping):
        if any(str(k).startswith("$") for k in value):
            raise _Unsupported()
        out = {}
        for key, inner in value.items():
            result = _expression(doc, inner)
            if result is not _MISSING:
                out[key] = result
        return out
    return value


def _set_path(target: Dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _is_flag(value: Any) -> bool:
    return isinstance(value, (bool, int, float))


def _project(doc: Mapping[str, Any], spec: Mapping[str, Any]) -> Dict[str, Any]:
    if all(_is_flag(v) and not v for v in spec.values()):
        # An exclusion: everything but the fields named.
        return {k: v for k, v in doc.items() if k not in spec}
    out: Dict[str, Any] = {}
    if "_id" in doc and not (_is_flag(spec.get("_id", 1)) and not spec.get("_id", 1)):
        out["_id"] = doc["_id"]
    for key, value in spec.items():
        if key == "_id" and _is_flag(value):
            continue
        if _is_flag(value):
            found = _get(doc, key) if value else _MISSING
        else:
            found = _expression(doc, value)
        if found is not _MISSING:
            _set_path(out, key, found)
    return out


class _Unsupported(Exception):
    pass


def run(pipeline: List[Mapping[str, Any]], docs: List[Any]) -> Optional[List[Any]]:
    """``docs`` through ``pipeline``, or None when a stage is beyond this evaluator."""
    try:
        for stage in pipeline:
            (name, spec), = stage.items()
            if name == "$match":
                verdicts = [_match(d, spec) for d in docs]
                if any(v is None for v in verdicts):
                    return None
                docs = [d for d, keep in zip(docs, verdicts) if keep]
            elif name == "$project":
                docs = [_project(d, spec) for d in docs]
            else:
                return None
    except _Unsupported:
        return None
    return docs
