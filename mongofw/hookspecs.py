"""Every extension point of mongofw, in one place.

Plugins implement these with ``@mongofw.hookimpl`` and are declared in the ``mongofw``
entry-point group.  Registry hooks return lists of frozen descriptions that are merged
once (a duplicate name is an error naming both plugins); ``firstresult`` hooks let an
outside plugin win over the default, which is registered ``trylast``.

Hooks are called when a client, database or codec configuration is built — never per
BSON value or per socket read.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, Union

import pluggy

if TYPE_CHECKING:  # pragma: no cover - typing only
    from bson.codec_options import TypeDecoder, TypeEncoder
    from mongofw.extensions import AuthMechanism, GridFSStorageFactory, UuidRepresentation

hookspec = pluggy.HookspecMarker("mongofw")


@hookspec
def mongofw_type_codecs() -> Sequence[Union[TypeEncoder, TypeDecoder]]:
    """Standard ``bson.codec_options`` TypeEncoder/TypeDecoder/TypeCodec instances, exactly
    as PyMongo 3.8+ takes them in a ``TypeRegistry``, for every client's type registry.

    Called once per plugin manager (the first client builds it); every result is merged.
    An encoder claims its ``python_type``, a decoder its ``bson_type``.  Two plugins
    claiming the same one raise ``PluginConflictError`` naming both when a client is
    built, unless one is a default plugin (``default_*``): a default's codec gives way to
    another plugin's.  Within one plugin the later codec prevails, as in a TypeRegistry.
    """


@hookspec
def mongofw_uuid_representations() -> Sequence[UuidRepresentation]:
    """UUID representations (code, name, to/from binary) selectable by ``uuidRepresentation``.

    Called once per plugin manager; every result is merged, codes and names must be unique.
    """


@hookspec
def mongofw_auth_mechanisms() -> Sequence[AuthMechanism]:
    """Authentication mechanisms, each selectable by ``authMechanism=<name>``.

    Called once per plugin manager; every result is merged, names must be unique.
    """


@hookspec
def mongofw_client_options() -> Sequence[str]:
    """Names of extra ``MongoClient`` keyword options this plugin understands.

    Called once per plugin manager; every result is merged (case-insensitive). Such
    options bypass the core's validation and reach ``mongofw_event_listeners(options)``.
    """


@hookspec
def mongofw_event_listeners(options: Mapping[str, Any]) -> Sequence[Any]:
    """Command/server/heartbeat/topology listeners to attach to a new client.

    Called once per ``MongoClient`` with its validated keyword options (so a plugin can
    be switched on by an option); every result is used, beside ``register()``-ed ones.
    """


@hookspec
def mongofw_son_manipulators(database: Any) -> Sequence[Any]:
    """SON manipulators to add to a new ``Database`` (applied when ``manipulate=True``).

    :param database: the :class:`~pymongo.database.Database` being built.
    :returns: :class:`~pymongo.son_manipulator.SONManipulator` instances.

    Called once per ``Database`` object; every result is added, in plugin order.
    Deprecated with the SON manipulator API itself (PyMongo 3.0).
    """


@hookspec(firstresult=True)
def mongofw_cursor_manager_class() -> Optional[type]:
    """The cursor manager class a client uses to kill dead cursors.

    Called once per ``MongoClient``; the first non-None result wins.
    """


@hookspec(firstresult=True)
def mongofw_gridfs_storage(options: Mapping[str, Any]) -> Optional[GridFSStorageFactory]:
    """The storage that keeps GridFS chunk bytes for a bucket.

    Called once per ``GridFS``/``GridFSBucket`` with ``{"database", "bucket_name",
    "chunk_size_bytes"}``-style options; the first non-None result wins.
    """
