"""Routing per API.md "Hosts", and what it costs: no SQL to find the tenant once warm."""

from __future__ import annotations

import pytest
from django.test import Client

from shared_apps.accounts.signup import Signup
from tenants.db import connection
from tenants.models import Domain, Tenant
from tests.sql import statements

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"type", "errors"}
    return body["errors"][0]


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST", "localhost.", "localhost:8000", "www.localhost", "WWW.Localhost.:3000"]
)
def test_public_host_variants_route_to_public(host: str) -> None:
    response = Client(HTTP_HOST=host).get("/api/v1/signup/check-subdomain/?subdomain=free-name")
    assert response.status_code == 200
    assert response.json()["available"] is True


@pytest.mark.parametrize(
    "host", ["acme.localhost", "ACME.localhost", "acme.localhost.", "acme.localhost:3000", "Acme.LOCALHOST.:80"]
)
def test_tenant_host_variants_route_to_the_tenant(acme: Signup, host: str) -> None:
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert connection.schema_name == acme.tenant.schema_name


def test_two_tenants_get_their_own_schemas(acme: Signup, globex: Signup) -> None:
    Client(HTTP_HOST="globex.localhost").get("/healthz")
    assert connection.schema_name == globex.tenant.schema_name
    Client(HTTP_HOST="acme.localhost").get("/healthz")
    assert connection.schema_name == acme.tenant.schema_name


def test_public_routes_are_not_served_on_tenant_hosts(acme: Signup) -> None:
    response = Client(HTTP_HOST="acme.localhost").post("/api/v1/signup/", {}, content_type="application/json")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize("host", ["nobody.localhost", "a.acme.localhost"])
def test_unknown_subdomain_is_404_json(acme: Signup, host: str) -> None:
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _error(response) == {
        "code": "tenant_not_found",
        "detail": "No organisation lives at this address.",
        "attr": None,
    }


@pytest.mark.parametrize("host", ["example.com", "acme.localhost.evil.com", "localhostx"])
def test_host_outside_the_base_domain_is_400(host: str) -> None:
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_host"


@pytest.mark.parametrize("host", ["", "bad host", "[::1]:8000", "acme..localhost"])
def test_malformed_host_is_400(host: str) -> None:
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_host"


def test_suspended_tenant_is_403_and_reactivation_restores_it(acme: Signup, django_capture_on_commit_callbacks) -> None:
    client = Client(HTTP_HOST="acme.localhost")
    assert client.get("/healthz").status_code == 200  # warm the cache first: suspension must invalidate it
    with django_capture_on_commit_callbacks(execute=True):
        Tenant.objects.filter(pk=acme.tenant.pk).update(status=Tenant.Status.SUSPENDED)
        Tenant.objects.get(pk=acme.tenant.pk).save()  # save() is what sends the invalidation
    response = client.get("/healthz")
    assert response.status_code == 403
    assert _error(response)["code"] == "tenant_suspended"
    with django_capture_on_commit_callbacks(execute=True):
        tenant = Tenant.objects.get(pk=acme.tenant.pk)
        tenant.status = Tenant.Status.ACTIVE
        tenant.save()
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("status", [Tenant.Status.DELETED, Tenant.Status.PROVISIONING])
def test_deleted_or_unfinished_tenant_is_404(acme: Signup, status: str) -> None:
    Tenant.objects.filter(pk=acme.tenant.pk).update(status=status)
    assert Client(HTTP_HOST="acme.localhost").get("/healthz").status_code == 404


def test_verified_custom_domain_routes_to_its_tenant(acme: Signup) -> None:
    Domain.objects.create(domain="app.acme-corp.example", tenant=acme.tenant, is_primary=False)
    Client(HTTP_HOST="APP.acme-corp.example:443").get("/healthz")
    assert connection.schema_name == acme.tenant.schema_name


def test_warm_path_sends_no_sql_to_find_the_tenant(acme: Signup, globex: Signup) -> None:
    client = Client(HTTP_HOST="acme.localhost")
    client.get("/healthz")  # cold: one lookup
    with statements() as sql:
        for _ in range(5):
            assert client.get("/healthz").status_code == 200
    assert sql.count() == 0


def test_search_path_is_sent_once_per_switch_not_per_request(acme: Signup, globex: Signup) -> None:
    acme_client, globex_client = Client(HTTP_HOST="acme.localhost"), Client(HTTP_HOST="globex.localhost")
    for client in (acme_client, globex_client):
        client.get("/healthz")  # warm the routing cache
    with statements() as sql:
        acme_client.get("/readyz")
        acme_client.get("/readyz")
        acme_client.get("/readyz")
        globex_client.get("/readyz")
        globex_client.get("/readyz")
    assert sql.count("SET SEARCH_PATH") == 2  # one for acme, one for the switch to globex
    assert sql.count("SELECT 1") == 5
    assert f'"{globex.tenant.schema_name}"' in [s for s in sql if s.upper().startswith("SET")][-1]
