"""Concurrent signups with real commits: distinct organisations, and one winner per subdomain."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections
from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.memberships.models import Membership
from tenants.models import Domain, Tenant
from tests.helpers import PUBLIC
from tests.integration.accounts.test_signup import GOOD, _schemas, _table_exists


def _concurrently(bodies: list[dict[str, Any]]) -> list[Any]:
    barrier = threading.Barrier(len(bodies))
    results: list[Any] = [None] * len(bodies)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = Client(HTTP_HOST=PUBLIC).post(
                "/api/v1/signup/", bodies[index], content_type="application/json"
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_concurrent_signups_make_twenty_distinct_organisations(live_db: None) -> None:
    bodies = [
        {**GOOD, "subdomain": f"conc-{i}", "email": f"person{i}@conc.test", "organisationName": f"Conc {i}"}
        for i in range(20)
    ]
    results = _concurrently(bodies)
    assert [getattr(r, "status_code", r) for r in results] == [201] * 20
    ids = {r.json()["tenant"]["id"] for r in results}
    tenants = Tenant.objects.filter(id__in=ids)
    assert len(ids) == 20 and tenants.count() == 20
    schemas = set(tenants.values_list("schema_name", flat=True))
    assert len(schemas) == 20 and schemas <= _schemas()
    assert all(_table_exists(schema, "projects_project") for schema in schemas)
    assert Membership.objects.filter(tenant__in=tenants, role="owner").count() == 20


def test_same_subdomain_twice_concurrently_exactly_one_wins(live_db: None) -> None:
    bodies = [{**GOOD, "subdomain": "raced", "email": f"racer{i}@race.test"} for i in range(2)]
    results = _concurrently(bodies)
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 400]
    loser = next(r for r in results if r.status_code == 400).json()["errors"][0]
    assert (loser["attr"], loser["code"]) == ("subdomain", "taken")
    assert Domain.objects.filter(domain="raced.localhost").count() == 1
    # The loser's account was rolled back with its organisation.
    assert User.objects.filter(email__endswith="@race.test").count() == 1
