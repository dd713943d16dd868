"""The wire: message building, socket I/O, one connection, the handshake, reply errors."""
