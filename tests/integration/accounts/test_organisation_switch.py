"""The organisation switcher inside an organisation: POST /api/v1/me/organisations/<id>/handoff/ gives a one-time
link into another of the same person's organisations, signed in there as a login would be (SSO enforcement
and its audited owner break-glass included); nobody reaches an organisation they are not an active member of."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from shared_apps.accounts.signup import Signup
from shared_apps.audit.models import AuditLog
from shared_apps.memberships.models import Membership
from shared_apps.memberships.services import membership_create
from tests.conftest import Team
from tests.factories import UserFactory
from tests.helpers import PUBLIC, api, error, login
from tests.plugins.oidc import OidcProvider

pytestmark = pytest.mark.django_db


def _switch(host: str, token: str | None, tenant_id: object) -> Any:
    return api(host, token).post(f"/api/v1/me/organisations/{tenant_id}/handoff/")


def _redeem(host: str, url: str) -> Any:
    code = parse_qs(urlsplit(url).query)["code"][0]
    return api(host).post("/api/v1/auth/handoff/", {"code": code}, content_type="application/json")


def _enforce_sso(globex: Signup, issuer: str) -> None:
    owner = login(globex.host, globex.user.email)["access"]
    body = {
        "issuer": issuer,
        "clientId": "globex-app",
        "clientSecret": "s3cret-of-globex",
        "emailDomains": ["globex.test"],
        "enforced": True,
        "autoJoin": False,
    }
    response = api(globex.host, owner).put("/api/v1/sso/", body, content_type="application/json")
    assert response.status_code == 200, response.content


def test_a_member_of_two_organisations_moves_from_one_to_the_other_signed_in(
    acme: Signup, globex: Signup, team: Team
) -> None:
    membership_create(user=team.member, tenant=globex.tenant, role=Membership.Role.ADMIN)
    token = login(acme.host, "member@acme.test")["access"]

    response = _switch(acme.host, token, globex.tenant.id)

    assert response.status_code == 200, response.content
    url = response.json()["url"]
    assert url.startswith("http://globex.localhost/auth/handoff?code="), url
    assert _redeem(acme.host, url).status_code == 401  # bound to globex: useless on acme
    redeemed = _redeem(globex.host, url)
    assert redeemed.status_code == 200, redeemed.content
    assert redeemed.json()["role"] == "admin"
    me = api(globex.host, redeemed.json()["access"]).get("/api/v1/me/").json()
    assert (me["email"], me["tenant"]["subdomain"]) == ("member@acme.test", "globex")
    assert error(_redeem(globex.host, url))["code"] == "link_not_valid"  # once


def test_nobody_reaches_an_organisation_they_are_not_an_active_member_of(
    acme: Signup, globex: Signup, team: Team
) -> None:
    token = login(acme.host, "member@acme.test")["access"]
    assert _switch(acme.host, token, globex.tenant.id).status_code == 404  # never a member

    membership = membership_create(user=team.member, tenant=globex.tenant, role=Membership.Role.MEMBER)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assert _switch(acme.host, token, globex.tenant.id).status_code == 404  # removed
    assert _switch(acme.host, token, "00000000-0000-0000-0000-000000000000").status_code == 404
    # Only on an organisation's host, signed in there.
    assert _switch(acme.host, None, globex.tenant.id).status_code == 401
    account = login(PUBLIC, "member@acme.test")["access"]
    assert _switch(PUBLIC, account, globex.tenant.id).status_code == 404  # /api/v1/me/ lives on organisation hosts


def test_an_impersonating_operator_cannot_hop_to_another_organisation(acme: Signup, globex: Signup) -> None:
    membership_create(user=acme.user, tenant=globex.tenant, role=Membership.Role.MEMBER)
    operator = UserFactory.create(email="ops-switch@saas.test", is_staff=True, is_superuser=True)
    link = api(PUBLIC, login(PUBLIC, operator.email)["access"]).post(
        f"/api/v1/operator/tenants/{acme.tenant.id}/impersonate/",
        {"reason": "ticket 43", "write": True},
        content_type="application/json",
    )
    assert link.status_code == 200, link.content
    token = _redeem(acme.host, link.json()["url"]).json()["access"]
    refused = _switch(acme.host, token, globex.tenant.id)
    assert refused.status_code == 403
    assert error(refused)["code"] == "impersonation_not_allowed"


def test_where_sso_is_enforced_a_member_is_refused_and_an_owner_breaks_glass(
    acme: Signup, globex: Signup, team: Team, oidc_provider: OidcProvider
) -> None:
    _enforce_sso(globex, oidc_provider.issuer)
    membership_create(user=team.member, tenant=globex.tenant, role=Membership.Role.MEMBER)
    membership_create(user=team.owner, tenant=globex.tenant, role=Membership.Role.OWNER)

    refused = _switch(acme.host, login(acme.host, "member@acme.test")["access"], globex.tenant.id)
    assert refused.status_code == 403
    assert error(refused) == {
        "code": "sso_required",
        "detail": "This organisation requires signing in with its single sign-on.",
        "attr": None,
    }

    allowed = _switch(acme.host, login(acme.host, team.owner.email)["access"], globex.tenant.id)
    assert allowed.status_code == 200, allowed.content
    entry = AuditLog.objects.get(tenant=globex.tenant, action="sso.break_glass_login")
    assert (entry.actor_id, entry.extra) == (team.owner.id, {"method": "handoff"})
    # The same rule holds for the account's own switcher on the public host.
    account = login(PUBLIC, "member@acme.test")["access"]
    public = api(PUBLIC, account).post(f"/api/v1/account/tenants/{globex.tenant.id}/handoff/")
    assert error(public)["code"] == "sso_required"
