"""Fixtures for the fault tests: a PostgreSQL, web server and Celery worker of their own.

Everything here runs against servers the group starts (tests/faults/servers.py), never the machine's
shared PostgreSQL. Redis and RabbitMQ are the shared ones, used under a namespace of this group's own
(`TEST_RUN_ID` -> cache key prefix and queue name, tests/settings.py), removed at the end.

- `postgres`: the group's PostgreSQL (a `PostgresServer`), running at the start of every test.
- `stack`: that server migrated, with one organisation (`acme`, owner `owner@acme.test`), and the
  environment for processes that should use it (`stack.env`); `make_stack(server)` does the same for
  another server a test starts itself.
- `web`: gunicorn (deploy/gunicorn.conf.py) on that database; `web.request(...)` talks to it;
  `serve_web(env, extra_env)` starts another one.
- `worker`: a Celery worker on the group's own queue and that database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from tests.factories import PASSWORD

from .servers import ROOT, PostgresServer, Process, free_port, wait_for_port

VENV_BIN = Path(sys.executable).parent
ACME_HOST = "acme.localhost"
PUBLIC_HOST = "localhost"
DATABASE = "saas"

# Run in a subprocess on the fresh server: migrations and one signup, as `bootstrap` + a user would.
_SETUP = f"""
import django
django.setup()
from django.core.management import call_command
from tenants.provisioning import public_tenant_ensure
from shared_apps.accounts.signup import signup_create
call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
public_tenant_ensure()
signup = signup_create(organisation_name="Acme", subdomain="acme", email="owner@acme.test", password={PASSWORD!r})
print("SCHEMA=" + signup.tenant.schema_name)
"""


@dataclass(frozen=True)
class Stack:
    postgres: PostgresServer
    env: dict[str, str]
    run_id: str
    queue: str
    acme_schema: str

    def query(self, sql: str, params: tuple[Any, ...] = (), *, schema: str | None = None) -> list[tuple[Any, ...]]:
        """Read the group's database directly (not through the app), in `schema` if given."""
        with psycopg.connect(self.postgres.url(DATABASE), autocommit=True, connect_timeout=5) as conn:
            if schema:
                conn.execute(f'SET search_path TO "{schema}", public')
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="package")
def postgres() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _postgres_running(request: pytest.FixtureRequest) -> None:
    """Each test starts with the group's server up, whatever the previous test did to it."""
    if "postgres" in request.fixturenames:
        server: PostgresServer = request.getfixturevalue("postgres")
        if not server.is_running():
            server.start()


@pytest.fixture(scope="package")
def stack(postgres: PostgresServer) -> Iterator[Stack]:
    with make_stack(postgres) as made:
        yield made


@contextlib.contextmanager
def make_stack(postgres: PostgresServer) -> Iterator[Stack]:
    """`postgres` migrated, with acme, and a namespace of its own (the `stack` fixture, for any server)."""
    run_id = f"faults{uuid.uuid4().hex[:10]}"
    env = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_NAME",)}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=postgres.url(DATABASE),
        TEST_RUN_ID=run_id,  # own cache key prefix and Celery queue (tests/settings.py)
        CELERY_SKIP_CHECKS="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("CACHE_KEY_PREFIX", None)  # tests/settings.py derives it from TEST_RUN_ID
    postgres.psql(f"CREATE DATABASE {DATABASE}")
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", _SETUP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-4000:]
    schema = next(line[7:] for line in done.stdout.splitlines() if line.startswith("SCHEMA="))
    stack = Stack(postgres=postgres, env=env, run_id=run_id, queue=f"test-{run_id}", acme_schema=schema)
    # The signup queued a pool top-up; this group's tests count their own tasks only.
    _purge_queue(stack.queue)
    try:
        yield stack
    finally:
        _drop_namespaces(stack)


def _purge_queue(queue: str, *, delete: bool = False) -> None:
    from kombu import Connection

    with contextlib.suppress(Exception), Connection(os.environ["CELERY_BROKER_URL"], connect_timeout=2) as conn:
        channel = conn.default_channel
        if delete:
            channel.queue_delete(queue)
        else:
            channel.queue_purge(queue)


