"""The plugin guide, followed step by step: an empty folder becomes an installed plugin.

Every block of ``docs/guides/writing-a-plugin.md`` is used as the page gives it, in page
order, in a fresh temporary folder: a block captioned with a path is written to that path,
a shell block's commands run (``pip install`` included) with a fresh virtual environment's
``python`` and ``pip`` first on ``PATH``, and a Python block runs in that environment
against the bundled server.  Only the server's address is changed in the code, and, for
the authentication example, the user name and the password variable point at the test
server's user.  mongofw comes from this checkout and pip works offline
(:mod:`tests.docs.fresh_venv`).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pymongo.uri_parser import parse_uri
from tests.docs import fresh_venv
from tests.docs.blocks import blocks

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guides" / "writing-a-plugin.md"
# The address every example of the docs uses; replaced by the test server's.
DOC_ADDRESS = "127.0.0.1:27017"

pytestmark = [pytest.mark.slow, pytest.mark.server]


def _address(uri: str) -> str:
    host, port = parse_uri(uri)["nodelist"][0]
    return f"{host}:{port}"


def test_the_plugin_guide_builds_a_working_plugin(tmp_path, server, auth_server):
    venv = fresh_venv.make(tmp_path)
    env = fresh_venv.offline_env(venv)
    work = tmp_path / "guide"
    work.mkdir()
    auth = parse_uri(auth_server.uri)
    env["APP_DB_PASSWORD"] = auth["password"]
    done = []
    for block in blocks(GUIDE):
        assert block.not_run is None, f"{block.where}: every block of the guide runs"
        if block.caption:
            target = work / block.caption
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.code)
        elif block.lang == "sh":
            for command in block.code.splitlines():
                output = fresh_venv.run(["bash", "-c", command], cwd=work, env=env)
                done.append((command, output))
        elif block.lang == "python":
            code = block.code
            if "authMechanism=ENV-PASSWORD" in code:
                code = code.replace(f"app@{DOC_ADDRESS}",
                                    f"{auth['username']}@{_address(auth_server.uri)}")
                expected = auth["username"]
            else:
                code = code.replace(DOC_ADDRESS, _address(server.uri))
                expected = ""
            assert DOC_ADDRESS not in code, f"{block.where}: another address than the docs'"
            output = fresh_venv.run(["python", "-c", code], cwd=work, env=env, timeout=120)
            assert expected in output, f"{block.where}:\n{output}"
            done.append((block.where, output))
        else:
            raise AssertionError(f"{block.where}: a {block.lang!r} block the test cannot use")
    commands = dict(done)
    listing = commands["python -m mongofw plugins"]
    assert "acme" in listing and "acme-mongofw" in listing and "1.0.0" in listing, listing
    for hook in ("mongofw_type_codecs", "mongofw_auth_mechanisms", "mongofw_event_listeners",
                 "mongofw_gridfs_storage", "mongofw_client_options"):
        assert hook in listing, listing
    # The plugin was really installed, not read from the folder: it works elsewhere too.
    elsewhere = subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import acme_mongofw.plugin as p; print(p.__file__)"],
                               cwd=tmp_path, capture_output=True, text=True, env=env)
    assert str(venv) in elsewhere.stdout, elsewhere
