"""The mongofw-compressed-gridfs example plugin, found through its entry point.

``scripts/bootstrap`` installs every ``plugins/*`` distribution; the plugin then answers
``mongofw_gridfs_storage`` ahead of the default (registered ``trylast``).
"""
from __future__ import annotations

import hashlib
import zlib

import pytest
from mongofw_compressed_gridfs import CompressedChunkStorage, parse_setting
from mongofw_compressed_gridfs import plugin as compressed_plugin
from mongofw_compressed_gridfs.codecs import Codec, DecompressionError

from gridfs import GridFSBucket
from gridfs.errors import CorruptGridFile
from mongofw.errors import ConfigurationError
from mongofw.gridfs import default_plugin
from mongofw.gridfs.bucket import Bucket
from mongofw.gridfs.storage import CollectionChunkStorage
from mongofw.plugin_manager import Plugins, create_plugin_manager

TEXT = b"the quick brown fox jumps over the lazy dog\n" * 20_000   # ~860 KB, compressible


@pytest.fixture
def zlib_client(server_uri):
    from pymongo import MongoClient

    client = MongoClient(server_uri, gridfs_compression="zlib:9")
    yield client
    client.close()


# ---------------------------------------------------------------- no server

@pytest.mark.parametrize("setting, codec", [
    (None, None), ("none", None), ("zlib", Codec("zlib", 6)), ("ZLIB:1", Codec("zlib", 1)),
    ("zstd", Codec("zstd", 3)), ("zstd:19", Codec("zstd", 19)),
])
def test_settings(setting, codec):
    assert parse_setting(setting) == codec


@pytest.mark.parametrize("setting, message", [
    ("lz4", "must be one of zlib, zstd or none, not 'lz4'"),
    ("zlib:x", "level must be an integer, not 'x'"),
    ("zlib:10", "level for zlib must be 0..9, not 10"),
    (3, "must be a str such as 'zlib'"),
])
def test_bad_settings_raise_configuration_error(setting, message):
    with pytest.raises(ConfigurationError, match=message):
        parse_setting(setting)


@pytest.mark.parametrize("codec", [Codec("zlib", 6), Codec("zstd", 3)])
def test_codec_round_trip_and_size_guard(codec):
    packed = codec.compress(TEXT[:4096])
    assert len(packed) < 4096
    assert codec.decompress(packed, 4096) == TEXT[:4096]
    with pytest.raises(DecompressionError, match="more than 4095 bytes"):
        codec.decompress(packed, 4095)
    with pytest.raises(DecompressionError):
        codec.decompress(b"not compressed at all", 4096)


def test_plugin_wins_over_the_default_storage():
    pm = create_plugin_manager(entry_points=[], plugins=[
        ("default_gridfs", default_plugin), ("compressed_gridfs", compressed_plugin)])
    factory = Plugins(pm).gridfs_storage({"client_options": {"gridfs_compression": "zlib"}})
    storage = factory(object())
    assert isinstance(storage, CompressedChunkStorage) and storage.codec == Codec("zlib", 6)
    alone = create_plugin_manager(entry_points=[], plugins=[("default_gridfs", default_plugin)])
    assert Plugins(alone).gridfs_storage({}) is CollectionChunkStorage


def test_plugin_is_found_through_its_entry_point():
    pm = create_plugin_manager()
    assert pm.get_plugin("compressed_gridfs") is compressed_plugin


# ---------------------------------------------------------------- real server

