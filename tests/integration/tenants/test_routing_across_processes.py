"""The host -> tenant cache of one process is invalidated by changes committed in another process."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.test import Client

from shared_apps.accounts.signup import Signup
from tenants.db import connection
from tenants.models import Tenant
from tenants.routing import ROUTING_VERSION_TTL


def _status_within_ttl(client: Client, expected: int) -> bool:
    """Another process's change is seen once this process's copy of the version is older than the TTL."""
    deadline = time.monotonic() + ROUTING_VERSION_TTL + 1.0
    while client.get("/healthz").status_code != expected:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _run_in_another_process(code: str) -> None:
    env = {
        **os.environ,
        "TEST_DATABASE_NAME": settings.DATABASES["default"]["NAME"],
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], env=env, check=True, timeout=120)


def test_routing_cache_is_invalidated_by_a_change_in_another_process(live_db: None, acme: Signup) -> None:
    client = Client(HTTP_HOST="newco.localhost")
    assert client.get("/healthz").status_code == 404  # cached as "no such tenant" in this process
    assert client.get("/healthz").status_code == 404

    _run_in_another_process(
        "from shared_apps.accounts.signup import signup_create\n"
        "signup_create(organisation_name='NewCo', subdomain='newco', email='boss@newco.test',"
        " password='x-very-long-pass-42')\n"
    )

    assert _status_within_ttl(client, 200)
    assert connection.schema_name == Tenant.objects.get(domains__domain="newco.localhost").schema_name

    # And the other way round: the other process renames the domain; the old host stops routing.
    _run_in_another_process(
        "from tenants.models import Domain\n"
        "d = Domain.objects.get(domain='newco.localhost'); d.domain = 'newco2.localhost'; d.save()\n"
    )
    assert _status_within_ttl(client, 404)
    assert Client(HTTP_HOST="newco2.localhost").get("/healthz").status_code == 200
