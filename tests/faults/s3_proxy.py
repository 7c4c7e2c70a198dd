"""A TCP proxy in front of the run's S3 server (moto) that a test can cut or take down.

What S3 looks like to the kit when the network fails under it, with nothing mocked: requests go over
real sockets to the real S3 server until the proxy resets them.

- `cut_after=N`: a connection that has carried more than N bytes from the client is reset (a large part
  of a multipart upload dies mid-stream while small requests, like the abort, still go through).
- `down_after_cut=True`: the first cut takes the whole proxy down (S3 gone in the middle of an upload).
- `down()` / `up()`: while down, every connection, open or new, is reset.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator


def _reset(conn: socket.socket) -> None:
    # SO_LINGER 0: close with a RST, like a dropped route or a restarted load balancer.
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        conn.close()


class S3Proxy:
    def __init__(self, upstream_port: int, *, cut_after: int | None = None, down_after_cut: bool = False) -> None:
        self.upstream_port = upstream_port
        self.cut_after = cut_after
        self.down_after_cut = down_after_cut
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._down = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="s3-proxy", daemon=True)
        self.accepted = 0
        self.refused = 0
        self.cuts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def down(self) -> None:
        self._down.set()
        with self._lock:
            conns, self._open = list(self._open), set()
        for conn in conns:
            _reset(conn)

    def up(self) -> None:
        self._down.clear()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        self.down()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._down.is_set():
                self.refused += 1
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                _reset(client)
                continue
            upstream.settimeout(None)
            self.accepted += 1
            with self._lock:
                self._open |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, from_client: bool) -> None:
        carried = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                carried += len(data)
                if from_client and self.cut_after is not None and carried > self.cut_after:
                    self.cuts += 1
                    if self.down_after_cut:
                        self.down()
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open -= {source, target}
            _reset(source)
            _reset(target)


@contextlib.contextmanager
def s3_proxy(upstream_port: int, **options: bool | int | None) -> Iterator[S3Proxy]:
    proxy = S3Proxy(upstream_port, **options)  # type: ignore[arg-type]
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()
