"""Read concerns: ``ReadConcern`` (see :mod:`mongofw.options.read_concern`)."""
from mongofw.options.read_concern import ReadConcern

__all__ = ["ReadConcern"]
