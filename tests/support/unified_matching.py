"""Matching for the unified test format: expected values (with the ``$$`` operators the
sessions, convenient-transactions and change-streams files use), expected errors and
expected command events.

As the format's "Evaluating Matches" asks: documents may carry extra fields only at the
root (a command, a result document, each document of a find result), arrays match
element by element and in length, numbers compare by value whatever their BSON type.
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any, List, Mapping, Optional

from bson.binary import Binary
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.objectid import ObjectId
from bson.regex import Regex
from bson.timestamp import Timestamp
from mongofw.errors import BulkWriteError, ConnectionFailure, OperationFailure, PyMongoError
from mongofw.monitoring.events import CommandFailedEvent, CommandStartedEvent

_EVENT_TYPES = {"commandStartedEvent": CommandStartedEvent,
                "commandFailedEvent": CommandFailedEvent}


def _operator(value: Any) -> Optional[str]:
    if isinstance(value, Mapping) and len(value) == 1:
        key = next(iter(value))
        if isinstance(key, str) and key.startswith("$$"):
            return key
    return None


def bson_type(value: Any) -> str:
    """The ``$type`` alias of a decoded value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Int64):
        return "long"
    if isinstance(value, int):
        return "int" if -2 ** 31 <= value < 2 ** 31 else "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, (bytes, Binary, uuid.UUID)):
        return "binData"
    if isinstance(value, ObjectId):
        return "objectId"
    if isinstance(value, datetime.datetime):
        return "date"
    if isinstance(value, Timestamp):
        return "timestamp"
    if isinstance(value, Decimal128):
        return "decimal"
    if isinstance(value, Regex):
        return "regex"
    if value is None:
        return "null"
    return type(value).__name__


class Matcher:
    """Matches against the entities of one test (``$$sessionLsid``, ``$$matchesEntity``)."""

    def __init__(self, entities: Mapping[str, Any], lsids: Mapping[str, Any]) -> None:
        self.entities, self.lsids = entities, lsids

    def match(self, expected: Any, actual: Any, where: str = "result",
              root: bool = True) -> None:
        operator = _operator(expected)
        if operator is not None:
            self._special(operator, expected[operator], actual, where)
            return
        if isinstance(expected, Mapping):
            assert isinstance(actual, Mapping), f"{where}: expected a document, got {actual!r}"
            for key, value in expected.items():
                inner = _operator(value)
                if inner == "$$exists":
                    assert (key in actual) == value[inner], \
                        f"{where}.{key}: exists should be {value[inner]} in {dict(actual)}"
                    continue
                if inner == "$$unsetOrMatches" and key not in actual:
                    continue
                assert key in actual, f"{where}: {key!r} missing from {dict(actual)}"
                self.match(value, actual[key], f"{where}.{key}", root=False)
            if not root:
                extra = set(actual) - set(expected)
                assert not extra, f"{where}: unexpected fields {sorted(extra)} in {dict(actual)}"
            return
        if isinstance(expected, list):
            assert isinstance(actual, list), f"{where}: expected an array, got {actual!r}"
            assert len(actual) == len(expected), \
                f"{where}: expected {len(expected)} elements, got {actual!r}"
            for index, (exp, act) in enumerate(zip(expected, actual)):
                self.match(exp, act, f"{where}[{index}]", root=False)
            return
        _scalar(expected, actual, where)

    def match_each_root(self, expected: List[Any], actual: List[Any], where: str) -> None:
        """A find/aggregate result: an array whose documents are each root documents."""
        assert isinstance(actual, list) and len(actual) == len(expected), \
            f"{where}: expected {expected!r}, got {actual!r}"
        for index, (exp, act) in enumerate(zip(expected, actual)):
            self.match(exp, act, f"{where}[{index}]", root=True)

    def _special(self, operator: str, argument: Any, actual: Any, where: str) -> None:
        if operator == "$$unsetOrMatches":
            self.match(argument, actual, where, root=False)
        elif operator == "$$type":
            names = argument if isinstance(argument, list) else [argument]
            assert bson_type(actual) in names, f"{where}: {actual!r} is not of type {names}"
        elif operator == "$$sessionLsid":
            assert actual == self.lsids[argument], f"{where}: not {argument}'s lsid: {actual!r}"
        elif operator == "$$matchesEntity":
            self.match(self.entities[argument], actual, where, root=False)
        elif operator == "$$exists":
            # In a value's place (inside $$unsetOrMatches): the value is there.
            assert argument is True, f"{where}: exists, expected it not to"
        else:
            raise AssertionError(f"{where}: the runner does not know operator {operator}")


