"""Advanced options for drivers built on this one: ``DriverInfo``."""
from mongofw.options.driver_info import DriverInfo  # noqa: F401

__all__ = ["DriverInfo"]
