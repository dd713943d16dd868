"""Read concerns: ``ReadConcern`` (see :mod:`mongofw.options.read_concern`)."""
from mongofw.options.read_concern import DEFAULT_READ_CONCERN, ReadConcern

__all__ = ["DEFAULT_READ_CONCERN", "ReadConcern"]
