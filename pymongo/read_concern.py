"""Read concerns: ``ReadConcern`` (see :mod:`mongofw.core.read_concern`)."""
from mongofw.core.read_concern import ReadConcern

__all__ = ["ReadConcern"]
