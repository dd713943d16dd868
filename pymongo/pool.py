"""Connection pool internals documented for advanced use: ``SocketInfo``."""
from mongofw.client.socket_info import SocketInfo  # noqa: F401
from mongofw.core.pool import Pool, PoolOptions  # noqa: F401
