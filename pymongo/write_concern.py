"""Write concerns: ``WriteConcern`` (see :mod:`mongofw.options.write_concern`)."""
from mongofw.options.write_concern import WriteConcern

__all__ = ["WriteConcern"]
