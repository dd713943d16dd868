"""The driver's own version, in a module of its own so the core can read it without the root package."""
__version__ = "0.1.0"
