"""A black-holed dependency: a loopback socket that accepts connections and never answers.

What a firewall that drops packets, a hung server or a dead NAT looks like to a client once its TCP
handshake is done: the connect succeeds and every read waits. Only the client's own timeouts end it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


class BlackHole:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._held: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="blackhole", daemon=True)
        self.accepted = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            # Held open, never read from or written to: the client waits for an answer that never comes.
            self._held.append(conn)
            self.accepted += 1

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for conn in self._held:
            conn.close()


@contextlib.contextmanager
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    hole.start()
    try:
        yield hole
    finally:
        hole.close()
