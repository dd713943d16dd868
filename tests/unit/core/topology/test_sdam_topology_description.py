"""TopologyDescription, TopologySettings and the pure error-handling rules."""
from __future__ import annotations

import pytest

from mongofw.core.topology.sdam_errors import (
    ApplicationError,
    application_error_from_exception,
    handle_application_error,
)
from mongofw.core.topology.server_description import ServerDescription
from mongofw.core.topology.server_selectors import any_server_selector, writable_server_selector
from mongofw.core.topology.server_type import SERVER_TYPE
from mongofw.core.topology.settings import TopologySettings
from mongofw.core.topology.topology_description import (
    TOPOLOGY_TYPE,
    TopologyDescription,
    updated_topology_description,
)
from mongofw.core.wire import wire_versions
from mongofw.errors import (
    AutoReconnect,
    ConfigurationError,
    NetworkTimeout,
    NotMasterError,
    OperationFailure,
)
from mongofw.options.read_preferences import Nearest, ReadPreference, Secondary

A, B, C = ("a", 27017), ("b", 27017), ("c", 27017)
HOSTS = ["a:27017", "b:27017", "c:27017"]


def primary(address=A, rtt=0.001, **extra):
    return ServerDescription(address, {"ok": 1, "isWritablePrimary": True, "setName": "rs",
                                       "hosts": HOSTS, "maxWireVersion": 21, **extra}, rtt)


def secondary(address=B, rtt=0.001, **extra):
    return ServerDescription(address, {"ok": 1, "secondary": True, "setName": "rs",
                                       "hosts": HOSTS, "maxWireVersion": 21, **extra}, rtt)


def replica_set(*sds):
    td = TopologyDescription.from_settings(TopologySettings(seeds=[A], replica_set_name="rs"))
    for sd in sds:
        td = updated_topology_description(td, sd)
    return td


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize("kwargs, expected", [
    ({"seeds": ["a"]}, TOPOLOGY_TYPE.Single),
    ({"seeds": ["a", "b"]}, TOPOLOGY_TYPE.Unknown),
    ({"seeds": ["a"], "replica_set_name": "rs"}, TOPOLOGY_TYPE.ReplicaSetNoPrimary),
    ({"seeds": ["a"], "direct_connection": False}, TOPOLOGY_TYPE.Unknown),
    ({"seeds": ["a"], "replica_set_name": "rs", "direct_connection": True},
     TOPOLOGY_TYPE.Single),
])
def test_initial_topology_type(kwargs, expected):
    assert TopologyDescription.from_settings(TopologySettings(**kwargs)).topology_type == expected


def test_settings_normalize_and_deduplicate_seeds():
    assert TopologySettings(seeds=["A:1", ("a", 1), "b"]).seeds == (("a", 1), ("b", 27017))


