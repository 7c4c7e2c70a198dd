"""Read replicas (issue 14, part 5) against a real streaming standby this module starts.

A PostgreSQL of the module's own is the primary (statements logged), `StandbyServer` streams from it
(`pg_basebackup -R`, statements logged too), and gunicorn runs with DATABASE_REPLICA_URLS pointing at the
standby, one thread (so one replica connection serves both organisations in turn), and a lag bound of
LAG_BOUND seconds. Which server answered is read from the servers' own statement logs, and from rows only
the primary has while the standby's replay is paused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.factories import PASSWORD

from .conftest import PUBLIC_HOST, Stack, Web, make_stack, serve_web
from .replica_server import StandbyServer
from .servers import ROOT, PostgresServer

LAG_BOUND = 3.0
CHECK_INTERVAL = 2.0  # tenants.replicas.CHECK_INTERVAL: how long the web may act on an old verdict
PROJECTS = "/api/v1/projects/"
SELECT_PROJECTS = 'FROM "projects_project"'

# One request as Django's handler frames it (request_started ... request_finished), then the next one.
_READ_AFTER_WRITE = """
import json
import django
django.setup()
from django.core.signals import request_finished, request_started
from django.db import transaction
from django_tenants.utils import tenant_context
from tenant_apps.projects.models import Project
from tenant_apps.projects.selectors import project_list
from tenants.models import Tenant
acme = Tenant.objects.get(schema_name={acme!r})
seen = {{}}
request_started.send(sender=None)
with tenant_context(acme):
    seen["before_write"] = project_list().db
    Project.objects.create(name="written in this request")
    seen["after_write"] = project_list().db
    seen["sees_own_write"] = project_list().filter(name="written in this request").exists()
request_finished.send(sender=None)
request_started.send(sender=None)
with tenant_context(acme):
    seen["next_request"] = project_list().db
    with transaction.atomic():
        seen["in_transaction"] = project_list().db
    seen["unmarked_read"] = Project.objects.all().db
request_finished.send(sender=None)
print("SEEN=" + json.dumps(seen))
"""


@dataclass
class Replicated:
    stack: Stack
    standby: StandbyServer
    web: Web
    env: dict[str, str]
    globex_schema: str
    tokens: dict[str, str]

    def names(self, host: str) -> list[str]:
        response = self.web.request("GET", PROJECTS, host=host, token=self.tokens[host], timeout=30)
        assert response.status_code == 200, response.text
        return [project["name"] for project in response.json()["results"]]


@pytest.fixture(scope="module")
def primary() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        # Set before the base backup: the standby inherits it (postgresql.auto.conf).
        server.psql("ALTER SYSTEM SET log_statement = 'all'")
        server.psql("SELECT pg_reload_conf()")
        yield server


@pytest.fixture(scope="module")
def replicated(primary: PostgresServer) -> Iterator[Replicated]:
    with make_stack(primary) as stack, StandbyServer(primary) as standby:
        env = {**stack.env, "DATABASE_REPLICA_URLS": standby.url("saas"),
               "DATABASE_REPLICA_MAX_LAG_SECONDS": str(LAG_BOUND)}  # fmt: skip
        with serve_web(env, {"GUNICORN_THREADS": "1"}) as web:
            signup = web.request("POST", "/api/v1/signup/", host=PUBLIC_HOST, timeout=60, json_body={
                "organisationName": "Globex", "subdomain": "globex", "email": "owner@globex.test", "password": PASSWORD,
            })  # fmt: skip
            assert signup.status_code == 201, signup.text
            owners = {"acme.localhost": "owner@acme.test", "globex.localhost": "owner@globex.test"}
            tokens = {host: _login(web, host, email) for host, email in owners.items()}
            for host, token in tokens.items():
                name = f"{host.split('.')[0].title()} project"
                created = web.request("POST", PROJECTS, host=host, token=token, json_body={"name": name})
                assert created.status_code == 201, created.text
            (globex_schema,) = stack.query(
                "SELECT t.schema_name FROM tenants_tenant t JOIN tenants_domain d ON d.tenant_id = t.id"
                " WHERE d.domain = 'globex.localhost'"
            )[0]
            standby.wait_caught_up()
            yield Replicated(stack, standby, web, env, str(globex_schema), tokens)


def _login(web: Web, host: str, email: str) -> str:
    response = web.request("POST", "/api/v1/auth/login/", host=host, json_body={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access"])


@pytest.fixture
def replicas(replicated: Replicated) -> Replicated:
    """The standby up, replaying and caught up, and the web's cached verdict renewed since (a test broke it)."""
    standby = replicated.standby
    changed = not standby.is_running()
    if changed:
        standby.start()
    if standby.replay_paused():
        standby.resume_replay()
        changed = True
    standby.wait_caught_up()
    if changed:
        time.sleep(CHECK_INTERVAL + 0.5)
    return replicated


