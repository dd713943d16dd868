"""A 200 MB file streamed up and down in a child process with bounded client memory.

The child (``gridfs_stream_child.py``) generates the bytes as GridFS reads them and
hashes what comes back, so neither side ever holds the file; it reports its own peak
RSS.  Against FerretDB 1.24 on the 2-core test machine the round trip takes about 20 s
(14 s up, 6 s down) with a peak RSS near 44 MB, of which about 33 MB is the interpreter
and imports.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("gridfs_stream_child.py")
SIZE = 200 * 1024 * 1024
PEAK_LIMIT_KB = 64 * 1024


def test_200_mb_round_trip_keeps_client_memory_under_64_mb(server, db):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(CHILD), server.uri, db.name, str(SIZE)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["downloaded_size"] == SIZE
    assert report["downloaded_sha256"] == report["uploaded_sha256"]
    assert report["peak_kb"] < PEAK_LIMIT_KB, report
    stored = db["fs.files"].find_one({"filename": "big.bin"})
    assert stored["length"] == SIZE
