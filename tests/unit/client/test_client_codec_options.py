"""What a client's CodecOptions get from its URI and from the plugins (no server)."""
from __future__ import annotations

import uuid

import pytest

import bson
from bson.binary import Binary, UuidRepresentation
from bson.codec_options import TypeRegistry
from mongofw import hookimpl
from mongofw.client import client_setup
from mongofw.codecs import default_plugin
from mongofw.extensions import UuidRepresentation as PluginUuidRepresentation
from mongofw.plugin_manager import Plugins, create_plugin_manager
from pymongo import MongoClient
from tests.support.type_codecs import FunctionDecoder

U = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")


@pytest.mark.parametrize("uri,kwargs", [
    ("mongodb://127.0.0.1:1/?uuidRepresentation=unspecified", {}),
    ("mongodb://127.0.0.1:1/", {"uuidRepresentation": "unspecified"}),
])
def test_uuid_representation_unspecified(uri, kwargs):
    with MongoClient(uri, connect=False, **kwargs) as client:
        options = client.codec_options
    assert options.uuid_representation == UuidRepresentation.UNSPECIFIED
    with pytest.raises(ValueError, match="UNSPECIFIED"):
        bson.encode({"u": U}, codec_options=options)
    assert bson.decode(bson.encode({"u": U}), codec_options=options) == {"u": Binary(U.bytes, 3)}


class _Extras:
    """A plugin with one decoder and one UUID representation of its own."""

    decoder = FunctionDecoder(int, str)
    reversed_rep = PluginUuidRepresentation(
        code=100, name="REVERSED", subtype=3, to_binary=lambda u: u.bytes[::-1],
        from_binary=lambda b: uuid.UUID(bytes=bytes(b)[::-1]))

    @hookimpl
    def mongofw_type_codecs(self):
        return [self.decoder]

    @hookimpl
    def mongofw_uuid_representations(self):
        return [self.reversed_rep]


def test_the_clients_registry_holds_the_plugins_codecs_and_extra_representations(monkeypatch):
    extras = _Extras()
    pm = create_plugin_manager(entry_points=[], plugins=[("default_codecs", default_plugin),
                                                         ("extras", extras)])
    monkeypatch.setattr(client_setup, "_load_plugins", lambda: Plugins(pm))
    with MongoClient("mongodb://127.0.0.1:1/", connect=False) as client:
        registry = client.codec_options.type_registry
        assert isinstance(registry, TypeRegistry)
        assert [type(codec).__name__ for codec in registry.type_codecs] == [
            "DecimalEncoder", "FunctionDecoder"]
        # The documented four are bson's own: only the plugin's extra one is carried.
        assert registry.uuid_representations == (extras.reversed_rep,)
        assert bson.decode(bson.encode({"u": U, "i": 1}),
                           codec_options=client.codec_options)["i"] == "1"
