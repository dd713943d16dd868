"""A pytest plugin: one real server per test run, started on first use.

``MONGOFW_TEST_URI`` names an existing server instead (a real mongod, say); otherwise
``scripts/test-server`` builds and starts FerretDB on loopback and stops it at the end.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "test-server"


class TestServer:
    """A running server the tests may use: its URI and, when we started it, its state."""

    def __init__(self, uri: str, state: dict | None, name: str | None) -> None:
        self.uri = uri
        self.state = state or {}
        self.name = name
        # The server process when revive() started it here (then ours to reap).
        self.proc: subprocess.Popen | None = None

    @property
    def is_ferretdb(self) -> bool:
        return self.name is not None

    def restart(self) -> None:
        """Kill the server process and start it again on the same port and data."""
        self.kill()
        self.revive()

    def kill(self) -> None:
        """SIGKILL the server process (its data stays) and wait until it is gone."""
        if not self.state:
            pytest.skip("killing needs a server started by scripts/test-server")
        import signal
        import time

        os.kill(self.state["pid"], signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)
            self.proc = None
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.waitpid(self.state["pid"], os.WNOHANG)
            except ChildProcessError:
                pass
            try:
                os.kill(self.state["pid"], 0)
            except OSError:
                return
            time.sleep(0.05)

    def revive(self) -> None:
        """Start the killed server again with the same command (port, data directory)."""
        import socket
        import time

        if self.state.get("unix_socket"):
            Path(self.state["unix_socket"]).unlink(missing_ok=True)  # a killed server's
        proc = subprocess.Popen(self.state["cmd"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        self.state["pid"] = proc.pid
        self.proc = proc
        state_file = Path(self.state["state_file"])
        state_file.write_text(json.dumps({k: v for k, v in self.state.items()
                                          if k != "state_file"}))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.state["port"]), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("test server did not come back after restart")


def start_server(name: str, *flags: str) -> TestServer:
    done = subprocess.run([sys.executable, str(SCRIPT), "start", "--json", "--name", name,
                           *flags], capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/test-server start failed:\n{done.stderr}")
    state = json.loads(done.stdout)
    cache = os.environ.get("MONGOFW_CACHE_DIR") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mongofw")
    state["state_file"] = str(Path(cache) / "servers" / f"{name}.json")
    return TestServer(state["uri"], state, name)


def stop_server(server: TestServer) -> None:
    if server.name:
        subprocess.run([sys.executable, str(SCRIPT), "stop", "--name", server.name],
                       capture_output=True, timeout=60)
    if server.proc is not None:
        server.proc.wait(30)  # the script stopped it; reap the child revive() started
        server.proc = None


def _named(kind: str) -> str:
    return f"pytest-{kind}-{os.getpid()}"


@pytest.fixture(scope="session")
def server():
    """The server for this run (MONGOFW_TEST_URI, or FerretDB started here)."""
    uri = os.environ.get("MONGOFW_TEST_URI")
    if uri:
        yield TestServer(uri, None, None)
        return
    srv = start_server(_named("plain"))
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def auth_server():
    """A FerretDB with authentication on; its URI carries the setup user's credentials."""
    srv = start_server(_named("auth"), "--auth")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def tls_server():
    """A FerretDB listening with TLS; ``state['files']`` holds the CA and client cert."""
    srv = start_server(_named("tls"), "--tls")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def server_uri(server):
    return server.uri


@pytest.fixture
def client(server_uri):
    from pymongo import MongoClient

    c = MongoClient(server_uri, serverSelectionTimeoutMS=10000)
    yield c
    c.close()


@pytest.fixture
def db(client):
    """A database of this test's own, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    database = client[name]
    yield database
    try:
        client.drop_database(name)
    except Exception:  # noqa: BLE001 - cleanup must not hide the test's own outcome
        pass
