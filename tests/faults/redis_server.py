"""A redis-server of the test's own on a spare loopback port, stopped and restarted at will.

Never the machine's shared Redis (6379): a fault test breaks only what it started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.deploy.servers import ROOT, VENV_BIN, free_port, stop, wait_for_port


class RedisServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        # No persistence: a restart comes back empty, as a Redis without its data volume would.
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, timeout=10)

    def stop(self) -> None:
        """Stop it and wait until the port refuses connections (what a client sees while Redis is down)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except OSError:
                return
            time.sleep(0.05)
        raise RuntimeError(f"127.0.0.1:{self.port} still accepts connections after redis-server stopped")


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def web(database_name: str, redis_url: str, log_path: Path) -> Iterator[int]:
    """gunicorn as deployed (deploy/gunicorn.conf.py), on the test database and `redis_url`.

    Like tests.deploy.servers.gunicorn, but its output goes to a file: an outage logs a traceback per
    failed request, and an unread pipe fills up and blocks the web's threads.
    """
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_DATABASE_NAME": database_name,
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        # JSON, as deployed: the development console renderer takes minutes over one redis-py traceback.
        "LOG_FORMAT": "json",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "saas.wsgi:application"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_port(port, process)
            yield port
        finally:
            stop(process)
