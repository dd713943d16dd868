"""Write concerns: ``WriteConcern`` (see :mod:`mongofw.core.write_concern`)."""
from mongofw.core.write_concern import WriteConcern

__all__ = ["WriteConcern"]
