"""Connection pooling that can't starve (issue 12, item 10), against Debian's real pgbouncer.

- PgBouncer in transaction mode in front of schema switching is refused: by the system check
  (`manage.py check --database default`, tenants.E002) and by gunicorn, whose worker fails to boot.
- PgBouncer in session mode is served, and 50 concurrent requests alternating two organisations each
  see their own organisation's data (the web's default psycopg pool behind it).
- `max_connections` reached (the group's PostgreSQL restarted with 8 connections) under 2 x 8 gunicorn
  threads: every answer is 2xx or 503 `database_unavailable` with Retry-After, never a 500, and once the
  connections are free again requests succeed within seconds (idle threads hold no connection).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
import pytest
import requests

from tenants.pooler import REFUSAL

from .conftest import DATABASE, ROOT, Stack, Web, error_code, serve_web
from .servers import PgBouncer

pytestmark = pytest.mark.faults

GLOBEX_HOST = "globex.localhost"
ACME_HOST = "acme.localhost"

# Globex next to the stack's acme, and one project in each organisation's schema named after it.
_ORGANISATIONS = """
import django
django.setup()
from django_tenants.utils import schema_context
from tenant_apps.projects.models import Project
from tenants.models import Tenant
from shared_apps.accounts.signup import signup_create
from tests.factories import PASSWORD
signup_create(organisation_name="Globex", subdomain="globex", email="owner@globex.test", password=PASSWORD)
for slug in ("acme", "globex"):
    with schema_context(Tenant.objects.get(domains__domain=slug + ".localhost").schema_name):
        Project.objects.create(name=slug + "-only")
"""


@dataclass(frozen=True)
class Bouncers:
    session: PgBouncer
    transaction: PgBouncer


@pytest.fixture(scope="module")
def organisations(stack: Stack) -> Stack:
    done = subprocess.run([sys.executable, "-c", _ORGANISATIONS], cwd=ROOT, env=stack.env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return stack


@pytest.fixture(scope="module")
def bouncers(stack: Stack) -> Iterator[Bouncers]:
    with PgBouncer(stack.postgres, "session") as session, PgBouncer(stack.postgres, "transaction") as transaction:
        yield Bouncers(session, transaction)


def _through(stack: Stack, bouncer: PgBouncer) -> dict[str, str]:
    return {**stack.env, "DATABASE_URL": bouncer.url(DATABASE)}


def test_a_transaction_mode_pgbouncer_is_refused_by_the_check_and_by_gunicorn(stack: Stack, bouncers: Bouncers) -> None:
    env = _through(stack, bouncers.transaction)
    check = subprocess.run([sys.executable, "manage.py", "check", "--database", "default"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert check.returncode == 1, (check.stdout, check.stderr)
    assert f"?: (tenants.E002) {REFUSAL}\n\tHINT: Seen on database 'default': first client: backend" in check.stderr
    # (Through session mode the same probe passes: the next test's gunicorn workers run it when they boot.)
    # gunicorn: the worker fails to boot, and the master stops instead of serving.
    with pytest.raises(RuntimeError, match="the web server did not start") as refused, serve_web(env):
        pass
    output = str(refused.value)
    assert f"tenants.pooler.TransactionPoolerError: {REFUSAL} [database 'default': first client:" in output
    assert "Reason: Worker failed to boot." in output


def test_a_session_mode_pgbouncer_serves_and_keeps_each_organisations_schema_under_fifty_concurrent_requests(
    organisations: Stack, bouncers: Bouncers
) -> None:
    # 2 processes x 4 threads (the production defaults), each with the default pool of 4 connections.
    extra = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4"}
    with serve_web(_through(organisations, bouncers.session), extra) as web:
        tokens = {ACME_HOST: web.login("owner@acme.test"), GLOBEX_HOST: _login(web, GLOBEX_HOST, "owner@globex.test")}
        hosts = [ACME_HOST if i % 2 == 0 else GLOBEX_HOST for i in range(50)]
        barrier = threading.Barrier(50)

        def ask(host: str) -> tuple[str, int, list[str]]:
            barrier.wait(timeout=30)
            response = web.request("GET", "/api/v1/projects/?pageSize=100", host=host, token=tokens[host])
            names = [p["name"] for p in response.json()["results"]] if response.status_code == 200 else []
            return host, response.status_code, names

        for _round in range(2):  # the second round gets connections that last served the other organisation
            with ThreadPoolExecutor(max_workers=50) as pool:
                results = list(pool.map(ask, hosts))
            wrong = [
                (host, status, names[:5])
                for host, status, names in results
                if status != 200
                or (host == GLOBEX_HOST and names != ["globex-only"])
                or (host == ACME_HOST and ("acme-only" not in names or "globex-only" in names))
            ]
            assert not wrong, f"{len(wrong)} of 50 requests failed or saw another organisation: {wrong[:5]}"


def _login(web: Web, host: str, email: str) -> str:
    from tests.factories import PASSWORD

    # The organisation's owner logs in on any host; the token names the user, the host the organisation.
    response = web.request("POST", "/api/v1/auth/login/", host=host, json_body={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access"])


# -- max_connections ------------------------------------------------------------------------------------


MAX_CONNECTIONS = 8


@contextlib.contextmanager
def _max_connections(stack: Stack, limit: int) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """The group's PostgreSQL restarted with `limit` connections, and one of them held for the test (a
    superuser gets no reserved slot once they are all taken); restored afterwards."""
    stack.postgres.psql(f"ALTER SYSTEM SET max_connections = {limit}")
    stack.postgres.restart()
    try:
        with psycopg.connect(stack.postgres.url(DATABASE), autocommit=True) as admin:
            yield admin
    finally:
        stack.postgres.psql("ALTER SYSTEM RESET max_connections")
        stack.postgres.restart()


@dataclass
class Answers:
    statuses: Counter[int]
    unclean: list[str]  # anything but 2xx or a proper 503 database_unavailable with Retry-After
    slowest: float


def _hammer(web: Web, token: str, *, clients: int, seconds: float) -> Answers:
    answers = Answers(Counter(), [], 0.0)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop_at:
                started = time.monotonic()
                try:
                    response = web.request("GET", "/api/v1/projects/", token=token, session=session, timeout=20)
                except requests.RequestException as exc:
                    with lock:
                        answers.unclean.append(f"no answer: {exc!r}")
                    continue
                took = time.monotonic() - started
                with lock:
                    answers.statuses[response.status_code] += 1
                    answers.slowest = max(answers.slowest, took)
                    if not _clean(response):
                        answers.unclean.append(f"{response.status_code} {response.text[:300]}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return answers


def _clean(response: requests.Response) -> bool:
    if 200 <= response.status_code < 300:
        return True
    return (
        response.status_code == 503
        and error_code(response) == "database_unavailable"
        and int(response.headers.get("Retry-After", "0")) > 0
    )


@contextlib.contextmanager
def _every_free_slot_taken(stack: Stack, admin: psycopg.Connection[tuple[object, ...]]) -> Iterator[int]:
    """What other processes and pods do to this one: the web's connections are cut and every slot is taken.

    The web's pool reconnects in the background as soon as its connections are cut, racing this loop for
    the slots: when PostgreSQL says it is full, any connection to the database that is not ours (nor the
    admin's) is cut again and the loop goes on, until every slot is held here."""
    held: list[psycopg.Connection[tuple[object, ...]]] = []

    def others() -> int:
        return admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND NOT pid = ANY(%s)",
            (DATABASE, [conn.info.backend_pid for conn in held]),
        ).rowcount

    try:
        others()
        while True:
            try:
                held.append(psycopg.connect(stack.postgres.url(DATABASE), autocommit=True, connect_timeout=2))
            except psycopg.OperationalError as exc:
                if "too many clients" not in str(exc):
                    raise
                if not others():
                    break
                time.sleep(0.05)  # the cut backends take a moment to free their slots
        yield len(held) + 1  # and the admin's
    finally:
        for conn in held:
            conn.close()


