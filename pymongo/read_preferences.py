"""Read preferences (documented as ``pymongo.read_preferences``); defined in mongofw.options."""
from mongofw.compat.names import _MONGOS_MODES  # noqa: F401 - kombu imports it
from mongofw.core.topology.rtt import MovingAverage
from mongofw.options.read_preferences import (
    Nearest,
    Primary,
    PrimaryPreferred,
    ReadPreference,
    Secondary,
    SecondaryPreferred,
    make_read_preference,
    read_pref_mode_from_name,
)

__all__ = ["Primary", "PrimaryPreferred", "Secondary", "SecondaryPreferred", "Nearest",
           "ReadPreference", "read_pref_mode_from_name", "make_read_preference",
           "MovingAverage"]
