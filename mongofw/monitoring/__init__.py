"""The default monitoring plugins: listener-error logging and the structlog listener."""
