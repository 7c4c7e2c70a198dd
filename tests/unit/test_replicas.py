"""Read replicas without a replica: the settings DATABASE_REPLICA_URLS builds, and how reads are marked.

Routing to a running standby (schemas, writes, lag, outage) is tests/faults/test_replica.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from tenant_apps.projects.models import Project
from tenant_apps.projects.selectors import project_list
from tenants.replicas import ReplicaRouter, on_primary, replica_reads

ROOT = Path(__file__).resolve().parents[2]

_SETTINGS = """
import json
from saas.settings import database
print(json.dumps({"databases": database.DATABASES, "routers": database.DATABASE_ROUTERS,
                  "lag": database.DATABASE_REPLICA_MAX_LAG_SECONDS}, default=str))
"""


def _database_settings(**env: str) -> dict[str, Any]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    environment.update(DJANGO_DEBUG="true", DATABASE_URL="postgres://app:secret@primary:5432/saas",
                       DATABASE_POOL_MAX_SIZE="4", **env)  # fmt: skip
    done = subprocess.run([sys.executable, "-c", _SETTINGS], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_no_replica_urls_change_nothing() -> None:
    found = _database_settings()
    assert list(found["databases"]) == ["default"]
    assert found["routers"] == ["django_tenants.routers.TenantSyncRouter"]


def test_each_replica_url_is_an_alias_like_the_primary_on_another_server() -> None:
    found = _database_settings(
        DATABASE_REPLICA_URLS="postgres://app:secret@replica-a:5432/saas,postgres://app:secret@replica-b:6432/saas",
        DATABASE_REPLICA_MAX_LAG_SECONDS="2.5",
    )
    databases = found["databases"]
    assert list(databases) == ["default", "replica_0", "replica_1"]
    primary = databases["default"]
    for alias, host, port in (("replica_0", "replica-a", 5432), ("replica_1", "replica-b", 6432)):
        replica = databases[alias]
        assert (replica["HOST"], replica["PORT"], replica["NAME"]) == (host, port, "saas")
        assert replica["OPTIONS"] == primary["OPTIONS"]  # the pool, the connect timeout
        assert replica["ENGINE"] == primary["ENGINE"] == "django_tenants.postgresql_backend"
        assert replica["TEST"] == {"MIRROR": "default"}
    # TenantSyncRouter still decides migrations (the default alias only); ours routes reads and writes.
    assert found["routers"] == ["django_tenants.routers.TenantSyncRouter", "tenants.replicas.ReplicaRouter"]
    assert found["lag"] == 2.5


def test_a_read_only_selector_marks_its_queryset_and_nothing_else() -> None:
    marked = project_list(name="a")
    assert vars(marked)["_hints"].get("read_only") is True
    assert vars(marked.filter(pk=1))["_hints"].get("read_only") is True  # clones keep it until evaluated
    assert "read_only" not in vars(on_primary(marked))["_hints"]
    assert "read_only" not in vars(Project.objects.all())["_hints"]  # the manager's own hints are untouched


def test_the_router_keeps_reads_on_the_primary_without_a_usable_replica() -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Project) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Project) == DEFAULT_DB_ALIAS  # no replica configured in the tests
    assert router.db_for_write(Project) == DEFAULT_DB_ALIAS
    assert router.allow_migrate("replica_0", "projects") is None
