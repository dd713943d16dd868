"""scripts/test-server says what went wrong instead of hanging."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test-server"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def test_build_without_go_names_the_missing_toolchain(tmp_path):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    done = _run("build", MONGOFW_CACHE_DIR=str(tmp_path / "cache"), PATH=str(empty_bin))
    assert done.returncode == 1
    assert "the Go toolchain ('go') is not on PATH" in done.stderr


def test_uri_of_a_server_that_is_not_running_is_an_error(tmp_path):
    done = _run("uri", "--name", "never-started", MONGOFW_CACHE_DIR=str(tmp_path))
    assert done.returncode == 1
    assert "no test server named 'never-started' is running" in done.stderr


def test_stop_of_a_server_that_is_not_running_succeeds(tmp_path):
    assert _run("stop", "--name", "never-started", MONGOFW_CACHE_DIR=str(tmp_path)).returncode == 0


@pytest.mark.server
def test_a_start_that_times_out_leaves_no_server_running(tmp_path):
    """Start-up failures kill the half-started server (needs the cached FerretDB build)."""
    built = _run("build")
    assert built.returncode == 0, built.stderr
    name = f"timeout-probe-{os.getpid()}"
    done = _run("start", "--name", name, MONGOFW_SERVER_START_TIMEOUT="0")
    assert done.returncode == 1
    assert "did not answer on 127.0.0.1:" in done.stderr
    leftovers = subprocess.run(["pgrep", "-f", f"mongofw-{name}-"], capture_output=True,
                               text=True).stdout
    assert leftovers == ""
