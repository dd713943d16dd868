"""Read/write-concern spec: concerns from URIs, and the documents sent to the server."""
from __future__ import annotations

import warnings
from typing import Any, Mapping

import pytest

from mongofw.errors import ConfigurationError
from mongofw.options.client_options import ClientOptions
from mongofw.options.read_concern import ReadConcern
from mongofw.options.uri_parser import parse_uri
from mongofw.options.write_concern import WriteConcern
from tests.spec.loader import file_cases, params

# Spec field names -> WriteConcern keyword and document names.
_WRITE_NAMES = {"w": "w", "wtimeoutMS": "wtimeout", "journal": "j"}


def _write_document(spec: Mapping[str, Any]) -> dict:
    return {_WRITE_NAMES[key]: value for key, value in spec.items()}


@pytest.mark.parametrize("case", params(file_cases(("read-write-concern", "connection-string"))))
def test_concern_from_uri(case: Any) -> None:
    _path, _doc, test = case
    if not test["valid"]:
        with pytest.raises((ConfigurationError, ValueError)):
            ClientOptions.from_uri(parse_uri(test["uri"], warn=False))
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        options = ClientOptions.from_uri(parse_uri(test["uri"], warn=False))
    if "writeConcern" in test:
        assert options.write_concern.document == _write_document(test["writeConcern"])
    if "readConcern" in test:
        assert options.read_concern.document == test["readConcern"]


@pytest.mark.parametrize("case", params(file_cases(("read-write-concern", "document"))))
def test_concern_document(case: Any) -> None:
    _path, _doc, test = case
    if "writeConcern" in test:
        def build() -> Any:
            return WriteConcern(**_write_document(test["writeConcern"]))
        expected = test.get("writeConcernDocument")
    else:
        def build() -> Any:
            return ReadConcern(**test["readConcern"])
        expected = test.get("readConcernDocument")
    if not test["valid"]:
        with pytest.raises((ConfigurationError, ValueError)):
            build()
        return
    concern = build()
    assert concern.document == expected
    assert concern.is_server_default is test["isServerDefault"]
    if "isAcknowledged" in test:
        assert concern.acknowledged is test["isAcknowledged"]
