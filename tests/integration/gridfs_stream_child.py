"""Run as a child process by test_gridfs_large.py: stream a big file through GridFS.

Prints one JSON line: the sha256 of what was uploaded and of what came back, the size,
the seconds each way, and this process's peak RSS (VmHWM), so the parent can
assert that the client's memory stayed bounded.
"""
from __future__ import annotations

import hashlib
import json
import random
import resource
import sys
import time

from gridfs import GridFSBucket
from pymongo import MongoClient

PIECE = 1024 * 1024


class GeneratedSource:
    """``size`` bytes of seeded pseudo-random data, produced as they are read."""

    def __init__(self, size: int, seed: int) -> None:
        self.left = size
        self.random = random.Random(seed)
        self.sha = hashlib.sha256()
        self.pending = b""

    def read(self, n: int = -1) -> bytes:
        n = self.left + len(self.pending) if n is None or n < 0 else n
        while len(self.pending) < n and self.left:
            piece = self.random.randbytes(min(PIECE, self.left))
            self.left -= len(piece)
            self.pending += piece
        out, self.pending = self.pending[:n], self.pending[n:]
        self.sha.update(out)
        return out


class HashingSink:
    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.size += len(data)



def _peak_rss_kb() -> int:
    """This process's own peak resident set, in KiB.

    ``/proc/self/status`` VmHWM belongs to this process image alone; ``ru_maxrss`` would
    also carry the RSS of the parent it was forked from (Linux keeps the high-water mark
    across exec), so a large pytest process would look like our peak.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def main(uri: str, database: str, size: int) -> None:
    client = MongoClient(uri)
    bucket = GridFSBucket(client[database])
    baseline_kb = _peak_rss_kb()
    source = GeneratedSource(size, seed=8)
    started = time.monotonic()
    file_id = bucket.upload_from_stream("big.bin", source)
    uploaded = time.monotonic()
    upload_peak_kb = _peak_rss_kb()
    sink = HashingSink()
    bucket.download_to_stream(file_id, sink)
    downloaded = time.monotonic()
    client.close()
    print(json.dumps({
        "uploaded_sha256": source.sha.hexdigest(), "downloaded_sha256": sink.sha.hexdigest(),
        "downloaded_size": sink.size, "upload_seconds": uploaded - started,
        "download_seconds": downloaded - uploaded, "baseline_kb": baseline_kb,
        "upload_peak_kb": upload_peak_kb,
        "listeners": len(client._publisher.listeners) if hasattr(client, "_publisher") else -1,
        "peak_kb": _peak_rss_kb()}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
