"""The driver core: wire protocol, pool, topology, server selection and command dispatch."""