def test_chunks_are_stored_compressed_and_read_back(zlib_client, db):
    database = zlib_client[db.name]
    bucket = GridFSBucket(database, chunk_size_bytes=64 * 1024)
    file_id = bucket.upload_from_stream("fox.txt", TEXT)
    assert bucket.open_download_stream(file_id).read() == TEXT

    stored = db["fs.files"].find_one({"_id": file_id})
    assert stored["chunkStorage"] == "compressed"
    assert stored["compression"]["algorithm"] == "zlib" and stored["compression"]["level"] == 9
    assert stored["length"] == len(TEXT) and stored["md5"] == hashlib.md5(TEXT).hexdigest()
    chunks = list(db["fs.chunks"].find({"files_id": file_id}, sort=[("n", 1)]))
    assert len(chunks) == -(-len(TEXT) // (64 * 1024))
    assert stored["compression"]["storedLength"] == sum(len(c["data"]) for c in chunks)
    assert stored["compression"]["storedLength"] < len(TEXT) // 20
    assert zlib.decompress(chunks[0]["data"]) == TEXT[:64 * 1024]


def test_seek_and_readline_work_on_compressed_files(zlib_client, db):
    bucket = GridFSBucket(zlib_client[db.name], chunk_size_bytes=1000)
    out = bucket.open_download_stream(bucket.upload_from_stream("f", TEXT))
    out.seek(44 * 100 + 4)
    assert out.readline() == b"quick brown fox jumps over the lazy dog\n"


def test_zstd_files_record_their_algorithm(server_uri, db):
    from pymongo import MongoClient

    with_zstd = MongoClient(server_uri, gridfs_compression="zstd:5")
    try:
        bucket = GridFSBucket(with_zstd[db.name])
        file_id = bucket.upload_from_stream("z", TEXT)
        assert db["fs.files"].find_one({"_id": file_id})["compression"]["algorithm"] == "zstd"
        # A client configured for zlib (or for nothing) still reads zstd files.
        assert GridFSBucket(db).open_download_stream(file_id).read() == TEXT
    finally:
        with_zstd.close()


def test_without_the_option_files_are_stored_plainly(db):
    bucket = GridFSBucket(db, chunk_size_bytes=4)
    file_id = bucket.upload_from_stream("plain", b"abcdef")
    assert "chunkStorage" not in db["fs.files"].find_one({"_id": file_id})
    assert [c["data"] for c in db["fs.chunks"].find(sort=[("n", 1)])] == [b"abcd", b"ef"]


def test_compressed_files_are_unreadable_without_the_plugin(zlib_client, db):
    file_id = GridFSBucket(zlib_client[db.name]).upload_from_stream("c", TEXT)
    root = db["fs"]
    plain = Bucket(root, storage=CollectionChunkStorage(root.chunks))
    with pytest.raises(CorruptGridFile, match="stored with chunk storage 'compressed'"):
        plain.download(file_id).read(10)


def test_damaged_compressed_chunk_raises_corrupt_grid_file(zlib_client, db):
    bucket = GridFSBucket(zlib_client[db.name], chunk_size_bytes=4096)
    file_id = bucket.upload_from_stream("d", TEXT[:10_000])
    db["fs.chunks"].update_one({"files_id": file_id, "n": 1}, {"$set": {"data": b"junk"}})
    with pytest.raises(CorruptGridFile, match="chunk n=1 .* cannot be decompressed with zlib"):
        bucket.open_download_stream(file_id).read()


def test_abort_forgets_the_stored_length(zlib_client, db):
    bucket = GridFSBucket(zlib_client[db.name], chunk_size_bytes=256 * 1024)
    grid_in = bucket.open_upload_stream("a")
    grid_in.write(TEXT * 3)   # past one 2 MiB batch: chunks are stored before the abort
    assert bucket._bucket.storage._stored[grid_in._id] > 0
    grid_in.abort()
    assert bucket._bucket.storage._stored == {}
    assert list(db["fs.chunks"].find({"files_id": grid_in._id})) == []


def test_bad_option_fails_when_the_bucket_is_built(server_uri, db):
    from pymongo import MongoClient

    client = MongoClient(server_uri, gridfs_compression="brotli")
    try:
        with pytest.raises(ConfigurationError, match="not 'brotli'"):
            GridFSBucket(client[db.name])
    finally:
        client.close()
