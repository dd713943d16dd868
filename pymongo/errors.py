"""Exceptions raised by the driver (the whole documented hierarchy)."""
from bson.errors import *  # noqa: F401,F403 - PyMongo re-exported the bson errors here
from mongofw.errors import *  # noqa: F401,F403
from mongofw.errors import __all__ as _core_names

__all__ = list(_core_names)
