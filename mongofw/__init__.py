"""mongofw: a MongoDB driver built as a small core plus pluggy plugins.

Plugins implement the hooks in :mod:`mongofw.hookspecs` with :data:`hookimpl` and are
declared in the ``mongofw`` entry-point group of their distribution.  ``hookimpl`` is
created on first use, so importing the driver does not import pluggy.
"""
from typing import Any

from mongofw._version import __version__

PROJECT_NAME = "mongofw"

__all__ = ["hookimpl", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "hookimpl":
        import pluggy

        marker = pluggy.HookimplMarker(PROJECT_NAME)
        globals()["hookimpl"] = marker  # one marker for the whole process
        return marker
    raise AttributeError(f"module 'mongofw' has no attribute {name!r}")
