"""Auth spec (legacy): credentials built from connection strings."""
from __future__ import annotations

from typing import Any, Mapping, Optional

import pytest

from mongofw.auth.credentials import DEFAULT_MECHANISMS, build_credentials
from mongofw.errors import ConfigurationError
from mongofw.options.uri_parser import parse_uri
from tests.spec.loader import file_cases, params


def _credential_from(uri: str) -> Optional[Any]:
    parsed = parse_uri(uri, warn=False)
    # As MongoClient takes them (3.4's did too): an empty user or password from the URI,
    # parse_uri's '' for "user@", counts as not given.
    options = dict(parsed["options"], username=parsed["username"] or None,
                   password=parsed["password"] or None)
    return build_credentials(options, parsed["database"], DEFAULT_MECHANISMS)


def _check(expected: Mapping[str, Any], credential: Any) -> None:
    assert credential.username == expected["username"]
    assert credential.password == expected["password"]
    assert credential.source == expected["source"]
    # 3.4 records "no mechanism asked for" as DEFAULT; the spec writes null.
    mechanism = None if credential.mechanism == "DEFAULT" else credential.mechanism
    assert mechanism == expected["mechanism"]
    props = credential.mechanism_properties
    assert (None if props is None else dict(props)) == expected["mechanism_properties"]


@pytest.mark.parametrize("case", params(file_cases(("auth", "legacy"))))
def test_auth_connection_string(case: Any) -> None:
    _path, _doc, test = case
    if not test["valid"]:
        with pytest.raises((ConfigurationError, ValueError)):
            _credential_from(test["uri"])
        return
    credential = _credential_from(test["uri"])
    if test["credential"] is None:
        assert credential is None
    else:
        _check(test["credential"], credential)
