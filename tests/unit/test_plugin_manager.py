"""The plugin manager: entry-point loading, failures, disabling, registries, listing."""
from __future__ import annotations

import types

import pytest

from mongofw import hookimpl, hookspecs
from mongofw.extensions import AuthMechanism
from mongofw.plugin_manager import (
    DISABLE_ENV,
    PluginConflictError,
    PluginLoadWarning,
    Plugins,
    create_plugin_manager,
    describe,
)


class FakeDist:
    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version


class FakeEntryPoint:
    """Just enough of importlib.metadata.EntryPoint for the manager."""

    def __init__(self, name: str, target, dist: str = "fake-dist", version: str = "1.0"):
        self.name = name
        self.value = f"fake.module:{name}"
        self.dist = FakeDist(dist, version)
        self._target = target

    def load(self):
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def _auth_plugin(*names: str) -> types.SimpleNamespace:
    @hookimpl
    def mongofw_auth_mechanisms():
        return [AuthMechanism(name, lambda c, s: None) for name in names]

    return types.SimpleNamespace(mongofw_auth_mechanisms=mongofw_auth_mechanisms)


def test_entry_point_plugins_are_registered_under_their_entry_point_name():
    pm = create_plugin_manager([FakeEntryPoint("one", _auth_plugin("X-ONE"))], disabled=())
    assert pm.has_plugin("one")
    assert list(Plugins(pm).auth_mechanisms()) == ["X-ONE"]


def test_a_plugin_that_fails_to_import_warns_with_its_name_and_the_rest_load():
    broken = FakeEntryPoint("broken", ImportError("no module named nowhere"), dist="bad-dist")
    good = FakeEntryPoint("good", _auth_plugin("X-GOOD"))
    with pytest.warns(PluginLoadWarning, match=r"'broken'.*bad-dist 1.0.*ImportError"):
        pm = create_plugin_manager([broken, good], disabled=())
    assert not pm.has_plugin("broken")
    assert list(Plugins(pm).auth_mechanisms()) == ["X-GOOD"]


def test_disabled_names_are_blocked_and_not_loaded(monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, " skipme , other")
    loaded = []

    class Recording(FakeEntryPoint):
        def load(self):
            loaded.append(self.name)
            return super().load()

    pm = create_plugin_manager([Recording("skipme", _auth_plugin("A")),
                                Recording("kept", _auth_plugin("B"))])
    assert loaded == ["kept"]
    assert pm.is_blocked("skipme")


def test_a_duplicate_registry_name_names_both_plugins():
    pm = create_plugin_manager([FakeEntryPoint("first", _auth_plugin("SAME")),
                                FakeEntryPoint("second", _auth_plugin("same"))], disabled=())
    with pytest.raises(PluginConflictError, match="'SAME'.*'first'.*'second'"):
        Plugins(pm).auth_mechanisms()


def test_registries_are_merged_once_and_cached():
    calls = []

    @hookimpl
    def mongofw_auth_mechanisms():
        calls.append(1)
        return [AuthMechanism("ONCE", lambda c, s: None)]

    plugin = types.SimpleNamespace(mongofw_auth_mechanisms=mongofw_auth_mechanisms)
    plugins = Plugins(create_plugin_manager([], plugins=[("p", plugin)]))
    assert plugins.auth_mechanisms() is plugins.auth_mechanisms()
    assert calls == [1]


def test_first_result_hooks_let_an_outside_plugin_win_over_a_trylast_default():
    class Default:
        @hookimpl(trylast=True)
        def mongofw_cursor_manager_class(self):
            return int

    class Outside:
        @hookimpl
        def mongofw_cursor_manager_class(self):
            return str

    pm = create_plugin_manager([], plugins=[("outside", Outside()), ("default", Default())])
    assert Plugins(pm).cursor_manager_class() is str


def test_describe_lists_distribution_version_and_hooks():
    pm = create_plugin_manager([FakeEntryPoint("one", _auth_plugin("A"), "dist-one", "2.5")],
                               disabled=())
    [info] = describe(pm)
    assert (info.name, info.distribution, info.version, info.hooks) == (
        "one", "dist-one", "2.5", ("mongofw_auth_mechanisms",))


def test_every_hook_is_documented():
    """Each hookspec carries a docstring saying when it is called and what it returns."""
    specs = [getattr(hookspecs, n) for n in dir(hookspecs) if n.startswith("mongofw_")]
    assert len(specs) == 8
    for spec in specs:
        assert spec.__doc__ and "Called" in spec.__doc__, spec.__name__
