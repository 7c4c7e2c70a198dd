"""A Celery broker that needs no extra service, for development: kombu's SQLAlchemy transport.

It stores messages in a separate `celery` database on the same PostgreSQL server, so `make dev` runs
a real worker with nothing but Python installed. Production uses RabbitMQ (`CELERY_BROKER_URL`).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def ensure_database(url: str, name: str) -> None:
    with psycopg.connect(
        _with_database(url, "postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def sqlalchemy_urls(database_url: str, name: str = "celery") -> tuple[str, str]:
    """Return (broker URL, result backend URL) on database `name` of the server behind `database_url`."""
    ensure_database(database_url, name)
    target = _with_database(database_url, name).split("://", 1)[1]
    return f"sqla+postgresql+psycopg://{target}", f"db+postgresql+psycopg://{target}"