def test_max_connections_reached_answers_503_never_500_and_recovers_within_seconds(stack: Stack) -> None:
    with _max_connections(stack, MAX_CONNECTIONS) as admin:
        extra = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "8", "DATABASE_POOL_TIMEOUT": "2"}
        with serve_web(stack.env, extra) as web:
            token = web.login()
            log_before = len(stack.postgres.server_log())
            # 1. More concurrent requests (24 clients, 16 threads) than PostgreSQL has connections (8).
            load = _hammer(web, token, clients=24, seconds=4)
            exhausted = "too many clients" in stack.postgres.server_log()[log_before:]
            # 2. Every connection taken by others: the web's requests wait 2 s for one, then 503.
            with _every_free_slot_taken(stack, admin) as taken:
                starved = _hammer(web, token, clients=8, seconds=3)
            # 3. The connections are free again: requests succeed within seconds, in both processes.
            freed = time.monotonic()
            ok_in_a_row = 0
            while ok_in_a_row < 20:
                assert time.monotonic() - freed < 15, "requests still fail 15 s after the connections were freed"
                response = web.request("GET", "/api/v1/projects/", token=token, timeout=20)
                assert _clean(response), (response.status_code, response.text[:300])
                ok_in_a_row = ok_in_a_row + 1 if response.status_code == 200 else 0
                if response.status_code != 200:
                    time.sleep(0.2)
            recovered_in = time.monotonic() - freed

    print(f"\n[faults] max_connections={MAX_CONNECTIONS}, 2 x 8 threads, 24 clients for 4 s: {dict(load.statuses)}, "
          f"slowest {load.slowest:.2f} s, PostgreSQL refused connections: {exhausted};")  # fmt: skip
    print(f"[faults] all {taken} connections taken by others, 8 clients for 3 s: {dict(starved.statuses)}, "
          f"slowest {starved.slowest:.2f} s;")  # fmt: skip
    print(f"[faults] 20 requests in a row succeeded {recovered_in:.2f} s after the connections were freed")
    assert not load.unclean, load.unclean[:5]
    assert not starved.unclean, starved.unclean[:5]
    assert load.statuses[200] > 0
    assert exhausted, "the load never reached max_connections"
    assert starved.statuses[503] > 0, starved.statuses
    # A bounded wait: the pool's 2 s, not gunicorn's 30 s or a client's patience.
    assert starved.slowest < 6, starved.slowest
    assert recovered_in < 10, recovered_in
