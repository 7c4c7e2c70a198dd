"""Audit log isolation, subdomain changes with redirects, usage metrics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shared_apps.accounts.signup import Signup
from shared_apps.audit.services import audit_record
from shared_apps.operator.models import TenantUsage
from shared_apps.operator.services import domain_redirects_expire
from shared_apps.operator.usage import usage_flush
from tenants.models import Domain, DomainRedirect
from tenants.redirects import redirects
from tests.conftest import Team
from tests.helpers import PUBLIC, api, error, login

pytestmark = pytest.mark.django_db


def test_owners_see_their_own_audit_log_only(acme: Signup, globex: Signup, team: Team, operator_token: str) -> None:
    audit_record(action="member.role_changed", actor=team.owner, tenant=acme.tenant, target=team.member,
                 extra={"role": "admin"})  # fmt: skip
    audit_record(action="member.removed", actor=globex.user, tenant=globex.tenant, target=globex.user)

    acme_entries = api(acme.host, login(acme.host, team.owner.email)["access"]).get("/api/v1/audit/").json()
    assert [e["action"] for e in acme_entries["results"]] == ["member.role_changed"]
    entry = acme_entries["results"][0]
    assert entry["actor"] == {"id": team.owner.id, "email": team.owner.email}
    assert entry["targetType"] == "accounts.user"
    assert entry["targetId"] == str(team.member.id)
    globex_entries = api(globex.host, login(globex.host, "owner@globex.test")["access"]).get("/api/v1/audit/").json()
    assert [e["action"] for e in globex_entries["results"]] == ["member.removed"]
    # Admins and members are not owners.
    assert api(acme.host, login(acme.host, "admin@acme.test")["access"]).get("/api/v1/audit/").status_code == 403
    # Operators see everything, and can narrow to one organisation.
    everything = api(PUBLIC, operator_token).get("/api/v1/operator/audit/").json()
    assert {"member.role_changed", "member.removed"} <= {e["action"] for e in everything["results"]}
    narrowed = api(PUBLIC, operator_token).get("/api/v1/operator/audit/", {"tenant": str(globex.tenant.id)}).json()
    assert [e["action"] for e in narrowed["results"]] == ["member.removed"]


def test_subdomain_change_redirects_the_old_host_for_a_while(
    acme: Signup, operator_token: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        moved = api(PUBLIC, operator_token).post(
            f"/api/v1/operator/tenants/{acme.tenant.id}/subdomain/", {"subdomain": "acme-corp"},
            content_type="application/json",
        )  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert moved.json()["subdomain"] == "acme-corp"
    token = login("acme-corp.localhost", acme.user.email)["access"]
    assert api("acme-corp.localhost", token).get("/api/v1/me/").status_code == 200

    old = api("acme.localhost").get("/api/v1/me/?x=1")
    assert old.status_code == 301
    assert old["Location"] == "http://acme-corp.localhost/api/v1/me/?x=1"

    taken = api(PUBLIC, operator_token).post(
        f"/api/v1/operator/tenants/{acme.tenant.id}/subdomain/", {"subdomain": "globex"},
        content_type="application/json",
    )  # fmt: skip
    assert taken.status_code == 400
    assert error(taken)["code"] == "taken"

    DomainRedirect.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    redirects.clear()
    assert error(api("acme.localhost").get("/api/v1/me/"))["code"] == "tenant_not_found"
    with django_capture_on_commit_callbacks(execute=True):
        assert domain_redirects_expire() == 1
    assert not Domain.objects.filter(domain="acme.localhost").exists()


def test_api_requests_are_counted_and_flushed_with_members_and_storage(
    acme: Signup, team: Team, operator_token: str
) -> None:
    token = login(acme.host, team.owner.email)["access"]
    usage_flush()
    before = TenantUsage.objects.get(tenant=acme.tenant, date=timezone.now().date()).api_requests
    for _ in range(3):
        api(acme.host, token).get("/api/v1/me/")
    assert usage_flush() == 2  # today's row for each organisation, acme and globex
    today = TenantUsage.objects.get(tenant=acme.tenant, date=timezone.now().date())
    assert today.api_requests == before + 3
    assert today.members == 3
    usage_flush()  # totals, not increments: flushing again changes nothing
    assert TenantUsage.objects.get(pk=today.pk).api_requests == before + 3

    detail = api(PUBLIC, operator_token).get(f"/api/v1/operator/tenants/{acme.tenant.id}/").json()
    assert detail["usage"][0]["apiRequests"] == before + 3
    assert detail["memberCount"] == 3
    assert detail["lastActivity"] == str(timezone.now().date())
