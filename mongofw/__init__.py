"""mongofw: a MongoDB driver built as a small core plus pluggy plugins.

Plugins implement the hooks in :mod:`mongofw.hookspecs` with :data:`hookimpl` and are
declared in the ``mongofw`` entry-point group of their distribution.
"""
import pluggy

__version__ = "0.1.0"

PROJECT_NAME = "mongofw"

#: Decorator marking a plugin's hook implementations.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["hookimpl", "__version__"]