def _insert_project(stack: Stack, name: str) -> None:
    """Written straight to the primary, in acme's schema."""
    table = f'"{stack.acme_schema}".projects_project'
    sql = f"INSERT INTO {table} (name, description, created_at) VALUES ('{name}', '', now())"
    stack.postgres.psql(sql, "saas")


def _logged_since(server: PostgresServer, offset: int) -> str:
    return server.server_log()[offset:]


def test_read_only_selectors_read_the_replica_in_each_organisations_schema(replicas: Replicated) -> None:
    primary, standby = replicas.stack.postgres, replicas.standby
    primary_mark, standby_mark = len(primary.server_log()), len(standby.server_log())

    # Alternating: the one replica connection is switched between the two schemas each time.
    for _ in range(3):
        acme, globex = replicas.names("acme.localhost"), replicas.names("globex.localhost")
        assert "Acme project" in acme and "Globex project" not in acme
        assert globex == ["Globex project"]

    on_standby, on_primary = _logged_since(standby, standby_mark), _logged_since(primary, primary_mark)
    assert on_standby.count(SELECT_PROJECTS) >= 6, on_standby[-3000:]
    assert SELECT_PROJECTS not in on_primary
    # django-tenants' search_path statements, on the standby's connection: both schemas, more than once.
    search_paths = [line for line in on_standby.splitlines() if "SET search_path" in line]
    assert sum(replicas.stack.acme_schema in line for line in search_paths) >= 3, search_paths
    assert sum(replicas.globex_schema in line for line in search_paths) >= 3, search_paths


def test_reads_after_a_write_or_in_a_transaction_stay_on_the_primary(replicas: Replicated) -> None:
    script = _READ_AFTER_WRITE.format(acme=replicas.stack.acme_schema)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=replicas.env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    seen = json.loads(next(line[5:] for line in done.stdout.splitlines() if line.startswith("SEEN=")))
    assert seen == {
        "before_write": "replica_0",
        "after_write": "default",
        "sees_own_write": True,
        "next_request": "replica_0",  # a new request starts afresh
        "in_transaction": "default",
        "unmarked_read": "default",
    }


def test_a_replica_lagging_beyond_the_bound_is_skipped(replicas: Replicated) -> None:
    stack, standby = replicas.stack, replicas.standby
    _insert_project(stack, "fresh")
    standby.wait_caught_up()
    fresh_replayed = time.monotonic()
    standby.pause_replay()
    _insert_project(stack, "only on the primary")

    names = replicas.names("acme.localhost")
    if time.monotonic() - fresh_replayed < LAG_BOUND - 1:  # a machine this slow proves nothing here
        assert "only on the primary" not in names, "within the bound, the replica (a little behind) answers"

    deadline = time.monotonic() + LAG_BOUND + CHECK_INTERVAL + 10
    while "only on the primary" not in names:
        assert time.monotonic() < deadline, "the lagging replica was still read"
        time.sleep(0.25)
        names = replicas.names("acme.localhost")
    # The standby is still paused: the primary answered.
    assert standby.replay_paused()
    row_on_standby = f"SELECT count(*) FROM \"{stack.acme_schema}\".projects_project WHERE name = 'only on the primary'"
    assert standby.psql(row_on_standby, "saas") == "0"


def test_a_stopped_replica_leaves_reads_to_the_primary(replicas: Replicated) -> None:
    primary, standby = replicas.stack.postgres, replicas.standby
    standby_mark = len(standby.server_log())
    assert "Globex project" in replicas.names("globex.localhost")
    assert SELECT_PROJECTS in _logged_since(standby, standby_mark)  # in use until now
    standby.stop("fast")
    primary_mark = len(primary.server_log())

    # The first read after the stop may wait for the pool's connection timeout; none is an error.
    for _ in range(3):
        assert "Acme project" in replicas.names("acme.localhost")
        assert replicas.names("globex.localhost") == ["Globex project"]
    assert _logged_since(primary, primary_mark).count(SELECT_PROJECTS) >= 6
