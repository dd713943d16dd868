"""Opening sockets and moving whole wire messages over them."""
from __future__ import annotations

import os
import platform
import socket
import sys
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from mongofw._version import __version__
from mongofw.core.wire.compression import decompress_reply
from mongofw.core.wire.message import HEADER, OP_COMPRESSED
from mongofw.errors import AutoReconnect, ConnectionFailure, NetworkTimeout, ProtocolError

DEFAULT_MAX_MESSAGE_SIZE = 48_000_000


def format_address(address: Tuple[str, Optional[int]]) -> str:
    """``("a", 27017)`` as ``"a:27017"`` (IPv6 hosts in brackets; sockets as the path)."""
    host, port = address
    if port is None:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def create_socket(address: Tuple[str, Optional[int]], connect_timeout: Optional[float],
                  socket_keepalive: bool = True, ssl_context: Any = None,
                  ssl_match_hostname: bool = True) -> socket.socket:
    """A connected (and, with ``ssl_context``, TLS-wrapped) socket, or ``AutoReconnect``."""
    host, port = address
    if host.endswith(".sock"):
        if not hasattr(socket, "AF_UNIX"):
            raise ConnectionFailure("UNIX-sockets are not supported on this system")
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(connect_timeout)
        try:
            sock.connect(host)
        except OSError as exc:
            sock.close()
            raise AutoReconnect(f"{host}: {exc}") from None
        return sock
    # localhost resolves to ::1 first on some machines while servers listen on IPv4 only.
    family = socket.AF_INET if host == "localhost" else 0
    try:
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AutoReconnect(f"{format_address(address)}: {exc}") from None
    error: Optional[BaseException] = None
    for af, socktype, proto, _name, sockaddr in infos:
        sock = socket.socket(af, socktype, proto)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(connect_timeout)
            if socket_keepalive:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            sock.connect(sockaddr)
            break
        except OSError as exc:
            error = exc
            sock.close()
    else:
        if isinstance(error, socket.timeout):
            raise NetworkTimeout(f"{format_address(address)}: timed out connecting") from None
        raise AutoReconnect(f"{format_address(address)}: {error}") from None
    if ssl_context is not None:
        import ssl

        try:
            sock = ssl_context.wrap_socket(
                sock, server_hostname=host if ssl_match_hostname or ssl_context.check_hostname
                else None)
        except ssl.CertificateError as exc:
            sock.close()
            raise ConnectionFailure(f"{format_address(address)}: certificate error: {exc}") \
                from None
        except (OSError, ssl.SSLError) as exc:
            sock.close()
            raise AutoReconnect(f"{format_address(address)}: TLS handshake failed: {exc}") \
                from None
    return sock


#: Messages at least this long go out gathered (``send_parts``) rather than joined first.
#: Joining copies the message once more before the kernel copies it: from about 64 KB that
#: copy costs more than handing the pieces over (a 310 KB insert_one: about 5% less client
#: CPU gathered; 300 small documents in 95 KB: the same either way).
GATHER_MIN_BYTES = 64 * 1024
_IOV_MAX = 1024  # the POSIX minimum of IOV_MAX; Linux's value
# Socket types sent to with sendmsg (a TLS socket has none that works).
_GATHER_TYPES = (socket.socket,)


def send_parts(sock: socket.socket, parts: Sequence[Any]) -> None:
    """Send the concatenation of ``parts`` (bytes-like) without joining it first.

    A plain socket gets ``sendmsg`` (scatter/gather, at most ``_IOV_MAX`` pieces per call,
    resumed after a partial send); any other (TLS) socket one ``sendall`` of the join.
    """
    if type(sock) not in _GATHER_TYPES or not hasattr(sock, "sendmsg"):
        sock.sendall(b"".join(parts))
        return
    # bytes go as they are (most parts: one per encoded document); other buffers as bytes
    # views, so that lengths count bytes.
    pending = [p if type(p) is bytes else memoryview(p).cast("B") for p in parts if len(p)]
    i = 0
    while i < len(pending):
        sent = sock.sendmsg(pending[i:i + _IOV_MAX])
        while sent:
            size = len(pending[i])
            if sent < size:
                pending[i] = memoryview(pending[i]).cast("B")[sent:]  # no copy of the rest
                break
            sent -= size
            i += 1


