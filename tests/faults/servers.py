"""Servers the fault tests own: started on spare loopback ports, broken on purpose, always cleaned up.

Never the machine's shared PostgreSQL (5432), Redis (6379) or RabbitMQ (5672): a fault test stops and
restarts what it started, nothing else.

- `free_port()`: a TCP port nothing listens on right now.
- `PostgresServer`: Debian's PostgreSQL 15 in a scratch data directory, TCP on 127.0.0.1 only.
  `start()`, `stop()`, `restart()`, `cleanup()`; or `with PostgresServer() as pg:` (started, and removed
  at exit). `pg.url("dbname")` is a DATABASE_URL for it.
- `PgBouncer`: Debian's pgbouncer (installed by deploy/scripts/ensure-debian-package.sh when missing) in front of a
  `PostgresServer`, in the pool mode given, on a spare loopback port: `with PgBouncer(pg, "session") as b:`,
  `b.url("dbname")`.
- `Process`: a subprocess with its output in a log file, stopped with `stop_signal` (SIGTERM) then
  SIGKILL. Set FAULTS_KEEP_LOGS=1 to keep the logs of the servers a failing test started.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    """A port the kernel just handed out and released: free now (another process could take it later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, timeout: float = 30.0, process: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class PostgresServer:
    """A throw-away PostgreSQL cluster (initdb in a temp directory), user `postgres`, trust auth.

    PostgreSQL refuses to run as root, so as root the binaries run as the system user `postgres`
    (`runuser`), which then owns the data directory; as anyone else they run as that user.
    Durability is kept where the tests look at it (synchronous_commit stays on, so a commit a client
    saw survives `stop(mode="immediate")`); only fsync is off, which matters for a machine crash, not
    for a killed server.
    """

    def __init__(self, port: int | None = None, *, max_connections: int = 100) -> None:
        self.port = port or free_port()
        self.max_connections = max_connections
        self.data_dir = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.log = self.data_dir.with_name(self.data_dir.name + ".log")
        self._initialised = False

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> None:
        if not self._initialised:
            self._initdb()
        self._pg_ctl("start", "-w", "-t", str(int(timeout)), "-l", str(self.log))
        wait_for_port(self.port, timeout=timeout)

    def stop(self, mode: str = "fast") -> None:
        """`fast`: disconnect clients, shut down cleanly. `immediate`: like a crash (recovery at next start)."""
        if self.is_running():
            self._pg_ctl("stop", "-w", "-m", mode)

    def restart(self, mode: str = "fast", down_for: float = 0.0) -> None:
        """Stop, stay down `down_for` seconds (clients see the outage), start again."""
        self.stop(mode)
        if down_for:
            time.sleep(down_for)
        self.start()

    def is_running(self) -> bool:
        if not self._initialised:
            return False
        status = subprocess.run(self._as_owner(str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data_dir)),
                                capture_output=True, timeout=30)  # fmt: skip
        return status.returncode == 0

    def cleanup(self) -> None:
        """Stop the server (if running) and delete its data directory and log."""
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.cleanup()

    # -- use ------------------------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL with psql over TCP (as any user: auth is trust); returns unaligned output."""
        result = subprocess.run(
            [str(PG_BIN / "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", self.url(dbname), "-c", sql],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    # -- internals ------------------------------------------------------------------------------
    def _initdb(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
            self.log.touch()
            os.chown(self.log, owner.pw_uid, owner.pw_gid)
        subprocess.run(
            self._as_owner(str(PG_BIN / "initdb"), "-D", str(self.data_dir), "-U", "postgres", "-A", "trust",
                           "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        settings = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",  # TCP only: nothing in the shared socket directory
            "max_connections": str(self.max_connections),
            "fsync": "off",
            "shared_buffers": "32MB",
            "logging_collector": "off",
        }
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self._initialised = True

    def _pg_ctl(self, *args: str) -> None:
        result = subprocess.run(self._as_owner(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), *args),
                                capture_output=True, text=True, timeout=90)  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl {args[0]} failed: {result.stderr}\n{self.server_log()[-3000:]}")

    @staticmethod
    def _as_owner(*command: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if found is None:
        ensure = ROOT / "deploy" / "scripts" / "ensure-debian-package.sh"
        subprocess.run(["bash", str(ensure), "pgbouncer", "pgbouncer"], check=True, timeout=600)
        found = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    return found


class PgBouncer:
    """pgbouncer in `pool_mode` ("session", "transaction") for every database of `postgres`, trust auth.

    pgbouncer refuses to run as root: as root it runs as the system user `postgres`, like PostgresServer.
    """

    def __init__(self, postgres: PostgresServer, pool_mode: str, *, pool_size: int = 20) -> None:
        self.postgres, self.pool_mode, self.pool_size = postgres, pool_mode, pool_size
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=f"faults-pgbouncer-{pool_mode}-"))
        self.process: Process | None = None

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"""[databases]
* = host=127.0.0.1 port={self.postgres.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.dir}/userlist.txt
pool_mode = {self.pool_mode}
default_pool_size = {self.pool_size}
max_client_conn = 500
pidfile = {self.dir}/pgbouncer.pid
ignore_startup_parameters = extra_float_digits,options
"""
        )
        command = [pgbouncer_binary(), str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (self.dir, *self.dir.iterdir()):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = Process(command, env=dict(os.environ), name=f"pgbouncer-{self.pool_mode}")
        wait_for_port(self.port, timeout=30, process=self.process.process)

    def cleanup(self) -> None:
        if self.process is not None:
            self.process.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PgBouncer:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


class Process:
    """A long-running subprocess (web server, worker) whose output goes to a log file."""

    def __init__(
        self, command: list[str], *, env: dict[str, str], name: str, stop_signal: int = signal.SIGTERM
    ) -> None:
        self.stop_signal = stop_signal
        fd, path = tempfile.mkstemp(prefix=f"faults-{name}-", suffix=".log")
        os.close(fd)
        self.log = Path(path)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is None:
            # Its own session (start_new_session): the signal reaches the server and its children only.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def cleanup(self) -> None:
        self.stop()
        if os.environ.get("FAULTS_KEEP_LOGS"):  # debugging a fault test: keep what the server said
            print(f"\n[faults] log kept: {self.log}")
        else:
            self.log.unlink(missing_ok=True)