def _scalar(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, bool) or isinstance(actual, bool):
        assert actual is expected, f"{where}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, (int, float)) and not isinstance(expected, bool):
        assert isinstance(actual, (int, float)) and actual == expected, \
            f"{where}: expected {expected!r}, got {actual!r}"
    else:
        assert type(actual) is type(expected) or (
            isinstance(expected, bytes) and isinstance(actual, bytes)), \
            f"{where}: expected {expected!r} ({type(expected).__name__}), got {actual!r} " \
            f"({type(actual).__name__})"
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


# ---------------------------------------------------------------- errors


def error_text(error: BaseException) -> str:
    if isinstance(error, BulkWriteError):
        return f"{error} {error.details}"
    return str(error)


def is_client_error(error: BaseException) -> bool:
    """Raised by the driver itself (validation, network), not from a server's reply."""
    if isinstance(error, OperationFailure):
        return False
    if isinstance(error, ConnectionFailure) and getattr(error, "details", None):
        return False  # a not-primary error the server answered
    return True


def check_error(expected: Mapping[str, Any], error: BaseException, matcher: Matcher,
                where: str) -> None:
    """``expectError``: every assertion it makes holds for ``error``."""
    if "isClientError" in expected:
        assert is_client_error(error) == expected["isClientError"], \
            f"{where}: isClientError should be {expected['isClientError']}, got {error!r}"
    if "errorContains" in expected:
        assert expected["errorContains"].lower() in error_text(error).lower(), \
            f"{where}: {expected['errorContains']!r} not in {error_text(error)!r}"
    details = getattr(error, "details", None) or {}
    if "errorCode" in expected:
        assert getattr(error, "code", None) == expected["errorCode"], \
            f"{where}: code {getattr(error, 'code', None)}, expected {expected['errorCode']}"
    if "errorCodeName" in expected:
        name = details.get("codeName") if isinstance(details, Mapping) else None
        assert str(name).lower() == expected["errorCodeName"].lower(), \
            f"{where}: code name {name!r}, expected {expected['errorCodeName']}"
    for label in expected.get("errorLabelsContain", ()):
        assert isinstance(error, PyMongoError) and error.has_error_label(label), \
            f"{where}: {error!r} lacks label {label}"
    for label in expected.get("errorLabelsOmit", ()):
        assert not (isinstance(error, PyMongoError) and error.has_error_label(label)), \
            f"{where}: {error!r} has label {label}"
    if "expectResult" in expected:
        matcher.match(expected["expectResult"], getattr(error, "details", None), where)


# ---------------------------------------------------------------- events


def check_events(expected: Mapping[str, Any], observed: List[Any], matcher: Matcher) -> None:
    """``expectEvents`` for one client: the events in order, in number (unless
    ``ignoreExtraEvents``)."""
    events = expected["events"]
    if expected.get("ignoreExtraEvents"):
        observed = observed[: len(events)]
    shown = [(type(e).__name__, e.command_name) for e in observed]
    assert len(observed) == len(events), \
        f"client {expected['client']}: expected {len(events)} events, got {shown}"
    for number, (want, event) in enumerate(zip(events, observed)):
        (kind, body), = want.items()
        where = f"event {number} ({kind})"
        assert isinstance(event, _EVENT_TYPES[kind]), f"{where}: got {shown[number]}"
        if "command" in body:
            matcher.match(body["command"], event.command, f"{where}.command")
        if "commandName" in body:
            assert event.command_name == body["commandName"], \
                f"{where}: command {event.command_name}, expected {body['commandName']}"
        if "databaseName" in body:
            assert event.database_name == body["databaseName"], \
                f"{where}: database {event.database_name}, expected {body['databaseName']}"
