"""Monitoring: the event classes and listener bases (``pymongo.monitoring``), the publisher a
client hands its core, and the default plugins (listener-error logging, the structlog
listener)."""
