"""A release of this code in a database of its own: the tenant apps' migrations as a release would ship them.

Used by the migration controller's tests and benchmarks. Each phase runs in a subprocess, as the deploy
step and the app would: the projects app's migrations are a copy of the real ones plus the release's
(`TEST_MIGRATION_MODULES`, read by tests/settings.py), against a database `release_database` creates.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]

_PRELUDE = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from tenants.db import connection
from tenants.models import Tenant
from tenants.migrator import migrate_tenants

def get(sub, path="/api/v1/auth/login/"):
    response = Client(HTTP_HOST=f"{sub}.localhost").post(
        path, {"email": f"owner@{sub}.test", "password": "pw-Correct-horse-9"}, content_type="application/json"
    )
    body = response.json()
    return [response.status_code, (body.get("errors") or [{}])[0].get("code"), response.get("Retry-After")]

def schema(sub):
    return Tenant.objects.get(domains__domain=f"{sub}.localhost").schema_name

def sql(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)

out = {}
"""


def _migration(name: str, depends: str, column: str) -> str:
    return textwrap.dedent(
        f"""
        from django.db import migrations, models


        class Migration(migrations.Migration):
            dependencies = [("projects", "{depends}")]
            operations = [migrations.AddField("project", "{column}", models.TextField(null=True))]
        """
    )


class Release:
    """A database of its own, and the projects app's migrations as a release of this code would ship them."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.package = tmp / "release_migrations"
        self.database_url = database_url
        real = ROOT / "tenant_apps" / "projects" / "migrations"
        self.package.mkdir()
        for source in real.glob("*.py"):
            shutil.copy(source, self.package / source.name)
        self.latest = max(p.stem for p in real.glob("0*.py"))
        self.setup: dict[str, Any] = {}
        self.env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_NAME", "TEST_MIGRATION_MODULES")}
        self.run_id = f"migrate{uuid.uuid4().hex[:10]}"
        self.env.pop("CACHE_KEY_PREFIX", None)  # tests/settings.py derives it from TEST_RUN_ID: its own keys
        self.env.update(
            DATABASE_URL=database_url,
            PYTHONPATH=f"{tmp}{os.pathsep}{ROOT}",
            TEST_RUN_ID=self.run_id,
            # Tasks queued by signups here have no worker to run them: they stay in this process's memory.
            CELERY_BROKER_URL="memory://",
            CELERY_SKIP_CHECKS="1",
        )

    def add(self, name: str, column: str) -> str:
        (self.package / f"{name}.py").write_text(_migration(name, self.latest, column))
        self.latest = name
        self.env["TEST_MIGRATION_MODULES"] = json.dumps({"projects": "release_migrations"})
        return f"projects.{name}"

    def run(self, script: str, timeout: float = 180) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", _PRELUDE + textwrap.dedent(script) + "\nprint('OUT=' + json.dumps(out))"],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-4000:]
        return json.loads(next(line[4:] for line in done.stdout.splitlines() if line.startswith("OUT=")))

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180
        )


@contextlib.contextmanager
def release_database(tmp: Path, label: str) -> Iterator[Release]:
    """A database on the test run's server, dropped (and the release's cache keys removed) at the end."""
    server = urlsplit(os.environ["DATABASE_URL"])
    name = f"test_{label}_{os.environ['TEST_RUN_ID']}"
    admin = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    made = Release(tmp, urlunsplit(server._replace(path=f"/{name}")))
    try:
        yield made
    finally:
        with contextlib.suppress(psycopg.Error), psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2)
        with contextlib.suppress(redis.RedisError):
            for key in client.scan_iter(f"test-{made.run_id}:*"):
                client.delete(key)
