"""The topology: descriptions, monitors, the SDAM state machine and server selection."""
