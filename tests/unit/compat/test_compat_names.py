"""The undocumented names libraries on the 3.x API use (one test per name and library).

Integration with the libraries themselves runs in ``tests/ecosystem``; these pin the
behaviour each library relies on, without a server.
"""
from __future__ import annotations

import pytest

from pymongo import ReadPreference
from pymongo.errors import InvalidName
from pymongo.read_preferences import Secondary
from pymongo.uri_parser import parse_uri


def test_mongoengine_inverts_uuid_representations_to_rebuild_the_keyword():
    """MongoEngine's connect() maps parse_uri's int back to the URI spelling it passes on."""
    from pymongo.common import _UUID_REPRESENTATIONS

    by_value = {v: k for k, v in _UUID_REPRESENTATIONS.items()}
    for spelling in ("standard", "pythonLegacy", "javaLegacy", "csharpLegacy"):
        parsed = parse_uri(f"mongodb://h/?uuidRepresentation={spelling}")
        assert by_value[parsed["options"]["uuidrepresentation"]] == spelling


def test_mongoengine_validates_a_queryset_read_preference():
    from pymongo.common import validate_read_preference

    assert validate_read_preference("read_preference", ReadPreference.NEAREST) is \
        ReadPreference.NEAREST
    pref = Secondary([{"dc": "ny"}])
    assert validate_read_preference("read_preference", pref) is pref
    with pytest.raises(TypeError):
        validate_read_preference("read_preference", "secondary")


def test_mongoengine_checks_database_names_with_check_name():
    from pymongo.database import _check_name

    assert _check_name("ok_name") is None
    for bad in ("", "a.b", "a b", "a$b", "a/b", "a\\b", 'a"b', "a\x00b"):
        with pytest.raises(InvalidName):
            _check_name(bad)


def test_pymongo_common_has_the_wire_version_bounds():
    """What a sitecustomize lifting PyMongo 3.13's cap reads and sets."""
    import pymongo
    from pymongo import common

    assert common.MAX_SUPPORTED_WIRE_VERSION == pymongo.MAX_SUPPORTED_WIRE_VERSION
    assert common.MIN_SUPPORTED_WIRE_VERSION == pymongo.MIN_SUPPORTED_WIRE_VERSION


def test_kombu_maps_mode_numbers_to_names():
    from pymongo.read_preferences import _MONGOS_MODES

    assert _MONGOS_MODES == ("primary", "primaryPreferred", "secondary", "secondaryPreferred",
                             "nearest")
    assert _MONGOS_MODES[ReadPreference.SECONDARY.mode] == "secondary"


def test_pymodm_reaches_the_bucket_root_collection():
    """pymodm's FileField writes through GridIn(bucket._collection, ...)."""
    from gridfs import GridFSBucket
    from pymongo import MongoClient

    with MongoClient(connect=False) as client:
        bucket = GridFSBucket(client.app, bucket_name="photos")
        root = bucket._collection
        assert root.full_name == "app.photos"
        assert root.files.full_name == "app.photos.files"
        assert root.write_concern.acknowledged


def test_ming_hangs_databases_and_collections_off_a_plain_options_holder():
    """Ming's in-memory client subclasses Database and Collection over its own object."""
    from bson.codec_options import CodecOptions
    from pymongo.collection import Collection
    from pymongo.database import Database
    from pymongo.read_concern import ReadConcern
    from pymongo.write_concern import WriteConcern

    class Holder:
        codec_options = CodecOptions(tz_aware=True)
        read_preference = ReadPreference.NEAREST
        write_concern = WriteConcern(w=2)
        read_concern = ReadConcern("local")

    db = Database(Holder(), "mim")
    coll = Collection(db, "things")
    assert (coll.full_name, coll.codec_options.tz_aware, coll.write_concern.document) == \
        ("mim.things", True, {"w": 2})
    assert db.read_preference is ReadPreference.NEAREST


def test_the_3_12_names_of_not_master_and_the_version_string():
    import pymongo
    from pymongo.errors import NotMasterError, NotPrimaryError

    assert NotPrimaryError is NotMasterError
    assert pymongo.get_version_string() == pymongo.version


def test_heartbeat_events_say_they_were_not_awaited():
    from pymongo.monitoring import ServerHeartbeatFailedEvent, ServerHeartbeatSucceededEvent

    assert ServerHeartbeatSucceededEvent(0.1, {"ok": 1}, ("h", 1)).awaited is False
    assert ServerHeartbeatFailedEvent(0.1, OSError(), ("h", 1), True).awaited is True


def test_grid_files_answer_the_io_questions_as_3_13_does():
    import io

    from gridfs import GridIn, GridOut
    from pymongo import MongoClient

    with MongoClient(connect=False) as client:
        grid_in = GridIn(client.db.fs)
        assert (grid_in.readable(), grid_in.seekable(), grid_in.writeable()) == \
            (False, False, True)
        with pytest.raises(io.UnsupportedOperation):
            grid_in.read()
    with pytest.raises(io.UnsupportedOperation):
        GridOut.write(None, b"x")
