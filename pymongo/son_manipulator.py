"""Manipulators that can edit SON objects as they enter and exit a database (deprecated)."""
from mongofw.son_manipulators.manipulators import (  # noqa: F401
    AutoReference,
    NamespaceInjector,
    ObjectIdInjector,
    ObjectIdShuffler,
    SONManipulator,
)
