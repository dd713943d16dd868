"""Selectors, the latency window, in-window choice, staleness estimates, RTT averaging."""
from __future__ import annotations

import datetime
import random

import pytest

from mongofw.core.topology import max_staleness
from mongofw.core.topology.rtt import MovingAverage, next_average
from mongofw.core.topology.server_description import ServerDescription
from mongofw.core.topology.server_selectors import (
    Selection,
    apply_local_threshold,
    apply_tag_sets,
    arbiter_server_selector,
    choose_in_window,
    writable_preferred_server_selector,
)
from mongofw.core.topology.topology_description import TOPOLOGY_TYPE

UTC = datetime.timezone.utc


def _sd(host, reply, rtt=None, **kwargs):
    return ServerDescription((host, 27017), {"ok": 1, "setName": "rs", **reply}, rtt, **kwargs)


def test_latency_window_is_relative_to_the_fastest():
    sds = [_sd("a", {}, 0.010), _sd("b", {}, 0.025), _sd("c", {}, 0.026)]
    assert [sd.address[0] for sd in apply_local_threshold(sds, 15)] == ["a", "b"]
    assert apply_local_threshold([], 15) == []


def test_tag_sets_are_tried_in_order():
    sds = (_sd("a", {"tags": {"dc": "ny", "rack": "1"}}), _sd("b", {"tags": {"dc": "sf"}}))
    selection = Selection(TOPOLOGY_TYPE.ReplicaSetNoPrimary, sds)
    assert [s.address[0] for s in apply_tag_sets([{"dc": "la"}, {"dc": "sf"}],
                                                 selection).server_descriptions] == ["b"]
    assert [s.address[0] for s in apply_tag_sets([{"dc": "ny", "rack": "1"}],
                                                 selection).server_descriptions] == ["a"]
    assert not apply_tag_sets([{"dc": "la"}], selection)


def test_writable_preferred_falls_back_to_readable():
    secondary = _sd("s", {"secondary": True})
    arbiter = _sd("x", {"arbiterOnly": True})
    selection = Selection(TOPOLOGY_TYPE.ReplicaSetNoPrimary, (secondary, arbiter))
    assert writable_preferred_server_selector(selection).server_descriptions == (secondary,)
    assert arbiter_server_selector(selection).server_descriptions == (arbiter,)


def test_choose_in_window_takes_the_less_busy_of_two():
    counts = {"a": 0, "b": 5}
    assert {choose_in_window(["a", "b"], counts.get, random.Random(i)) for i in range(20)} == {"a"}
    with pytest.raises(ValueError, match="empty latency window"):
        choose_in_window([], counts.get)


def _member(host, kind, written_ms, updated_s):
    reply = {"isWritablePrimary": True} if kind == "P" else {"secondary": True}
    date = datetime.datetime.fromtimestamp(written_ms / 1000, UTC)
    return _sd(host, {**reply, "lastWrite": {"lastWriteDate": date}}, 0.001,
               last_update_time=updated_s)


def test_staleness_with_a_primary():
    primary = _member("p", "P", 100_000, 50.0)
    lagging = _member("s", "S", 40_000, 50.0)
    selection = Selection(TOPOLOGY_TYPE.ReplicaSetWithPrimary, (primary, lagging), 10)
    # (50 - 40) - (50 - 100) + 10 seconds
    assert max_staleness.staleness(lagging, selection) == pytest.approx(70.0)


def test_staleness_without_a_primary_uses_the_freshest_secondary():
    fresh, lagging = _member("a", "S", 300_000, 0), _member("b", "S", 100_000, 0)
    selection = Selection(TOPOLOGY_TYPE.ReplicaSetNoPrimary, (fresh, lagging), 10)
    assert max_staleness.staleness(lagging, selection) == pytest.approx(210.0)
    kept = max_staleness.select(200, selection).server_descriptions
    assert kept == (fresh,)


def test_last_write_date_units():
    naive = datetime.datetime(1970, 1, 1, 0, 0, 2)
    assert max_staleness.last_write_seconds(_sd("a", {"lastWrite": {"lastWriteDate": naive}})) \
        == 2.0
    assert max_staleness.last_write_seconds(_sd("a", {"lastWrite": {"lastWriteDate": 1500}})) \
        == 1.5
    assert max_staleness.last_write_seconds(_sd("a", {})) is None


def test_moving_average():
    average = MovingAverage()
    assert average.get() is None
    average.add_sample(10)
    average.add_sample(20)
    assert average.get() == pytest.approx(12.0)
    average.reset()
    assert average.get() is None
    assert next_average(None, 3) == 3.0
    with pytest.raises(ValueError, match="non-negative, not -1"):
        next_average(1.0, -1)
