"""Default plugin: the SON manipulators a new ``Database`` starts with.

PyMongo 3.4 starts every database with no manipulator at all: ``ObjectIdInjector`` "is
no longer used by PyMongo" (since 2.7, per its documentation) because ``insert`` adds
``_id`` itself, and ``ObjectIdShuffler``, ``NamespaceInjector`` and ``AutoReference``
were always opt-in through ``Database.add_son_manipulator``.  So the default is the
empty list; a plugin wanting, say, ``NamespaceInjector`` everywhere returns it from the
same hook.
"""
from __future__ import annotations

from typing import Any, List

from mongofw import hookimpl


@hookimpl(trylast=True)
def mongofw_son_manipulators(database: Any) -> List[Any]:
    """The documented defaults for ``database``: none."""
    return []
