"""``python -m mongofw plugins`` shows the default bundle and the installed example plugins."""
from __future__ import annotations

import os
import subprocess
import sys


def _plugins_output(**env: str) -> str:
    done = subprocess.run([sys.executable, "-m", "mongofw", "plugins"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    return done.stdout


def _parse(out: str) -> dict:
    """plugin name -> (distribution and version, [hooks])."""
    plugins: dict = {}
    current = None
    for line in out.splitlines():
        if line.startswith("disabled by"):
            continue
        if not line.startswith(" "):
            name, dist = line.split(None, 1)
            current = plugins[name] = (dist.strip(), [])
        else:
            current[1].append(line.strip())
    return plugins


def test_the_default_plugins_are_listed_with_distribution_and_hooks():
    plugins = _parse(_plugins_output())
    for name, hook in [("default_codecs", "mongofw_uuid_representations"),
                       ("default_auth", "mongofw_auth_mechanisms"),
                       ("default_monitoring", "mongofw_event_listeners"),
                       ("default_cursor_manager", "mongofw_cursor_manager_class")]:
        dist, hooks = plugins[name]
        assert dist == "mongofw 0.1.0"
        assert hook in hooks


def test_installed_example_plugins_appear_under_their_own_distributions():
    plugins = _parse(_plugins_output())
    assert plugins["credential_provider"][0] == "mongofw-credential-provider 0.1.0"
    assert plugins["prometheus"][0] == "mongofw-prometheus 0.1.0"
    assert "mongofw_auth_mechanisms" in plugins["credential_provider"][1]


def test_a_disabled_plugin_is_not_loaded_and_is_reported():
    out = _plugins_output(MONGOFW_DISABLE_PLUGINS="prometheus")
    assert "mongofw-prometheus" not in out
    assert "disabled by MONGOFW_DISABLE_PLUGINS: prometheus" in out
