"""Impersonation: a one-time link, read-only unless asked, at most 30 minutes, every request audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from shared_apps.accounts.models import LoginCode, RefreshTokenRecord, User
from shared_apps.accounts.signals import handoff_redeemed
from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.operator.models import ImpersonationGrant
from tests.conftest import Team
from tests.helpers import PUBLIC, api, error

pytestmark = pytest.mark.django_db


def _link(token: str, tenant_id: Any, **body: Any) -> Any:
    return api(PUBLIC, token).post(
        f"/api/v1/operator/tenants/{tenant_id}/impersonate/", {"reason": "ticket 42", **body},
        content_type="application/json",
    )  # fmt: skip


def _code(url: str) -> str:
    return parse_qs(urlsplit(url).query)["code"][0]


def _redeem(host: str, code: str) -> Any:
    return api(host).post("/api/v1/auth/handoff/", {"code": code}, content_type="application/json")


def _session(acme: Signup, operator_token: str, **body: Any) -> dict[str, Any]:
    response = _link(operator_token, acme.tenant.id, **body)
    assert response.status_code == 200, response.content
    redeemed = _redeem(acme.host, _code(response.json()["url"]))
    assert redeemed.status_code == 200, redeemed.content
    return dict(redeemed.json())


def test_link_is_single_use_and_me_reports_the_operator(acme: Signup, operator: User, operator_token: str) -> None:
    response = _link(operator_token, acme.tenant.id)
    assert response.status_code == 200
    url = response.json()["url"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://acme.localhost/auth/handoff"
    first = _redeem(acme.host, _code(url))
    assert first.status_code == 200
    me = api(acme.host, first.json()["access"]).get("/api/v1/me/").json()
    assert me["email"] == acme.user.email  # default: the owner
    assert me["impersonatedBy"] == {"id": operator.id, "email": "ops@saas.test"}
    again = _redeem(acme.host, _code(url))
    assert again.status_code == 401
    assert error(again)["code"] == "link_not_valid"


def test_link_expires_unused(acme: Signup, operator_token: str) -> None:
    url = _link(operator_token, acme.tenant.id).json()["url"]
    LoginCode.objects.filter(purpose="impersonation").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _redeem(acme.host, _code(url)).status_code == 401


def test_impersonation_is_read_only_and_every_request_is_audited(
    acme: Signup, team: Team, operator: User, operator_token: str
) -> None:
    session = _session(acme, operator_token, userId=team.member.id)
    client = api(acme.host, session["access"])
    assert client.get("/api/v1/me/").json()["email"] == "member@acme.test"
    assert client.get("/api/v1/members/").status_code == 200
    refused = client.post("/api/v1/invitations/", {"email": "new@acme.test", "role": "member"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    assert error(refused)["code"] == "impersonation_read_only"
    assert client.delete(f"/api/v1/members/{team.member.id}/").status_code == 403

    entries = AuditLog.objects.filter(tenant=acme.tenant, actor=operator, action__startswith="impersonation.")
    trail = [(e.action, e.extra.get("method"), e.extra.get("path")) for e in entries.order_by("id")]
    assert trail == [
        ("impersonation.started", None, None),
        ("impersonation.redeemed", None, None),
        ("impersonation.request", "GET", "/api/v1/me/"),
        ("impersonation.request", "GET", "/api/v1/members/"),
        ("impersonation.refused", "POST", "/api/v1/invitations/"),
        ("impersonation.refused", "DELETE", f"/api/v1/members/{team.member.id}/"),
    ]
    assert entries.first().target_id == str(team.member.id)  # type: ignore[union-attr]
    assert entries.get(action="impersonation.started").extra["reason"] == "ticket 42"


def test_write_access_when_asked(acme: Signup, team: Team, operator_token: str) -> None:
    session = _session(acme, operator_token, write=True)
    changed = api(acme.host, session["access"]).patch(
        f"/api/v1/members/{team.member.id}/", {"role": "admin"}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert AuditLog.objects.filter(action="impersonation.request", extra__method="PATCH", extra__status=200).exists()


def test_session_ends_after_at_most_30_minutes(acme: Signup, operator_token: str) -> None:
    session = _session(acme, operator_token)
    grant = ImpersonationGrant.objects.get()
    assert grant.expires_at - grant.created_at <= timedelta(minutes=30)
    refreshed = api(acme.host).post("/api/v1/auth/refresh/", {"refresh": session["refresh"]},
                                    content_type="application/json")  # fmt: skip
    assert refreshed.status_code == 200  # within the session, refresh works and keeps `imp`
    access, refresh = refreshed.json()["access"], refreshed.json()["refresh"]
    assert api(acme.host, access).get("/api/v1/me/").json()["impersonatedBy"] is not None

    # Time passes: the 30 minutes are over.
    ImpersonationGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    ended = api(acme.host, access).get("/api/v1/me/")
    assert ended.status_code == 401
    assert error(ended)["code"] == "impersonation_ended"
    assert api(acme.host).post("/api/v1/auth/refresh/", {"refresh": refresh},
                               content_type="application/json").status_code == 401  # fmt: skip
    assert grant.family is not None
    assert not RefreshTokenRecord.objects.filter(family=grant.family, revoked_at=None).exists()


def test_impersonation_needs_a_reason_and_a_member(acme: Signup, globex: Signup, operator_token: str) -> None:
    no_reason = _link(operator_token, acme.tenant.id, reason="")
    assert no_reason.status_code == 400
    outsider = _link(operator_token, acme.tenant.id, userId=globex.user.id)
    assert outsider.status_code == 400
    assert error(outsider)["attr"] == "userId"


def test_handoff_fires_its_hook_once(acme: Signup, operator_token: str) -> None:
    seen: list[str] = []

    def receiver(*, login: LoginCode, **_: Any) -> None:
        seen.append(login.purpose)

    handoff_redeemed.connect(receiver)
    try:
        _session(acme, operator_token)
    finally:
        handoff_redeemed.disconnect(receiver)
    assert seen == ["impersonation"]
    assert ImpersonationGrant.objects.get().family is not None  # the operator's receiver bound it


def test_refresh_of_an_ended_impersonation_is_refused_and_revokes_the_family(
    acme: Signup, operator: User, operator_token: str
) -> None:
    session = _session(acme, operator_token)
    grant = ImpersonationGrant.objects.get()
    assert grant.family is not None
    ImpersonationGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = api(acme.host).post("/api/v1/auth/refresh/", {"refresh": session["refresh"]},
                                  content_type="application/json")  # fmt: skip
    assert refused.status_code == 401
    assert error(refused)["code"] == "impersonation_ended"
    assert not RefreshTokenRecord.objects.filter(family=grant.family, revoked_at=None).exists()
    entry = AuditLog.objects.get(action="impersonation.refused", actor=operator)
    assert entry.extra == {"via": "refresh", "why": "ended"}
