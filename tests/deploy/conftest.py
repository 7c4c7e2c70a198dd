"""Servers shared by the deploy tests of one module: gunicorn (production config) on the test database."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from shared_apps.accounts.signup import Signup
from tests.deploy import servers


def _serve(extra_env: dict[str, str] | None = None) -> Iterator[int]:
    with servers.gunicorn(settings.DATABASES["default"]["NAME"], extra_env=extra_env) as port:
        # Ready when Django answers, not only when the socket accepts: the master listens at once, its workers
        # answer once they have loaded the app, which on a loaded 2-core machine took 28 s (one try of 30 s
        # timed out). Ask again until a deadline instead.
        deadline = time.monotonic() + 120
        while True:
            try:
                reply = servers.get(port, "localhost", "/healthz", tls=False)
                break
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
        assert reply.status == 200, reply.body
        yield port


@pytest.fixture(scope="module")
def web_port(django_db_setup: None, acme: Signup, globex: Signup) -> Iterator[int]:
    """gunicorn with deploy/gunicorn.conf.py (2 processes x 8 threads), after acme and globex exist, with
    persistent connections (one per thread) instead of the default pool."""
    yield from _serve({"DATABASE_POOL_MAX_SIZE": "0"})


@pytest.fixture(scope="module")
def pooled_web_port(django_db_setup: None, acme: Signup, globex: Signup) -> Iterator[int]:
    """The same, with psycopg's pool (the default is one connection per thread): 3 connections per process
    for its 8 threads, so connections are handed from one request (and organisation) to another all the
    time."""
    yield from _serve({"DATABASE_POOL_MAX_SIZE": "3"})
