"""A RabbitMQ node of the test's own on spare loopback ports, stopped and restarted at will.

Never the machine's shared RabbitMQ (5672, node `rabbit@<host>`): this node has a unique name, its own
AMQP and distribution ports, and its database, logs and Erlang cookie (HOME) in a scratch directory. It
registers with the machine's epmd (4369), which serves any number of nodes as long as their names differ;
epmd is never stopped here. No plugins (no management listener), no config file (cuttlefish's schema
translation alone takes seconds): the listener comes from RABBITMQ_NODE_IP_ADDRESS/PORT, and `guest` may
log in because every client is on loopback.

Debian's `rabbitmq-server` package (`make test` installs it: deploy/scripts/ensure-debian-package.sh);
the node runs as the current user through the package's own start script, not the root wrapper in
/usr/sbin (which switches to the `rabbitmq` user and the system's data directory).
A cold start takes ~5-10 s, a restart less.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from .servers import Process, free_port, wait_for_port

RABBITMQ_SCRIPT = Path(os.environ.get("FAULTS_RABBITMQ_SERVER", "/usr/lib/rabbitmq/bin/rabbitmq-server"))


class RabbitMQServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"faults-{uuid.uuid4().hex[:10]}@localhost"
        self.base = Path(tempfile.mkdtemp(prefix="faults-rabbitmq-"))
        (self.base / "enabled_plugins").write_text("[].\n")  # none, the management plugin included
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def _env(self) -> dict[str, str]:
        base = str(self.base)
        env = {key: value for key, value in os.environ.items() if not key.startswith(("RABBITMQ_", "ERL_"))}
        env.update(
            HOME=base,  # the Erlang cookie this node writes and reads
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=f"{base}/mnesia",
            RABBITMQ_LOG_BASE=f"{base}/log",
            RABBITMQ_CONFIG_FILE=f"{base}/none",  # no file: defaults plus the variables above
            RABBITMQ_ADVANCED_CONFIG_FILE=f"{base}/none-advanced.config",
            RABBITMQ_ENABLED_PLUGINS_FILE=f"{base}/enabled_plugins",
            RABBITMQ_PLUGINS_EXPAND_DIR=f"{base}/plugins-expand",
            RABBITMQ_PID_FILE=f"{base}/pid",
        )
        return env

    def start(self, timeout: float = 30.0) -> None:
        if not RABBITMQ_SCRIPT.exists():
            raise RuntimeError(
                f"{RABBITMQ_SCRIPT} not found: run "
                f"deploy/scripts/ensure-debian-package.sh {RABBITMQ_SCRIPT} rabbitmq-server"
            )
        # The script traps SIGTERM and stops the node cleanly (its own session: nothing else gets it).
        self.process = Process([str(RABBITMQ_SCRIPT)], env=self._env(), name="rabbitmq")
        try:
            wait_for_port(self.port, timeout=timeout, process=self.process.process)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"RabbitMQ did not start:\n{self.process.output()[-3000:]}") from exc

    def stop(self) -> None:
        """Stop the node and wait until its port refuses connections (what clients see while it is down)."""
        if self.process is None:
            return
        self.process.cleanup()
        self.process = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except OSError:
                return
            time.sleep(0.05)
        raise RuntimeError(f"127.0.0.1:{self.port} still accepts connections after RabbitMQ stopped")

    def is_running(self) -> bool:
        return self.process is not None and self.process.process.poll() is None

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@contextlib.contextmanager
def rabbitmq_server() -> Iterator[RabbitMQServer]:
    server = RabbitMQServer()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
