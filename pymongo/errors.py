"""Exceptions raised by the driver (the whole documented hierarchy)."""
from bson.errors import *  # noqa: F401,F403 - PyMongo re-exported the bson errors here
from mongofw.core.errors import *  # noqa: F401,F403
from mongofw.core.errors import __all__ as _core_names

__all__ = list(_core_names)
