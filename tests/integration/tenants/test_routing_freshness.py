"""No "no organisation here" outlives the change that ends it, in any process (issue 11, item 6).

Another process's commit reaches this one only through the routing version, which this process re-reads
at most every ROUTING_VERSION_TTL. The changes below are made with `update()`, which sends no
invalidation at all: that is what this process sees of another one's change inside that window.
"""

from __future__ import annotations

import pytest
from django.test import Client

from shared_apps.accounts.signup import Signup, signup_create
from tenants.models import Domain, Tenant
from tests.factories import PASSWORD
from tests.sql import statements

pytestmark = pytest.mark.django_db


def test_an_organisation_is_routable_at_once_after_a_miss_was_served() -> None:
    client = Client(HTTP_HOST="newco.localhost")
    assert client.get("/healthz").status_code == 404  # a miss, served before the signup
    signup = signup_create(organisation_name="NewCo", subdomain="newco", email="o@newco.test", password=PASSWORD)
    assert signup.host == "newco.localhost"
    assert client.get("/healthz").status_code == 200


def test_reactivation_applies_at_once(acme: Signup) -> None:
    client = Client(HTTP_HOST="acme.localhost")
    Tenant.objects.filter(pk=acme.tenant.pk).update(status=Tenant.Status.SUSPENDED)
    assert client.get("/healthz").status_code == 403
    Tenant.objects.filter(pk=acme.tenant.pk).update(status=Tenant.Status.ACTIVE)
    assert client.get("/healthz").status_code == 200


def test_a_freed_subdomain_taken_by_another_organisation_routes_to_it(acme: Signup, globex: Signup) -> None:
    client = Client(HTTP_HOST="freed.localhost")
    assert client.get("/healthz").status_code == 404
    Domain.objects.create(domain="freed.localhost", tenant=globex.tenant, is_primary=False)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401  # routed: globex's API answers (no token), not tenant_not_found
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_active_tenants_stay_cached_and_misses_cost_one_query(acme: Signup) -> None:
    Client(HTTP_HOST="acme.localhost").get("/healthz")
    with statements() as sql:
        Client(HTTP_HOST="acme.localhost").get("/healthz")
    assert sql.count() == 0
    with statements() as sql:
        Client(HTTP_HOST="nobody.localhost").get("/healthz")
        Client(HTTP_HOST="nobody.localhost").get("/healthz")
    assert sql.count("SELECT") == 2  # one lookup per miss (the first also switches the search_path)
