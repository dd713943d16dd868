"""Helpers for the ``hello`` command's reply (3.12): see :mod:`mongofw.core.topology.hello`."""
from mongofw.core.topology.hello import Hello

__all__ = ["Hello"]
