"""Read preferences (documented as ``pymongo.read_preferences``); defined in mongofw.core."""
from mongofw.core.read_preferences import (
    Nearest,
    Primary,
    PrimaryPreferred,
    ReadPreference,
    Secondary,
    SecondaryPreferred,
    make_read_preference,
    read_pref_mode_from_name,
)
from mongofw.core.rtt import MovingAverage

__all__ = ["Primary", "PrimaryPreferred", "Secondary", "SecondaryPreferred", "Nearest",
           "ReadPreference", "read_pref_mode_from_name", "make_read_preference",
           "MovingAverage"]
