"""Connection-string spec: URI grammar, hosts, user info, options and bad URIs."""
from __future__ import annotations

import warnings
from typing import Any, Mapping

import pytest

from mongofw.errors import ConfigurationError
from mongofw.options.uri_parser import DEFAULT_PORT, parse_uri
from tests.spec.loader import file_cases, params


def _check_hosts(expected: list, nodelist: list) -> None:
    assert len(nodelist) == len(expected)
    for want, (host, port) in zip(expected, nodelist):
        assert host == want["host"]
        if want["type"] == "unix":
            assert "/" in host and port is None
        elif want["port"] is not None:
            assert port == want["port"]
        else:
            assert port == DEFAULT_PORT


def _check_options(expected: Mapping[str, Any], options: Mapping[str, Any]) -> None:
    for name, value in expected.items():
        assert name in options, f"option {name} missing from {dict(options)}"
        assert options[name] == value, name


def run_uri_case(test: Mapping[str, Any]) -> None:
    """The shared rules of the connection-string and uri-options suites.

    Invalid URIs raise even when warnings are allowed; ``warning: true`` cases warn (with
    ``warn=True``, as ``MongoClient`` parses); the others parse in strict mode silently.
    """
    uri = test["uri"]
    if not test["valid"]:
        with pytest.raises(ConfigurationError):
            parse_uri(uri, warn=True)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always" if test.get("warning") else "error")
        result = parse_uri(uri, warn=bool(test.get("warning")))
    if test.get("warning"):
        assert any(issubclass(w.category, UserWarning) for w in caught)
    if test.get("hosts") is not None:
        _check_hosts(test["hosts"], result["nodelist"])
    auth = test.get("auth")
    if auth is not None:
        assert result["username"] == auth["username"]
        assert result["password"] == auth["password"]
        database = result["database"]
        if result["collection"] is not None:
            # The documented parse_uri splits "db.coll"; the spec's "db" is the whole path.
            database = f"{database}.{result['collection']}"
        assert database == auth["db"]
    if test.get("options") is not None:
        _check_options(test["options"], result["options"])


@pytest.mark.parametrize("case", params(file_cases(("connection-string",))))
def test_connection_string(case: Any) -> None:
    _path, _doc, test = case
    run_uri_case(test)
