"""The command-monitoring spec's redaction file: which started commands are redacted.

``command-monitoring/unified/redacted-commands.json`` lists commands (and hello/isMaster
with and without speculative authentication); the event class alone decides.
"""
from __future__ import annotations

import pytest

from pymongo.monitoring import CommandStartedEvent
from tests.spec.loader import load, spec_path

ADDRESS = ("localhost", 27017)


def _spec_started_commands():
    """The command documents of the redaction spec file, with whether each is redacted."""
    data = load(spec_path("command-monitoring", "unified", "redacted-commands.json"))
    cases = []
    for test in data["tests"]:
        redacted = "not redacted" not in test["description"]
        for operation in test["operations"]:
            command = operation["arguments"]["command"]
            cases.append(pytest.param(command, redacted,
                                      id=f"{test['description']}::{next(iter(command))}"))
    return cases


@pytest.mark.parametrize("command, redacted", _spec_started_commands())
def test_started_event_redaction_follows_spec(command, redacted):
    event = CommandStartedEvent(command, "admin", 1, ADDRESS)
    assert event.command_name == next(iter(command))
    assert event.command == ({} if redacted else command)