def _drop_namespaces(stack: Stack) -> None:
    import redis

    _purge_queue(stack.queue, delete=True)
    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2)
        for key in client.scan_iter(match=f"test-{stack.run_id}:*", count=500):
            client.delete(key)


@dataclass
class Web:
    port: int
    process: Process

    def request(self, method: str, path: str, *, host: str = ACME_HOST, token: str | None = None,
                json_body: dict[str, Any] | None = None, session: requests.Session | None = None,
                timeout: float = 15.0) -> requests.Response:  # fmt: skip
        headers = {"Host": host}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return (session or requests).request(
            method, f"http://127.0.0.1:{self.port}{path}", headers=headers, json=json_body, timeout=timeout
        )

    def login(self, email: str = "owner@acme.test") -> str:
        response = self.request("POST", "/api/v1/auth/login/", json_body={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return str(response.json()["access"])


@pytest.fixture(scope="package")
def web(stack: Stack) -> Iterator[Web]:
    with serve_web(stack.env) as server:
        yield server


@contextlib.contextmanager
def serve_web(env: dict[str, str], extra_env: dict[str, str] | None = None) -> Iterator[Web]:
    """gunicorn as deployed on `env` + `extra_env` (the package's `web` is `stack.env`)."""
    port = free_port()
    env = {**env, "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", "LOG_LEVEL": "WARNING", **(extra_env or {})}
    command = [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
               "saas.wsgi:application"]  # fmt: skip
    process = Process(command, env=env, name="web")
    try:
        wait_for_port(port, timeout=60, process=process.process)
        server = Web(port, process)
        # The master listens before its worker has loaded Django: wait for an answer, not the port.
        _wait_until_serving(server)
        yield server
    finally:
        process.cleanup()


def _wait_until_serving(server: Web, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(requests.RequestException):
            if server.request("GET", "/healthz", host=PUBLIC_HOST, timeout=5).status_code == 200:
                return
        if server.process.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the web server did not start:\n{server.process.output()[-4000:]}")
        time.sleep(0.1)


@dataclass
class Worker:
    process: Process

    def is_alive(self) -> bool:
        return self.process.process.poll() is None


@pytest.fixture(scope="package")
def worker(stack: Stack) -> Iterator[Worker]:
    with run_worker(stack, stack.env) as started:
        yield started


@contextlib.contextmanager
def run_worker(stack: Stack, env: dict[str, str], *, name: str | None = None) -> Iterator[Worker]:
    """A Celery worker on the group's queue with `env` (the package's `worker` is `stack.env`)."""
    command = [
        sys.executable, "-m", "celery", "-A", "saas", "worker", "--pool=solo", "--loglevel=INFO",
        "--prefetch-multiplier=8", "-Q", stack.queue, "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-n", f"{name or stack.run_id}@%h",
    ]  # fmt: skip
    # SIGQUIT (cold shutdown): a warm one takes ~10 s even when idle, and nothing is left to finish here.
    process = Process(command, env=env, name="worker", stop_signal=signal.SIGQUIT)
    try:
        deadline = time.monotonic() + 60
        while " ready." not in process.output():
            if process.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{process.output()[-4000:]}")
            time.sleep(0.1)
        yield Worker(process)
    finally:
        process.cleanup()


@pytest.fixture(scope="module")
def relay(stack: Stack) -> Iterator[Process]:
    """What beat's `outbox-relay` does in production: publish what a request committed but could not hand to
    the broker (here: the database went away between the commit and the outbox row's deletion). Per module:
    left running, it would publish another module's outbox (its own broker, its own worker) to this one's."""
    command = [sys.executable, "manage.py", "outbox_relay", "--loop", "--interval", "0.5"]
    process = Process(command, env=stack.env, name="relay")
    try:
        yield process
    finally:
        process.cleanup()


def error_code(response: requests.Response) -> str:
    body = response.json()
    return str(body["errors"][0]["code"])


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)[:2000]
