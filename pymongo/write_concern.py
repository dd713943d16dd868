"""Write concerns: ``WriteConcern`` (see :mod:`mongofw.options.write_concern`)."""
from mongofw.options.write_concern import DEFAULT_WRITE_CONCERN, WriteConcern

__all__ = ["DEFAULT_WRITE_CONCERN", "WriteConcern"]
