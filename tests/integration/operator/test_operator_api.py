"""Operator API on the public host: who may call it, search, suspend and reactivate, the read-only data look."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from tenants.models import Tenant
from tests.conftest import Team
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db


def _endpoints(tenant_id: Any) -> list[tuple[str, str]]:
    base = f"/api/v1/operator/tenants/{tenant_id}"
    return [
        ("get", "/api/v1/operator/tenants/"),
        ("get", f"{base}/"),
        ("post", f"{base}/suspend/"),
        ("post", f"{base}/reactivate/"),
        ("post", f"{base}/impersonate/"),
        ("post", f"{base}/subdomain/"),
        ("post", f"{base}/delete/"),
        ("get", f"{base}/data/"),
        ("get", "/api/v1/operator/audit/"),
        ("get", "/api/v1/operator/deletions/"),
    ]


def _call(client: Client, method: str, path: str) -> Any:
    return getattr(client, method)(path, {"reason": "x"} if method == "post" else None, content_type="application/json")


def test_only_operators_reach_the_operator_api(acme: Signup, team: Team, operator_token: str) -> None:
    account = login(PUBLIC, team.owner.email)["access"]  # a non-staff account token
    tenant_token = login(acme.host, team.owner.email)["access"]  # an organisation token
    for method, path in _endpoints(acme.tenant.id):
        anonymous = _call(api(PUBLIC), method, path)
        assert anonymous.status_code == 401, (path, anonymous.content)
        for token in (account, tenant_token):
            refused = _call(api(PUBLIC, token), method, path)
            assert refused.status_code == 403, (path, refused.content)
            assert error(refused)["code"] == "permission_denied"
        # Not routed at all on an organisation's host.
        assert _call(api(acme.host, tenant_token), method, path).status_code == 404
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "active"
    assert api(PUBLIC, operator_token).get("/api/v1/operator/tenants/").status_code == 200


def test_operator_finds_an_organisation_by_a_member_email(
    acme: Signup, globex: Signup, team: Team, operator_token: str
) -> None:
    client = api(PUBLIC, operator_token)
    body = client.get("/api/v1/operator/tenants/", {"search": "member@acme"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert {k: row[k] for k in ("id", "name", "subdomain", "status", "plan", "memberCount", "storageBytes")} == {
        "id": str(acme.tenant.id),
        "name": "Acme",
        "subdomain": "acme",
        "status": "active",
        "plan": "free",
        "memberCount": 3,
        "storageBytes": 0,
    }
    assert row["createdAt"]
    by_subdomain = client.get("/api/v1/operator/tenants/", {"search": "globex"}).json()["results"]
    assert [r["name"] for r in by_subdomain] == ["Globex"]
    everyone = client.get("/api/v1/operator/tenants/").json()
    assert {"Acme", "Globex"} <= {r["name"] for r in everyone["results"]}
    assert client.get("/api/v1/operator/tenants/", {"search": "nobody@nowhere"}).json()["count"] == 0


def test_operator_sees_the_organisation_data_read_only(acme: Signup, operator_token: str) -> None:
    from django_tenants.utils import tenant_context

    from tenant_apps.projects.models import Project
    from tenants.db import connection

    with tenant_context(acme.tenant):
        Project.objects.create(name="Launch", description="d")

    response = api(PUBLIC, operator_token).get(f"/api/v1/operator/tenants/{acme.tenant.id}/data/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [p["name"] for p in body["projects"]] == ["Launch"]
    assert {"name": "projects_project", "rows": 1} in body["tables"]
    # Files are listed when the files app is installed; the tables and their counts always are.
    assert ("files" in body) == apps.is_installed("tenant_apps.files")
    # The schema switch ended with the request, and the transaction is writable again.
    assert connection.schema_name == "public"
    AuditLog.objects.create(action="still.writable")
    assert AuditLog.objects.filter(
        tenant=acme.tenant, action="tenant.data_viewed", actor_email="ops@saas.test"
    ).exists()


def test_suspend_closes_the_host_and_its_refresh_tokens_reactivate_restores(
    acme: Signup, operator_token: str, django_capture_on_commit_callbacks: Any
) -> None:
    session = login(acme.host, acme.user.email)
    client = api(PUBLIC, operator_token)
    with django_capture_on_commit_callbacks(execute=True):
        suspended = client.post(f"/api/v1/operator/tenants/{acme.tenant.id}/suspend/", {"reason": "abuse report"},
                                content_type="application/json")  # fmt: skip
    assert suspended.status_code == 200, suspended.content
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["id"] == str(acme.tenant.id)

    closed = api(acme.host, session["access"]).get("/api/v1/me/")
    assert closed.status_code == 403
    assert error(closed)["code"] == "tenant_suspended"
    refresh = api(acme.host).post("/api/v1/auth/refresh/", {"refresh": session["refresh"]},
                                  content_type="application/json")  # fmt: skip
    assert refresh.status_code == 403
    assert error(refresh)["code"] == "tenant_suspended"

    with django_capture_on_commit_callbacks(execute=True):
        reactivated = client.post(f"/api/v1/operator/tenants/{acme.tenant.id}/reactivate/")
    assert reactivated.status_code == 200
    assert reactivated.json()["status"] == "active"
    assert api(acme.host, session["access"]).get("/api/v1/me/").status_code == 200
    refreshed = api(acme.host).post("/api/v1/auth/refresh/", {"refresh": session["refresh"]},
                                    content_type="application/json")  # fmt: skip
    assert refreshed.status_code == 200

    actions = list(AuditLog.objects.filter(tenant=acme.tenant).values_list("action", "actor_email", "extra"))
    assert ("tenant.suspended", "ops@saas.test", {"reason": "abuse report"}) in actions
    assert any(a[0] == "tenant.reactivated" for a in actions)


def test_admin_answers_on_the_public_host_only(acme: Signup, globex: Signup, operator: Any) -> None:
    client = Client(HTTP_HOST=acme.host)
    client.force_login(operator)
    assert client.get("/admin/").status_code == 404
    public = Client(HTTP_HOST=PUBLIC)
    public.force_login(operator)
    assert public.get("/admin/").status_code == 200
    listing = public.get("/admin/tenants/tenant/", {"q": acme.user.email})
    assert listing.status_code == 200
    assert b"Acme" in listing.content
    assert b"Globex" not in listing.content
    data = public.get(f"/admin/tenants/tenant/{acme.tenant.id}/data/")
    assert data.status_code == 200
    assert b"projects_project" in data.content
    for page in (
        "operator/auditlog",
        "operator/tenantdeletion",
        "operator/tenantusage",
        "memberships/membership",
        "memberships/invitation",
        "operator/impersonationgrant",
        f"tenants/tenant/{acme.tenant.id}/change",
    ):
        assert public.get(f"/admin/{page}/").status_code == 200, page
