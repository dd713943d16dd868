"""The ``mongofw-files`` tool as a subprocess against the real server."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(server, db, tmp_path):
    """Run the tool on this test's database; returns (exit code, stdout, stderr)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("MONGOFW_URI", None)

    def run(*args, uri=None):
        done = subprocess.run(
            [sys.executable, "-m", "mongofw.gridfs.cli", "--uri", uri or server.uri,
             "--db", db.name, "--timeout", "2", *args],
            cwd=tmp_path, env=env, capture_output=True, timeout=300)
        # latin-1 maps bytes to characters one to one, so binary stdout survives.
        return done.returncode, done.stdout.decode("latin-1"), done.stderr.decode()

    return run


def test_put_list_search_get_delete(files, tmp_path, db):
    local = tmp_path / "report.bin"
    payload = os.urandom(300_000)
    local.write_bytes(payload)
    code, out, err = files("put", str(local))
    assert (code, err) == (0, "")
    assert out.startswith("stored 'report.bin' (300000 bytes) as _id ")
    assert files("put", str(local), "--name", "other.bin")[0] == 0

    code, out, _ = files("list")
    assert code == 0
    assert [line.split("\t")[:2] for line in out.splitlines()] == [
        ["other.bin", "300000"], ["report.bin", "300000"]]
    code, out, _ = files("search", "port")
    assert [line.split("\t")[0] for line in out.splitlines()] == ["report.bin"]
    assert files("search", "zzz")[:2] == (0, "")

    target = tmp_path / "back.bin"
    code, out, err = files("get", "report.bin", "-o", str(target))
    assert (code, err) == (0, "")
    assert target.read_bytes() == payload
    code, out, _ = files("get", "report.bin", "-o", "-")
    assert code == 0 and out.encode("latin-1") == payload

    code, out, _ = files("delete", "report.bin")
    assert (code, out.strip()) == (0, "deleted 1 file(s) named 'report.bin'")
    assert db["fs.files"].find_one({"filename": "report.bin"}) is None


def test_put_replace_keeps_only_the_new_version(files, tmp_path, db):
    local = tmp_path / "v.txt"
    for text in (b"one", b"two"):
        local.write_bytes(text)
        assert files("put", str(local), "--replace")[0] == 0
    assert [d["length"] for d in db["fs.files"].find({"filename": "v.txt"})] == [3]
    assert files("get", "v.txt", "-o", str(tmp_path / "got"))[0] == 0
    assert (tmp_path / "got").read_bytes() == b"two"


def test_missing_file_exit_code_and_message(files, tmp_path):
    code, out, err = files("get", "nope.bin")
    assert code == 1 and out == ""
    assert err.strip() == (f"mongofw-files: error: no file matching filename='nope.bin' "
                           f"in GridFS bucket '{err.split(chr(39))[3]}'")
    assert not (tmp_path / "nope.bin").exists() and not (tmp_path / "nope.bin.part").exists()
    code, _, err = files("delete", "nope.bin")
    assert code == 1 and "no file named 'nope.bin'" in err


def test_local_file_errors_exit_4(files, tmp_path):
    code, _, err = files("put", str(tmp_path / "absent"))
    assert code == 4 and "cannot read" in err and "No such file or directory" in err


def test_unreachable_server_exits_3(files):
    code, _, err = files("list", uri="mongodb://127.0.0.1:1/")
    assert code == 3 and "cannot reach the server at 'mongodb://127.0.0.1:1/'" in err


def test_usage_errors_exit_2(files, tmp_path):
    assert files("bogus")[0] == 2
    (tmp_path / "f").write_bytes(b"x")
    code, _, err = files("put", str(tmp_path / "f"), "--chunk-size", "0")
    assert code == 2 and "chunk_size must be a positive integer, not 0" in err


def test_progress_bar_for_large_transfers(files, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (3 * 1024 * 1024))
    code, _, err = files("put", str(big), "--progress")
    assert code == 0
    assert "put big.bin: 100%" in err and "3.00M/3.00M" in err
    code, _, err = files("get", "big.bin", "-o", str(tmp_path / "out"), "--progress")
    assert code == 0 and "get big.bin: 100%" in err
    # Not a terminal and not forced: no bar.
    assert files("put", str(big), "--name", "quiet.bin")[2] == ""
