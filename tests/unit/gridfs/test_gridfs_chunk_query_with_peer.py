"""The query a GridFS download reads fs.chunks with, against a scripted replica set.

The GridFS specification's query is ``{files_id}`` sorted by ``n``; the reader checks
each chunk's ``n`` as it arrives (a missing chunk is an error, chunks past the last one
the file document implies are left unread).  A read that starts at a later chunk (after
a seek) asks for ``n >= `` that chunk only.
"""
from __future__ import annotations

import io

import pytest

from bson.binary import Binary
from bson.objectid import ObjectId
from gridfs import GridFSBucket
from gridfs.errors import CorruptGridFile
from tests.support.replica_set_peer import ReplicaSetPeer

FILE_ID = ObjectId()
FILE = {"_id": FILE_ID, "filename": "f", "length": 10, "chunkSize": 4,
        "uploadDate": None, "md5": None}


def _batch(*documents):
    return {"ok": 1.0, "cursor": {"id": 0, "ns": "db.fs.x", "firstBatch": list(documents)}}


def _chunk(n, data):
    return {"n": n, "data": Binary(data)}


@pytest.fixture
def rs():
    with ReplicaSetPeer() as peer:
        yield peer


def _download(rs, *chunks):
    rs.script["find"] = [_batch(FILE), _batch(*chunks)]
    out = io.BytesIO()
    with rs.client() as client:
        GridFSBucket(client.db).download_to_stream(FILE_ID, out)
    return out.getvalue()


def test_a_download_asks_for_the_file_s_chunks_by_files_id_sorted_by_n(rs):
    data = _download(rs, _chunk(0, b"abcd"), _chunk(1, b"efgh"), _chunk(2, b"ij"),
                     _chunk(3, b"extra"))  # a stray chunk past the end is not read
    assert data == b"abcdefghij"
    _files, chunks = rs.sent("find")
    assert chunks["find"] == "fs.chunks"
    assert chunks["filter"] == {"files_id": FILE_ID} and chunks["sort"] == {"n": 1}


def test_a_missing_chunk_is_noticed_by_its_n(rs):
    with pytest.raises(CorruptGridFile, match="missing chunk"):
        _download(rs, _chunk(0, b"abcd"), _chunk(2, b"ij"))


def test_after_a_seek_the_read_starts_at_that_chunk(rs):
    rs.script["find"] = [_batch(FILE), _batch(_chunk(1, b"efgh"), _chunk(2, b"ij"))]
    with rs.client() as client:
        grid_out = GridFSBucket(client.db).open_download_stream(FILE_ID)
        grid_out.seek(5)
        assert grid_out.read() == b"fghij"
        grid_out.close()
    _files, chunks = rs.sent("find")
    assert chunks["filter"] == {"files_id": FILE_ID, "n": {"$gte": 1}}
