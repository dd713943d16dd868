"""Every name PyMongo 3.4 documented exists in ours and takes its documented arguments.

The pages in ``../shared/api`` are read by :mod:`tests.reference.api_pages`, which also
says what is compared (names, parameters and their order, defaults, literal constants).
A few differences are intended; ``EXPECTED`` names each with the reason a user would accept.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from tests.reference.api_pages import Entry, problems, read_34
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

def _cases() -> List[Any]:
    return [pytest.param(entry, id=entry.label) for entry in read_34(API)]


@pytest.mark.parametrize("entry", _cases())
def test_documented_name_matches(entry: Entry) -> None:
    assert [p for p in problems(entry) if p not in EXPECTED] == []


def test_every_expected_difference_still_exists() -> None:
    """An entry of EXPECTED that no longer happens must go (ours now matches the page)."""
    seen = {problem for entry in read_34(API) for problem in problems(entry)}
    assert sorted(set(EXPECTED) - seen) == []
