"""POST /api/v1/signup/ and GET /api/v1/signup/check-subdomain/ (API.md, public host)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.accounts.signup import Signup
from shared_apps.memberships.models import Membership
from tenants.db import connection
from tenants.models import Domain, Tenant
from tenants.provisioning import pool_fill, pool_size

pytestmark = pytest.mark.django_db

GOOD = {
    "organisationName": "Initech",
    "subdomain": "initech",
    "email": "Peter@Initech.test",
    "password": "tps-reports-2026!",
    "fullName": "Peter Gibbons",
}


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%%'")
        return {row[0] for row in cursor.fetchall()}


def _world() -> dict[str, Any]:
    """Everything a signup could leave behind."""
    return {
        "users": User.objects.count(),
        "tenants": Tenant.objects.exclude(status=Tenant.Status.PROVISIONING).count(),
        "domains": Domain.objects.count(),
        "memberships": Membership.objects.count(),
        "pool": pool_size(),
        "schemas": _schemas(),
    }


def _table_exists(schema: str, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".{table}'])
        return cursor.fetchone()[0] is not None


def test_signup_creates_a_ready_organisation(public_client: Client) -> None:
    pool_fill()  # earlier tests may have drained it; the worker that refills it is not running here
    pool_before = pool_size()
    response = public_client.post("/api/v1/signup/", GOOD, content_type="application/json")

    assert response.status_code == 201, response.content
    body = response.json()
    tenant = Tenant.objects.get(pk=body["tenant"]["id"])
    assert body["tenant"] == {
        "id": str(tenant.id),
        "name": "Initech",
        "subdomain": "initech",
        "url": "http://initech.localhost/",
        "status": "active",
    }
    user = User.objects.get(pk=body["user"]["id"])
    assert body["user"] == {"id": user.id, "email": "peter@initech.test"}
    assert user.full_name == "Peter Gibbons" and user.check_password(GOOD["password"])
    assert Membership.objects.get(user=user, tenant=tenant).role == "owner"
    assert Domain.objects.get(tenant=tenant).domain == "initech.localhost"
    # Claimed from the pool: a migrated schema, not created in the request.
    assert pool_size() == pool_before - 1
    assert tenant.schema_name.startswith("t_") and "initech" not in tenant.schema_name
    assert _table_exists(tenant.schema_name, "projects_project")

    # Usable at once: its host routes to its schema.
    assert Client(HTTP_HOST="initech.localhost").get("/healthz").status_code == 200
    assert connection.schema_name == tenant.schema_name


def test_production_hashes_passwords_with_argon2id() -> None:
    from saas.settings.base import PASSWORD_HASHERS

    assert PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_signup_works_when_the_pool_is_empty(public_client: Client) -> None:
    Tenant.objects.filter(status=Tenant.Status.PROVISIONING).delete()  # rolled back after the test
    response = public_client.post("/api/v1/signup/", GOOD, content_type="application/json")
    assert response.status_code == 201
    tenant = Tenant.objects.get(pk=response.json()["tenant"]["id"])
    assert _table_exists(tenant.schema_name, "projects_project")
    assert Client(HTTP_HOST="initech.localhost").get("/healthz").status_code == 200


def _bad(**changes: Any) -> dict[str, Any]:
    body = {**GOOD, **changes}
    return {key: value for key, value in body.items() if value is not None}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (_bad(organisationName=None), "organisationName", "required"),
        (_bad(organisationName="   "), "organisationName", "blank"),
        (_bad(organisationName="x" * 201), "organisationName", "max_length"),
        (_bad(subdomain=None), "subdomain", "required"),
        (_bad(subdomain="ab"), "subdomain", "invalid"),
        (_bad(subdomain="-initech"), "subdomain", "invalid"),
        (_bad(subdomain="ini_tech"), "subdomain", "invalid"),
        (_bad(subdomain="café"), "subdomain", "invalid"),
        (_bad(subdomain="xn--initech"), "subdomain", "invalid"),
        (_bad(subdomain="a" * 64), "subdomain", "max_length"),
        (_bad(subdomain="admin"), "subdomain", "reserved"),
        (_bad(subdomain="www"), "subdomain", "reserved"),
        (_bad(subdomain="supports"), "subdomain", "reserved"),
        (_bad(subdomain="acme"), "subdomain", "taken"),
        (_bad(subdomain="ACME"), "subdomain", "taken"),
        (_bad(email=None), "email", "required"),
        (_bad(email="not-an-email"), "email", "invalid"),
        (_bad(email="owner@acme.test"), "email", "taken"),
        (_bad(email="  OWNER@Acme.TEST "), "email", "taken"),
        (_bad(password=None), "password", "required"),
        (_bad(password="short1!"), "password", "password_weak"),
        (_bad(password="password123"), "password", "password_weak"),
        (_bad(password="83749201938475"), "password", "password_weak"),
        (_bad(password="peter@initech.test"), "password", "password_weak"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(
    public_client: Client, acme: Signup, body: dict[str, Any], field: str, code: str
) -> None:
    before = _world()
    response = public_client.post("/api/v1/signup/", body, content_type="application/json")
    assert response.status_code == 400
    payload = response.json()
    assert payload["type"] == "validation_error"
    assert {"attr": field, "code": code} in [{"attr": e["attr"], "code": e["code"]} for e in payload["errors"]]
    assert all(e["detail"] for e in payload["errors"])
    assert _world() == before


def test_malformed_json_is_a_400_and_changes_nothing(public_client: Client) -> None:
    before = _world()
    response = public_client.post("/api/v1/signup/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"
    assert _world() == before


@pytest.mark.parametrize(
    ("subdomain", "available", "reason"),
    [
        ("free-name", True, None),
        ("FREE-name", True, None),
        ("acme", False, "taken"),
        ("admin", False, "reserved"),
        ("a_b", False, "invalid"),
        ("ab", False, "invalid"),
    ],
)
def test_check_subdomain(
    public_client: Client, acme: Signup, subdomain: str, available: bool, reason: str | None
) -> None:
    response = public_client.get("/api/v1/signup/check-subdomain/", {"subdomain": subdomain})
    assert response.status_code == 200
    body = response.json()
    assert body["subdomain"] == subdomain.lower()
    assert body["available"] is available
    assert body.get("reason") == reason
    assert ("detail" in body) is (not available)


def test_check_subdomain_without_the_parameter_names_it(public_client: Client) -> None:
    response = public_client.get("/api/v1/signup/check-subdomain/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "subdomain"