@pytest.mark.parametrize("kwargs, message", [
    ({"seeds": []}, "at least one seed"),
    ({"seeds": "a"}, "seeds must be a list"),
    ({"seeds": [1]}, "a seed must be"),
    ({"heartbeat_frequency": 0.1}, "at least 0.5 seconds"),
    ({"local_threshold_ms": -1}, "localThresholdMS must be a non-negative number, not -1"),
    ({"server_selection_timeout": "x"}, "serverSelectionTimeoutMS"),
    ({"replica_set_name": ""}, "replicaSet must be a non-empty string"),
    ({"direct_connection": "yes"}, "directConnection must be True, False or None"),
    ({"seeds": ["a", "b"], "direct_connection": True}, "multiple seeds"),
])
def test_settings_validation(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        TopologySettings(**kwargs)


# ---------------------------------------------------------------- description


def test_discovery_from_primary_adds_members():
    td = replica_set(primary())
    assert td.topology_type == TOPOLOGY_TYPE.ReplicaSetWithPrimary
    assert set(td.server_descriptions()) == {A, B, C}
    assert td.has_writable_server() and td.has_readable_server()


def test_update_does_not_modify_the_input():
    td = replica_set()
    updated_topology_description(td, primary())
    assert td.server_descriptions()[A].server_type == SERVER_TYPE.Unknown


def test_reply_from_unknown_address_changes_nothing():
    td = replica_set()
    assert updated_topology_description(td, primary(("z", 1))) is td


def test_common_wire_version_and_compatibility():
    td = replica_set(primary(), secondary(maxWireVersion=9))
    assert td.common_wire_version == 9
    td.check_compatible()
    too_new = replica_set(primary(minWireVersion=99, maxWireVersion=100))
    with pytest.raises(ConfigurationError, match=r"Server at a:27017 requires wire version 99 "
                       r"\(it supports 99 to 100\), but this driver only supports wire "
                       r"versions 2 to 25"):
        too_new.check_compatible()


def test_too_old_message_names_both_ranges(monkeypatch):
    monkeypatch.setattr(wire_versions, "MIN_SUPPORTED_WIRE_VERSION", 6)
    td = replica_set(primary(maxWireVersion=2))
    with pytest.raises(ConfigurationError, match="reports wire versions 0 to 2, but this driver "
                       "requires at least wire version 6 .it supports 6 to 25."):
        td.check_compatible()


def test_apply_selector_latency_window_and_address():
    td = replica_set(primary(rtt=0.050), secondary(rtt=0.001), secondary(C, rtt=0.010))
    assert [sd.address for sd in td.apply_selector(Nearest())] == [B, C]
    assert [sd.address for sd in td.apply_selector(writable_server_selector)] == [A]
    assert [sd.address for sd in td.apply_selector(any_server_selector, address=C)] == [C]
    assert td.apply_selector(any_server_selector, address=("z", 1)) == []


def test_apply_selector_custom_runs_before_the_window():
    td = replica_set(primary(rtt=0.001), secondary(rtt=0.100))
    chosen = td.apply_selector(Nearest(),
                               custom_selector=lambda sds: [s for s in sds if s.address == B])
    assert [sd.address for sd in chosen] == [B]


def test_apply_selector_prefers_servers_not_deprioritized():
    td = replica_set(primary(), secondary(), secondary(C))
    assert [sd.address for sd in td.apply_selector(Secondary(), deprioritized=[B])] == [C]
    assert {sd.address for sd in td.apply_selector(Secondary(), deprioritized=[B, C])} == {B, C}


def test_max_staleness_needs_wire_version_5():
    td = replica_set(primary(maxWireVersion=4))
    with pytest.raises(ConfigurationError, match="requires every server to have wire version 5"):
        td.apply_selector(Secondary(max_staleness=120))


def test_single_topology_selects_its_server_for_any_mode():
    td = TopologyDescription.from_settings(TopologySettings(seeds=[B]))
    td = updated_topology_description(td, secondary())
    assert [sd.address for sd in td.apply_selector(writable_server_selector)] == [B]
    assert td.has_readable_server(ReadPreference.PRIMARY)


def test_unknown_topology_selects_nothing():
    td = TopologyDescription.from_settings(TopologySettings(seeds=[A, B]))
    assert td.apply_selector(any_server_selector) == []


def test_reset_and_reset_server():
    td = replica_set(primary(), secondary())
    reset = td.reset()
    assert reset.topology_type == TOPOLOGY_TYPE.ReplicaSetNoPrimary
    assert all(not sd.is_server_type_known for sd in reset.server_descriptions().values())
    without_primary = td.reset_server(A)
    assert without_primary.topology_type == TOPOLOGY_TYPE.ReplicaSetNoPrimary
    assert without_primary.server_descriptions()[B].server_type == SERVER_TYPE.RSSecondary


def test_logical_session_timeout_is_the_minimum_of_data_bearing_servers():
    td = replica_set(primary(logicalSessionTimeoutMinutes=30),
                     secondary(logicalSessionTimeoutMinutes=10))
    assert td.logical_session_timeout_minutes == 10
    assert replica_set(primary(logicalSessionTimeoutMinutes=30), secondary()) \
        .logical_session_timeout_minutes is None


def test_equal_updates_give_equal_descriptions():
    assert replica_set(primary(rtt=0.1)) == replica_set(primary(rtt=0.2))


# ---------------------------------------------------------------- application errors


def _error(kind, **kwargs):
    return ApplicationError(A, kind, **kwargs)


def test_network_error_marks_unknown_and_clears_pool():
    outcome = handle_application_error(replica_set(primary()), _error("network"), 0)
    assert outcome.clear_pool and not outcome.request_check
    assert outcome.description.topology_type == TOPOLOGY_TYPE.ReplicaSetNoPrimary


def test_stale_generation_and_timeouts_change_nothing():
    td = replica_set(primary())
    assert handle_application_error(td, _error("network", generation=0), 1).description is td
    assert handle_application_error(td, _error("timeout"), 0).description is td
    assert handle_application_error(td, ApplicationError(("z", 1), "network"), 0) \
        .description is td


@pytest.mark.parametrize("reply, clear", [
    ({"ok": 0, "code": 10107, "errmsg": "x"}, False),
    ({"ok": 0, "code": 91, "errmsg": "shutting down"}, True),
    ({"ok": 0, "errmsg": "not master"}, False),
    ({"ok": 0, "errmsg": "node is recovering"}, False),
    ({"ok": 1, "writeConcernError": {"code": 11602, "errmsg": "x"}}, False),
])
def test_state_change_errors_mark_unknown_and_request_check(reply, clear):
    outcome = handle_application_error(
        replica_set(primary()), _error("command", max_wire_version=9, reply=reply), 0)
    assert (outcome.clear_pool, outcome.request_check) == (clear, True)
    assert outcome.description.server_descriptions()[A].server_type == SERVER_TYPE.Unknown


def test_state_change_before_4_2_clears_pool():
    outcome = handle_application_error(
        replica_set(primary()),
        _error("command", max_wire_version=7, reply={"ok": 0, "code": 13435}), 0)
    assert outcome.clear_pool


@pytest.mark.parametrize("reply", [
    {"ok": 0, "code": 2, "errmsg": "not master"},
    {"ok": 1, "writeErrors": [{"code": 10107}]},
])
def test_other_command_errors_change_nothing(reply):
    td = replica_set(primary())
    assert handle_application_error(td, _error("command", reply=reply), 0).description is td


def test_application_error_kind_is_validated():
    with pytest.raises(ValueError):
        ApplicationError(A, "disk")


@pytest.mark.parametrize("exc, kind", [
    (NetworkTimeout("t"), "timeout"),
    (AutoReconnect("gone"), "network"),
    (ConnectionResetError(), "network"),
    (NotMasterError("not master"), "command"),
    (OperationFailure("boom", 11600, {"ok": 0}), "command"),
])
def test_application_error_from_exception(exc, kind):
    error = application_error_from_exception(A, exc, max_wire_version=9, generation=2)
    assert (error.kind, error.generation, error.error) == (kind, 2, exc)


def test_operation_failure_reply_keeps_code_for_the_rules():
    error = application_error_from_exception(A, OperationFailure("x", 11600, {"ok": 0}))
    assert error.reply == {"ok": 0, "code": 11600, "errmsg": "x"}
