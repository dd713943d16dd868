"""Authentication (documented as ``pymongo.auth``).

``MECHANISMS`` is assembled on first access from the registered auth plugins, so
``import pymongo`` loads no plugin; installing a plugin (and calling
:func:`mongofw.plugin_manager.reset_plugins`) adds its mechanisms here.
"""
from __future__ import annotations

from typing import Any, FrozenSet


def _mechanisms() -> FrozenSet[str]:
    from mongofw.plugin_manager import get_plugins

    return frozenset(get_plugins().auth_mechanisms())


def __getattr__(name: str) -> Any:
    if name == "MECHANISMS":
        return _mechanisms()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted([*globals(), "MECHANISMS"])


__all__ = ["MECHANISMS"]  # noqa: F822 - provided by __getattr__
