"""Two-step deletion: suspended at once, erased after the grace period, with a report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import RefreshTokenRecord
from shared_apps.accounts.signup import signup_create
from shared_apps.audit.models import AuditLog
from shared_apps.operator.deletion import tenant_deletions_run
from shared_apps.operator.models import TenantDeletion
from tenant_apps.projects.models import Project
from tenants.db import connection
from tenants.models import Tenant
from tests.factories import PASSWORD
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_delete_suspends_now_and_erases_after_the_grace_period(
    operator_token: str, django_capture_on_commit_callbacks: Any
) -> None:
    signup = signup_create(organisation_name="Initech", subdomain="initech", email="owner@initech.test",
                           password=PASSWORD)  # fmt: skip
    tenant = signup.tenant
    session = login(signup.host, "owner@initech.test")
    key = f"tenants/{tenant.id}/files/report.txt"
    storages["default"].save(key, ContentFile(b"tps report"))
    with tenant_context(tenant):
        Project.objects.create(name="TPS")
        caches["tenant"].set("dashboard", "cached")
    connection.set_schema_to_public()

    with django_capture_on_commit_callbacks(execute=True):
        scheduled = api(PUBLIC, operator_token).post(
            # The offered export has its own test (test_deletion_export.py, with a real worker).
            f"/api/v1/operator/tenants/{tenant.id}/delete/", {"reason": "customer asked", "export": False},
            content_type="application/json",
        )  # fmt: skip
    assert scheduled.status_code == 202, scheduled.content
    due = scheduled.json()["dueAt"]
    assert scheduled.json()["status"] == "scheduled"
    assert Tenant.objects.get(pk=tenant.pk).status == "suspended"
    assert error(api(signup.host, session["access"]).get("/api/v1/me/"))["code"] == "tenant_suspended"

    # Before the grace period ends nothing is erased.
    assert tenant_deletions_run(now=timezone.now() + settings.TENANT_DELETION_GRACE_PERIOD - timedelta(minutes=1)) == 0
    assert _schema_exists(tenant.schema_name)
    # Time travel: past the grace period, the periodic task erases it.
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            tenant_deletions_run(now=timezone.now() + settings.TENANT_DELETION_GRACE_PERIOD + timedelta(minutes=1)) == 1
        )

    assert not _schema_exists(tenant.schema_name)
    assert not storages["default"].exists(key)
    assert not RefreshTokenRecord.objects.filter(tenant=tenant, revoked_at=None).exists()
    with tenant_context(tenant):
        assert caches["tenant"].get("dashboard") is None
    connection.set_schema_to_public()
    assert Tenant.objects.get(pk=tenant.pk).status == "deleted"
    gone = api(signup.host).post(
        "/api/v1/auth/refresh/", {"refresh": session["refresh"]}, content_type="application/json"
    )
    assert gone.status_code == 404

    deletion = TenantDeletion.objects.get(tenant=tenant)
    assert deletion.status == "done"
    report = deletion.report
    assert report["schema"] == tenant.schema_name
    assert {"name": "projects_project", "rows": 1} in report["tables"]
    assert report["storage"]["objects"] == 1
    assert report["storage"]["bytes"] == len(b"tps report")
    assert report["tokens_revoked"] == 1  # the session's refresh token
    assert report["tokens_active_after"] == 0
    assert report["members"] == 1
    assert report["domains_released"] == ["initech.localhost"]
    assert report["subscription"] == "no subscription"
    assert report["started_at"] <= report["finished_at"]
    assert deletion.due_at.isoformat().startswith(due[:16])

    listed = api(PUBLIC, operator_token).get("/api/v1/operator/deletions/").json()["results"]
    assert listed[0]["tenantName"] == "Initech"
    assert listed[0]["report"]["storage"]["objects"] == 1
    assert AuditLog.objects.filter(tenant=tenant, action="tenant.deleted").exists()


def test_reactivating_cancels_a_scheduled_deletion(acme: Any, operator_token: str) -> None:
    client = api(PUBLIC, operator_token)
    assert client.post(f"/api/v1/operator/tenants/{acme.tenant.id}/delete/").status_code == 202
    assert client.post(f"/api/v1/operator/tenants/{acme.tenant.id}/reactivate/").json()["status"] == "active"
    assert TenantDeletion.objects.get(tenant=acme.tenant).status == "cancelled"
    assert tenant_deletions_run(now=timezone.now() + timedelta(days=365)) == 0
    assert _schema_exists(acme.tenant.schema_name)