class BufferedReceiver:
    """A socket's ``recv_into``, read ahead: one system call usually brings a whole reply
    (header and body) instead of one for each.  Bytes read ahead are kept for the next
    read; a read as large as the buffer goes to the socket directly.
    """

    __slots__ = ("sock", "_buf", "_pos", "_end")

    SIZE = 64 * 1024

    def __init__(self, sock: Any) -> None:
        self.sock = sock
        self._buf = memoryview(bytearray(self.SIZE))
        self._pos = self._end = 0

    def recv_into(self, view: memoryview) -> int:
        """Some bytes into ``view`` (at least one; 0 when the peer closed), as a socket's."""
        want = len(view)
        if self._pos == self._end:
            if want >= self.SIZE:
                return self.sock.recv_into(view)
            got = self.sock.recv_into(self._buf)
            if not got:
                return 0
            self._pos, self._end = 0, got
        take = min(want, self._end - self._pos)
        view[:take] = self._buf[self._pos:self._pos + take]
        self._pos += take
        return take

    def read_ahead(self, length: int) -> Optional[memoryview]:
        """The next ``length`` bytes as a view of the read-ahead buffer, without copying:
        valid only until the next read.  Reads the socket once if nothing is buffered;
        None (nothing consumed) when the bytes are not all there, or too many to fit."""
        pos, end = self._pos, self._end
        if end - pos < length:
            if pos != end or length > self.SIZE:
                return None
            got = self.sock.recv_into(self._buf)
            if not got:
                raise AutoReconnect("connection closed by the server")
            self._pos, self._end = 0, got
            if got < length:
                return None
            pos = 0
        self._pos = pos + length
        return self._buf[pos:pos + length]

    def next_message(self) -> Optional[Tuple[int, int, int, int, memoryview]]:
        """The next whole message as its four header fields and a view of its body (valid
        until the next read), when the buffer holds it or one read brings all of it;
        None (nothing consumed) otherwise, or when the header announces no body."""
        pos, end = self._pos, self._end
        if pos == end:
            got = self.sock.recv_into(self._buf)
            if not got:
                raise AutoReconnect("connection closed by the server")
            pos, end = self._pos, self._end = 0, got
        if end - pos < 16:
            return None
        length, reply_id, response_to, opcode = HEADER.unpack_from(self._buf, pos)
        if length <= 16 or end - pos < length:
            return None
        self._pos = pos + length
        return length, reply_id, response_to, opcode, self._buf[pos + 16:pos + length]


def recv_exactly(sock: Any, length: int,
                 buffer_for: Optional[Callable[[int], memoryview]] = None) -> memoryview:
    """Read exactly ``length`` bytes into one buffer (no joins of partial reads).

    ``buffer_for(length)``, when given, supplies the buffer (a view of exactly ``length``
    bytes, e.g. of a connection's reused one); else it is a fresh bytearray.
    """
    view = memoryview(bytearray(length)) if buffer_for is None else buffer_for(length)
    got = 0
    while got < length:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise AutoReconnect("connection closed by the server")
        got += n
    return view


def receive_message(sock: socket.socket, request_id: int,
                    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
                    stray_ids: Optional[set] = None) -> Tuple[int, memoryview]:
    """Read one reply to ``request_id``: ``(opcode, body_without_header)``.

    Replies to ids in ``stray_ids`` (requests sent with moreToCome, which a server must
    not answer but some do) are read and dropped.  A reply that answers none of these or
    announces an impossible length is a ``ProtocolError``; the caller discards the socket.
    """
    opcode, body, _reply_id = receive_reply(sock, request_id, max_message_size, stray_ids)
    return opcode, body


def receive_reply(sock: Any, request_id: int,
                  max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
                  stray_ids: Optional[set] = None,
                  buffer_for: Optional[Callable[[int], memoryview]] = None
                  ) -> Tuple[int, memoryview, int]:
    """:func:`receive_message`, also returning the reply's own request id.

    A server streaming an exhaust cursor answers each of its replies with the next: the
    reply's id is the ``request_id`` to wait for after it.  ``buffer_for``: see
    :func:`recv_exactly` (the body only; the caller must be done with it before reusing).
    """
    # A connection's read-ahead buffer usually holds the whole reply: when the caller is
    # done with the body before the next receive (``buffer_for``, the same promise), header
    # and body are read from it in place at once; otherwise the header still is.
    buffered = type(sock) is BufferedReceiver
    whole = None
    while True:
        if buffered and buffer_for is not None:
            whole = sock.next_message()
        if whole is not None:
            length, reply_id, response_to, opcode, body = whole
            if length <= max_message_size and response_to == request_id:
                break  # the usual reply: all of it was already here
        else:
            header = sock.read_ahead(16) if buffered else None
            if header is None:
                header = recv_exactly(sock, 16)
            length, reply_id, response_to, opcode = HEADER.unpack(header)
        if length <= 16:
            raise ProtocolError(f"message length ({length!r}) not longer than standard "
                                f"message header size (16)")
        if length > max_message_size:
            raise ProtocolError(f"message length ({length!r}) is larger than server max "
                                f"message size ({max_message_size!r})")
        if stray_ids and response_to in stray_ids and response_to != request_id:
            stray_ids.discard(response_to)
            if whole is None:
                recv_exactly(sock, length - 16)
            whole = None
            continue
        if response_to != request_id:
            raise ProtocolError(f"got response id {response_to!r} but expected {request_id!r}")
        body = sock.read_ahead(length - 16) if buffered and buffer_for is not None else None
        if body is None:
            body = recv_exactly(sock, length - 16, buffer_for)
        break
    if opcode == OP_COMPRESSED:
        opcode, body = decompress_reply(body)
    return opcode, body, reply_id


def client_metadata(appname: Optional[str], driver: Any = None) -> Dict[str, Any]:
    """The ``client`` document of the handshake (the handshake specification's shape).

    ``driver`` (name, version, platform; each may be None) is a wrapping library's:
    its parts follow ours after a ``|``.
    """
    meta: Dict[str, Any] = {
        "driver": {"name": "mongofw", "version": __version__},
        "os": {"type": platform.system() or "unknown", "name": platform.system(),
               "architecture": platform.machine(), "version": platform.release()},
        "platform": f"{platform.python_implementation()} {sys.version.split()[0]}",
    }
    if appname:
        meta["application"] = {"name": appname}
    if driver is not None:
        name, version, extra = driver
        if name:
            meta["driver"]["name"] += f"|{name}"
        if version:
            meta["driver"]["version"] += f"|{version}"
        if extra:
            meta["platform"] += f"|{extra}"
    if os.environ.get("MONGOFW_METADATA_MINIMAL"):
        meta.pop("os")
    return meta
