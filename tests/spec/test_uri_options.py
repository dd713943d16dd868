"""URI-options spec: each option family's parsing, validation, warnings and conflicts."""
from __future__ import annotations

from typing import Any

import pytest

from tests.spec.loader import file_cases, params
from tests.spec.test_connection_string import run_uri_case


@pytest.mark.parametrize("case", params(file_cases(("uri-options",))))
def test_uri_options(case: Any) -> None:
    _path, _doc, test = case
    run_uri_case(test)
