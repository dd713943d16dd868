"""Codec plugins: the default UUID representations and type codecs, and the one place
that turns a plugin set into :class:`bson.codec_options.CodecOptions`.

A client calls :func:`default_codec_options` once at construction; the resulting
options carry a :class:`~bson.codec_options.TypeRegistry` whose lookup tables were
built once, so no hook is ever called while encoding or decoding.
"""
from __future__ import annotations

from typing import Any

from bson.codec_options import CodecOptions, TypeRegistry


def type_registry(plugins: Any) -> TypeRegistry:
    """The TypeRegistry of every plugin's type codecs and UUID representations.

    ``plugins`` is a :class:`mongofw.plugin_manager.Plugins`; its registries are merged
    (and cached) by it, two plugins claiming one type or code being a
    ``PluginConflictError`` (see ``mongofw_type_codecs``).
    """
    return TypeRegistry(plugins.type_codecs(),
                        uuid_representations=plugins.uuid_representations().values())


def default_codec_options(plugins: Any, **kwargs: Any) -> CodecOptions:
    """CodecOptions built from ``kwargs`` whose type registry holds the plugins' codecs.

    ``kwargs`` are the CodecOptions fields (document_class, tz_aware,
    uuid_representation, unicode_decode_error_handler, tzinfo); a code registered by a
    plugin is accepted as ``uuid_representation``.
    """
    if "type_registry" in kwargs:
        raise TypeError("default_codec_options builds the type_registry from the plugins; "
                        "do not pass type_registry")
    return CodecOptions(type_registry=type_registry(plugins), **kwargs)


__all__ = ["default_codec_options", "type_registry"]
